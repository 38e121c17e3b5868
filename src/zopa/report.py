"""The HTML report: ``zopa report --html FILE``.

One self-contained page (inline CSS, plotly.js inlined once when a chart is drawn, no CDN, no external
request) built from a list of *sections*. A section is a :class:`ReportSection` (an id, a title and a
function from :class:`ReportContext` to an HTML fragment); :data:`DEFAULT_SECTIONS` gives the positions
matrix, quotes by speaker, events and stories. Other stages add their own sections::

    from zopa.report import DEFAULT_SECTIONS, ReportSection, render_report

    def gap_chart(ctx: ReportContext) -> str:
        fig = ...                      # a plotly figure
        return ctx.figure(fig)         # plotly.js is inlined with the first figure only

    html = render_report(db, sections=(*DEFAULT_SECTIONS, ReportSection("gap", "Gap chart", gap_chart)))
    register_section(ReportSection("gap", "Gap chart", gap_chart))  # or: part of every `zopa report`

Every evidence item links to its sentence: ``ctx.link(document, start, end, label)`` returns the link and
records the span; after the sections, the page carries the text of every linked document, HTML-escaped, with
an anchor and a highlight at each linked span. All stored text (article text, titles, quotes, names) is
escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from zopa.errors import InputError
from zopa.store.db import Database

STANCE_COLOURS = {
    "demand": "#c0392b",
    "reject": "#8e44ad",
    "accept": "#27ae60",
    "offer": "#2e86c1",
    "conditional": "#d68910",
    "threat": "#7b241c",
    "plan": "#5d6d7e",
    "statement": "#95a5a6",
}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1c2833;background:#fbfcfc}
header{background:#1c2833;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.5rem}
header p{margin:.3rem 0 0;color:#d5d8dc}nav{padding:.5rem 2rem;background:#eaecee;position:sticky;top:0}
nav a{margin-right:1rem;color:#1a5276;text-decoration:none}main{padding:0 2rem 2rem;max-width:1200px}
section{margin:2rem 0}h2{border-bottom:2px solid #d5d8dc;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem}
th,td{border:1px solid #d5d8dc;padding:.3rem .5rem;vertical-align:top;text-align:left}th{background:#f2f3f4}
.stance{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-size:.85rem}
.red{font-weight:bold;color:#c0392b}.muted{color:#7f8c8d;font-size:.85rem}
blockquote{margin:.4rem 0;padding:.2rem .8rem;border-left:4px solid #aab7b8;background:#fff}
.doc{background:#fff;border:1px solid #d5d8dc;padding:1rem;margin:1rem 0;white-space:pre-wrap;line-height:1.5}
mark{background:#fcf3cf}mark:target,a.anchor:target+mark{background:#f9e79f;outline:2px solid #d4ac0d}
details{margin:.3rem 0}summary{cursor:pointer}ul.ev{margin:.2rem 0 .6rem}
"""

# Opens the evidence list a matrix cell links to (a <details> element) when its link is followed.
SCRIPT = (
    "function zopaOpen(){var e=document.getElementById(decodeURIComponent(location.hash.slice(1)));"
    "if(e&&e.tagName==='DETAILS'){e.open=true;}}"
    "window.addEventListener('hashchange',zopaOpen);zopaOpen();"
)


@dataclass
class ReportContext:
    """What a section gets: the database, filters, and helpers for links, names and charts."""

    db: Database
    since: date | datetime | None = None
    issue_labels: dict[str, str] = field(default_factory=dict)
    linked: dict[int, set[tuple[int, int]]] = field(default_factory=lambda: defaultdict(set))
    documents: set[int] = field(default_factory=set)
    _plotly_included: bool = False

    def link(self, document: int, start: int, end: int, label: str) -> str:
        """A link to the span [start, end) of a document (its text is added to the page, anchored there)."""
        self.linked[document].add((start, end))
        self.documents.add(document)
        return f'<a class="ev" href="#{span_id(document, start, end)}">{esc(label)}</a>'

    def doc_link(self, document: int, label: str) -> str:
        """A link to a document's text on the page."""
        self.documents.add(document)
        return f'<a href="#doc-{document}">{esc(label)}</a>'

    def figure(self, fig: Any) -> str:
        """A plotly figure as an HTML fragment; plotly.js is inlined with the first figure of the page."""
        out: str = fig.to_html(full_html=False, include_plotlyjs=not self._plotly_included)
        self._plotly_included = True
        return out

    def issue(self, issue_id: str) -> str:
        return self.issue_labels.get(issue_id, issue_id)


