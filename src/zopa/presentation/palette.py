"""The one colour palette of the report and the dashboard: stance badges, chart series, the page's ink.

The stylesheet's colour variables (``:root { --demand: ... }``) are generated from here
(:func:`css_variables`), and the charts take their colours from here too, so a colour is changed once.
"""

from __future__ import annotations

STANCE = {
    "demand": "#b3261e",
    "reject": "#6b2fa3",
    "accept": "#1e7d32",
    "offer": "#1f5fa8",
    "conditional": "#a86b00",
    "threat": "#8a1c1c",
    "plan": "#455a64",
    "statement": "#607d8b",
}
# one colour per party in charts, in the order the parties are listed
SERIES = ("#b3261e", "#1f5fa8", "#1e7d32", "#a86b00", "#6b2fa3", "#455a64", "#00838f", "#ad1457")
PAGE = {
    "ink": "#1d2433",
    "muted": "#5f6b7a",
    "line": "#d9dee5",
    "bg": "#f6f7f9",
    "card": "#fff",
    "accent": "#1f5fa8",
    "quote": "#fff0b3",
    "position": "#d7ecff",
    "event": "#ffd9cf",
    "statement-bg": "#e5f5df",
}
CHART = {
    "forecast": "#455a64",  # model forecasts (diamonds) and their intervals
    "range": "rgba(31,95,168,0.18)",  # acceptable ranges (red lines)
    "no_deal": "#000",  # expected outcome if talks fail (x)
    "reference": "#888",  # status quo and zero lines
    "opens": "#1e7d32",  # the month the zone of agreement opens
    "grid": "#eee",
}


def series(k: int) -> str:
    """The colour of the ``k``-th party or line of a chart."""
    return SERIES[k % len(SERIES)]


def css_variables() -> str:
    """The palette as CSS custom properties (the stylesheet reads ``var(--stance-demand)`` and the like)."""
    pairs = [*PAGE.items(), *((f"stance-{k}", v) for k, v in STANCE.items())]
    return ":root { " + " ".join(f"--{k}: {v};" for k, v in pairs) + " }\n"
