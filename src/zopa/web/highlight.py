"""Marking evidence in an article's text, safely.

``render_highlighted(text, highlights)`` returns HTML in which every character of the article is escaped and
each evidence span (a quote, a position's sentence, an event figure, reported speech) is wrapped in
``<mark>`` with ``data-*`` attributes and a ``title`` that explains it. Spans may nest (a quote inside a
position's sentence) or cross; crossing spans are closed and re-opened so the markup stays well formed.
Spans are character offsets into the cleaned text, end-exclusive, as everywhere in zopa.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True, kw_only=True)
class Highlight:
    """One evidence span to mark: ``key`` is unique in the page (``"quote-12"``) and links mark and panel."""

    key: str
    kind: str  # quote | position | event | statement
    start: int
    end: int
    title: str  # the explanation shown on hover
    data: Mapping[str, str] = field(default_factory=dict)  # rendered as data-<name> attributes


def _open_tag(item: Highlight, *, first: bool) -> str:
    attrs = [
        f'class="ev ev-{escape(item.kind)}"',
        f'data-ev="{escape(item.key)}"',
        f'data-kind="{escape(item.kind)}"',
        f'title="{escape(item.title)}"',
        'tabindex="0"',
    ]
    if first:
        attrs.insert(0, f'id="mark-{escape(item.key)}"')
    for name, value in sorted(item.data.items()):
        if value is None or not name.replace("-", "").isalnum():
            continue
        attrs.append(f'data-{escape(name)}="{escape(value)}"')
    return "<mark " + " ".join(attrs) + ">"


def render_highlighted(text: str, highlights: Iterable[Highlight]) -> Markup:
    """The escaped text with each highlight wrapped in ``<mark>``; spans outside the text are clipped."""
    size = len(text)
    items = []
    for item in highlights:
        start, end = max(0, item.start), min(size, item.end)
        if start < end:
            items.append((start, end, item))
    starting: dict[int, list[tuple[int, Highlight]]] = defaultdict(list)
    points = {0, size}
    for start, end, item in items:
        starting[start].append((end, item))
        points.update((start, end))
    for bucket in starting.values():
        bucket.sort(key=lambda pair: -pair[0])  # the longest first, so it encloses the shorter ones

    out: list[str] = []
    stack: list[tuple[int, Highlight]] = []  # open marks, outermost first
    pos = 0
    for point in sorted(points):
        out.append(str(escape(text[pos:point])))
        pos = point
        ended = [i for i, (end, _) in enumerate(stack) if end <= point]
        if ended:
            cut = ended[0]
            reopen = [pair for pair in stack[cut:] if pair[0] > point]
            out.append("</mark>" * (len(stack) - cut))
            del stack[cut:]
            for pair in reopen:
                out.append(_open_tag(pair[1], first=False))
                stack.append(pair)
        for end, item in starting.get(point, ()):
            out.append(_open_tag(item, first=True))
            stack.append((end, item))
    out.append(str(escape(text[pos:])))
    out.append("</mark>" * len(stack))
    return Markup("".join(out))
