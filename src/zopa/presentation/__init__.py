"""One presentation layer for the HTML report and the dashboard.

* ``templates/``: Jinja templates, autoescaped. The dashboard's pages and the report page; the sections both
  show (the answer summary, the gap per issue, the zone of agreement, deals, plan, if talks fail, positions
  over time, assumptions) are one template each under ``templates/sections/``, included by the dashboard's
  negotiation page and rendered into the report. A new section is a new template there (and one line where
  it is listed: :data:`zopa.negotiation.report.SECTIONS` for the report, the dashboard page's include list).
* ``static/``: the one stylesheet and the one script (it draws every chart); the colour variables come from
  :mod:`zopa.presentation.palette`.
* :mod:`zopa.presentation.charts`: every chart, built once as plotly JSON.

A template that shows evidence calls ``link(ref, label)`` (a reference with ``document_id``, ``start``,
``end`` and optionally ``position_id``) and draws a chart with ``chart(id, figure)``: the report and the
dashboard each pass their own (a link to the article text appended to the report; a link to the article page
of the dashboard).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from zopa.presentation.palette import css_variables

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def http_url(value: str | None) -> str | None:
    """The URL when it is an http(s) address, else None: a stored ``javascript:`` URL never becomes a link."""
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def _num(value: Any, digits: int = 0) -> str:
    """A number for the page: ``-`` for none or NaN, else fixed digits; a range as ``lo–hi``."""
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return "–".join(_num(v, digits) for v in value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "-" if f != f else f"{f:.{digits}f}"


@functools.cache
def environment() -> Environment:
    """The Jinja environment every page and report is rendered with (autoescape on: article text, names and
    quotes are always escaped)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["http_url"] = http_url
    env.filters["num"] = _num
    env.globals["zip"] = zip
    return env


def stylesheet() -> str:
    """The stylesheet with the palette's colour variables."""
    return css_variables() + (STATIC_DIR / "zopa.css").read_text(encoding="utf-8")


def script() -> str:
    return (STATIC_DIR / "zopa.js").read_text(encoding="utf-8")


def plotly_js() -> Path:
    """The plotly.js that ships inside the ``plotly`` package (served by the dashboard, inlined in the
    report: never a CDN); found without importing plotly."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    assert spec is not None and spec.origin is not None, "plotly is a dependency of zopa"
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


def static_files() -> dict[str, bytes]:
    """What the dashboard serves under ``/static/``: the stylesheet (with the palette), the script, the icon
    and plotly.js."""
    files = {p.name: p.read_bytes() for p in STATIC_DIR.iterdir() if p.is_file()}
    files["zopa.css"] = stylesheet().encode("utf-8")
    files["plotly.min.js"] = plotly_js().read_bytes()
    return files


def chart_markup(chart_id: str, figure: dict[str, Any]) -> Markup:
    """A chart: its place on the page and its figure as JSON, which ``zopa.js`` draws with plotly.js (a
    JSON script block is data, not code, so the dashboard's Content-Security-Policy allows it)."""
    data = json.dumps(figure, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
    return Markup(
        f'<div class="chart" id="{Markup.escape(chart_id)}"></div>'
        f'<script type="application/json" class="chart-data" data-target="{Markup.escape(chart_id)}">'
        f"{data}</script>"
    )