Renderer = Callable[[ReportContext], str]


@dataclass(frozen=True, slots=True)
class ReportSection:
    id: str
    title: str
    render: Renderer


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """What :func:`write_report` wrote."""

    path: str
    bytes: int
    sections: tuple[str, ...]
    documents: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "bytes": self.bytes,
            "sections": list(self.sections),
            "documents": self.documents,
        }


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def span_id(document: int, start: int, end: int) -> str:
    return f"d{document}-{start}-{end}"


def stance_badge(stance: str) -> str:
    colour = STANCE_COLOURS.get(stance, "#566573")
    return f'<span class="stance" style="background:{colour}">{esc(stance)}</span>'


def _when(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else "undated"


def _source_label(row: Any) -> str:
    return f"{row.title} ({row.outlet + ', ' if row.outlet else ''}{_when(row.published)})"


# --- default sections ------------------------------------------------------------------------------------


def positions_section(ctx: ReportContext) -> str:
    """Party x issue matrix (dominant stance, evidence count, red lines), a chart, and the evidence."""
    from zopa.store.queries import list_positions, position_matrix

    matrix = position_matrix(ctx.db, since=ctx.since)
    if not matrix.cells:
        return "<p>No positions extracted.</p>"
    names = matrix.actor_names
    # issues as rows, parties as columns (few parties, many issues)
    head = "".join(f"<th>{esc(names.get(a, a))}</th>" for a in matrix.actors)
    rows = []
    for issue in matrix.issues:
        cells = []
        for actor in matrix.actors:
            cell = matrix.cell(actor, issue)
            if cell is None:
                cells.append("<td></td>")
                continue
            counts = ", ".join(f"{k}: {v}" for k, v in sorted(cell.counts.items()))
            red = ' <span class="red" title="red line">RL</span>' if cell.red_line else ""
            cells.append(
                f'<td title="{esc(counts)}">{stance_badge(cell.stance)} '
                f'<a href="#pos-{esc(actor)}-{esc(issue)}">{cell.total}</a>{red}</td>'
            )
        label = f'<th title="{esc(issue)}">{esc(ctx.issue(issue))}</th>'
        rows.append(f"<tr>{label}{''.join(cells)}</tr>")
    table = f"<table><tr><th>issue \\ party</th>{head}</tr>{''.join(rows)}</table>"

    positions = list_positions(ctx.db, since=ctx.since).items
    chart = _stance_chart(ctx, positions, names)
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for p in positions:
        grouped[(p.actor, p.issue)].append(p)
    details = []
    for (actor, issue), items in sorted(grouped.items()):
        lines = []
        for p in sorted(items, key=lambda r: (r.published or datetime.min, r.id), reverse=True):
            extra = []
            if p.conditional_on:
                extra.append(f"if {esc(ctx.issue(p.conditional_on))}")
            if p.red_line:
                extra.append('<span class="red">red line</span>')
            if p.speaker_name:
                extra.append(f"said by {esc(p.speaker_name)}")
            if p.value is not None:
                extra.append(f"scale {p.value:g}")
            notes = esc(_source_label(p)) + "".join(f"; {x}" for x in extra)
            lines.append(
                f"<li>{stance_badge(p.stance)} {ctx.link(p.document, p.start, p.end, p.evidence)} "
                f'<span class="muted">{notes}</span></li>'
            )
        details.append(
            f'<details id="pos-{esc(actor)}-{esc(issue)}"><summary>{esc(names.get(actor, actor))} · '
            f"{esc(ctx.issue(issue))} ({len(items)})</summary>"
            f'<ul class="ev">{"".join(lines)}</ul></details>'
        )
    return table + chart + "<h3>Evidence</h3>" + "".join(details)


def _stance_chart(ctx: ReportContext, positions: Sequence[Any], names: dict[str, str]) -> str:
    import plotly.graph_objects as go

    actors = sorted({p.actor for p in positions}, key=lambda a: names.get(a, a))
    fig = go.Figure()
    for stance, colour in STANCE_COLOURS.items():
        counts = [sum(1 for p in positions if p.actor == a and p.stance == stance) for a in actors]
        if any(counts):
            fig.add_bar(name=stance, x=[names.get(a, a) for a in actors], y=counts, marker_color=colour)
    fig.update_layout(
        barmode="stack",
        title="Positions per party and stance",
        height=360,
        margin={"l": 40, "r": 20, "t": 50, "b": 40},
    )
    return ctx.figure(fig)


def quotes_section(ctx: ReportContext) -> str:
    """Direct quotes grouped by speaker, each linked to where it stands in its article."""
    from zopa.store.queries import list_quotes

    quotes = list_quotes(ctx.db, since=ctx.since).items
    if not quotes:
        return "<p>No quotes extracted.</p>"
    by_speaker: dict[str, list[Any]] = defaultdict(list)
    for q in quotes:
        who = q.speaker_name or (q.speaker or "").removeprefix("ner:") or "(speaker not found)"
        by_speaker[who].append(q)
    parts = []
    for speaker, items in sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines = "".join(
            f"<blockquote>“{ctx.link(q.document, q.start, q.end, q.text)}”<br>"
            f'<span class="muted">{esc(q.kind)} · {esc(q.cue)} · {esc(_source_label(q))}</span></blockquote>'
            for q in items
        )
        parts.append(f"<h3>{esc(speaker)} ({len(items)})</h3>{lines}")
    return "".join(parts)


def events_section(ctx: ReportContext) -> str:
    """Reported figures (casualties, drones, ...) with who claims them."""
    from zopa.store.queries import list_events

    events = list_events(ctx.db, since=ctx.since).items
    if not events:
        return "<p>No event figures extracted.</p>"
    rows = "".join(
        "<tr>"
        f"<td>{esc(' '.join(filter(None, (e.qualifier, None if e.count is None else f'{e.count:g}'))))}</td>"
        f"<td>{esc(e.unit or '')}</td>"
        f"<td>{ctx.link(e.document, e.start, e.end, e.what)}</td><td>{esc(e.place or '')}</td>"
        f"<td>{esc(e.when or '')}</td><td>{esc(e.claimed_by or '')}</td>"
        f'<td class="muted">{esc(_source_label(e))}</td></tr>'
        for e in events
    )
    columns = ("count", "unit", "what", "place", "when", "claimed by", "source")
    head = "".join(f"<th>{h}</th>" for h in columns)
    return f"<table><tr>{head}</tr>{rows}</table>"


def stories_section(ctx: ReportContext) -> str:
    """Groups of articles on the same event."""
    from zopa.store.queries import list_stories

    stories = list_stories(ctx.db).items
    if not stories:
        return "<p>No stories.</p>"
    parts = []
    for s in stories:
        docs = "".join(f"<li>{ctx.doc_link(d, t)}</li>" for d, t in zip(s.documents, s.titles, strict=False))
        span = f"{_when(s.first_published)} – {_when(s.last_published)}"
        parts.append(
            f'<h3>{esc(s.label)}</h3><p class="muted">{esc(span)} · '
            f"{len(s.documents)} article(s)</p><ul>{docs}</ul>"
        )
    return "".join(parts)


DEFAULT_SECTIONS: tuple[ReportSection, ...] = (
    ReportSection("positions", "Positions", positions_section),
    ReportSection("quotes", "Quotes by speaker", quotes_section),
    ReportSection("events", "Events", events_section),
    ReportSection("stories", "Stories", stories_section),
)


_REGISTERED: list[ReportSection] = []


def register_section(section: ReportSection) -> None:
    """Add a section to those ``zopa report`` renders by default (after :data:`DEFAULT_SECTIONS`); a section
    registered again under the same id replaces the earlier one."""
    _REGISTERED[:] = [s for s in _REGISTERED if s.id != section.id]
    if any(s.id == section.id for s in DEFAULT_SECTIONS):
        raise ValueError(f"report section id {section.id!r} is taken by a default section")
    _REGISTERED.append(section)


def report_sections() -> tuple[ReportSection, ...]:
    """The sections rendered by default: :data:`DEFAULT_SECTIONS`, then the registered ones in order."""
    return (*DEFAULT_SECTIONS, *_REGISTERED)


# --- the page --------------------------------------------------------------------------------------------


def render_document(text: str, document: int, spans: set[tuple[int, int]]) -> str:
    """A document's text, HTML-escaped, with an anchor at the start of each span and the spans highlighted."""
    spans = {(max(0, s), min(len(text), e)) for s, e in spans if s < e}
    cuts = sorted({0, len(text), *(s for s, _ in spans), *(e for _, e in spans)})
    starts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, e in sorted(spans):
        starts[s].append((s, e))
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        out.extend(f'<a class="anchor" id="{span_id(document, s, e)}"></a>' for s, e in starts.get(a, ()))
        piece = esc(text[a:b])
        covered = any(s <= a and b <= e for s, e in spans)
        out.append(f"<mark>{piece}</mark>" if covered else piece)
    return "".join(out)


def _documents_appendix(ctx: ReportContext) -> str:
    from zopa.store.queries import get_document

    parts = []
    for doc_id in sorted(ctx.documents):
        doc = get_document(ctx.db, doc_id)
        meta = ", ".join(x for x in (doc.outlet, _when(doc.published), doc.url or doc.source) if x)
        text = render_document(doc.text, doc_id, ctx.linked.get(doc_id, set()))
        parts.append(
            f'<article id="doc-{doc_id}"><h3>{esc(doc.title)}</h3><p class="muted">{esc(meta)}</p>'
            f'<div class="doc">{text}</div></article>'
        )
    return "".join(parts) if parts else "<p>No documents referenced.</p>"


def render_report(
    db: Database,
    *,
    sections: Sequence[ReportSection] | None = None,
    title: str = "zopa report",
    since: date | datetime | None = None,
    issue_labels: dict[str, str] | None = None,
) -> str:
    """The whole report page as one HTML string (see the module docstring); ``sections`` default to
    :func:`report_sections`."""
    sections = report_sections() if sections is None else tuple(sections)
    ctx = ReportContext(db=db, since=since, issue_labels=dict(issue_labels or {}))
    body = []
    for section in sections:
        fragment = section.render(ctx)
        body.append(f'<section id="{esc(section.id)}"><h2>{esc(section.title)}</h2>{fragment}</section>')
    body.append(f'<section id="documents"><h2>Documents</h2>{_documents_appendix(ctx)}</section>')
    nav = "".join(f'<a href="#{esc(s.id)}">{esc(s.title)}</a>' for s in sections)
    nav += '<a href="#documents">Documents</a>'
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    scope = f" · since {since}" if since else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>Generated {esc(generated)}{esc(scope)} · every item links to "
        f"its sentence</p></header><nav>{nav}</nav><main>{''.join(body)}</main><script>{SCRIPT}</script>"
        "</body></html>\n"
    )


def write_report(
    db: Database,
    path: str | Path,
    *,
    sections: Sequence[ReportSection] | None = None,
    title: str = "zopa report",
    since: date | datetime | None = None,
    codebook: Any = None,
) -> ReportInfo:
    """Render the report and write it to ``path`` (UTF-8); issue labels come from ``codebook`` when given."""
    target = Path(path)
    if target.is_dir():
        raise InputError(str(target), "is a folder; give a file name for the report")
    if not target.parent.exists():
        raise InputError(str(target), f"folder {target.parent} does not exist")
    labels = {i.id: i.label for i in codebook.issues} if codebook is not None else {}
    sections = report_sections() if sections is None else tuple(sections)
    page = render_report(db, sections=sections, title=title, since=since, issue_labels=labels)
    data = page.encode("utf-8")
    target.write_bytes(data)
    documents = page.count('<article id="doc-')
    return ReportInfo(str(target), len(data), tuple(s.id for s in sections), documents)
