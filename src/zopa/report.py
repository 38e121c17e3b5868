"""The HTML report: ``zopa report --html FILE``.

One self-contained page (the stylesheet, zopa's script and plotly.js inlined, no CDN, no external request),
rendered from the same Jinja templates as the dashboard (:mod:`zopa.presentation`), built from a list of
*sections*. A section is a :class:`ReportSection`: an id, a title and a function from :class:`ReportContext`
to an HTML fragment; most are one template each (:meth:`ReportSection.from_template`).
:data:`DEFAULT_SECTIONS` gives the positions matrix, quotes by speaker, events and stories; the negotiation
adds its own (:func:`zopa.negotiation.report.negotiation_sections`). Other stages add theirs::

    from zopa.report import DEFAULT_SECTIONS, ReportSection, render_report

    section = ReportSection.from_template("shifts", "What changed", "sections/shifts.html",
                                          lambda ctx: {"shifts": compute_shifts(ctx.db)})
    html = render_report(db, sections=(*DEFAULT_SECTIONS, section))
    register_section(section)          # or: part of every `zopa report`

Every evidence item links to its sentence: in a template ``link(ref, label)`` (``ref`` with ``document_id``,
``start``, ``end``), in code ``ctx.link(document, start, end, label)``; after the sections, the page carries
the text of every linked document, escaped, with an anchor and a highlight at each linked span. Charts:
``chart(id, figure)`` in a template (a figure from :mod:`zopa.presentation.charts`), ``ctx.figure(fig)`` for a
plotly figure built in code. Everything stored (article text, titles, quotes, names) is autoescaped.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from markupsafe import Markup

from zopa.errors import InputError
from zopa.presentation.palette import STANCE
from zopa.store.db import Database

T = TypeVar("T")


@dataclass
class ReportContext:
    """What a section gets: the database, filters, names, and helpers for links and charts."""

    db: Database
    since: date | datetime | None = None
    issue_labels: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # actor id -> name, from the codebook
    linked: dict[int, set[tuple[int, int]]] = field(default_factory=lambda: defaultdict(set))
    documents: set[int] = field(default_factory=set)
    charts: int = 0  # charts drawn so far (plotly.js is inlined when there is one)

    def rows(self, row: type[T]) -> tuple[T, ...]:
        """Every stored ``row`` record the report covers (``since``), newest first."""
        from zopa.store.queries import EvidenceFilter, listing

        return listing(self.db, row, EvidenceFilter(since=self.since)).items

    def link(self, document: int, start: int, end: int, label: str) -> Markup:
        """A link to the span [start, end) of a document (its text is added to the page, anchored there)."""
        self.linked[document].add((start, end))
        self.documents.add(document)
        return Markup('<a class="ev" href="#{}">{}</a>').format(span_id(document, start, end), label)

    def ref_link(self, ref: Any, label: str) -> Markup:
        """``link`` for templates: ``ref`` is any evidence reference (dict or record) with ``document_id``,
        ``start`` and ``end``; without a document the label stays plain text."""
        get = ref.get if isinstance(ref, dict) else lambda k: getattr(ref, k, None)
        doc = get("document_id") if get("document_id") is not None else get("document")
        start, end = get("start"), get("end")
        if doc is None or start is None or end is None:
            return Markup.escape(label)
        return self.link(int(doc), int(start), int(end), label)

    def doc_link(self, document: int, label: str) -> Markup:
        """A link to a document's text on the page."""
        self.documents.add(document)
        return Markup('<a href="#doc-{}">{}</a>').format(int(document), label)

    def chart(self, chart_id: str, figure: dict[str, Any]) -> Markup:
        """A chart (plotly JSON) drawn by the page's script."""
        from zopa.presentation import chart_markup

        self.charts += 1
        return chart_markup(chart_id, figure)

    def figure(self, fig: Any) -> Markup:
        """A plotly figure object built in code, as a chart on the page."""
        import json

        # through plotly's encoder: a figure may hold NumPy arrays, which plain JSON cannot write
        return self.chart(f"chart-{self.charts + 1}", json.loads(fig.to_json(validate=False)))

    def issue(self, issue_id: str) -> str:
        return self.issue_labels.get(issue_id, issue_id)

    def render(self, template: str, **context: Any) -> Markup:
        """A template of :mod:`zopa.presentation` with this report's ``link``, ``chart`` and names."""
        from zopa.presentation import environment

        page = environment().get_template(template)
        helpers = {"link": self.ref_link, "doc_link": self.doc_link, "chart": self.chart, "ctx": self}
        return Markup(page.render({**helpers, "names": self.names, **context}))


Renderer = Callable[[ReportContext], str]


@dataclass(frozen=True, slots=True)
class ReportSection:
    id: str
    title: str
    render: Renderer

    @classmethod
    def from_template(
        cls, id: str, title: str, template: str, data: Callable[[ReportContext], dict[str, Any]]
    ) -> ReportSection:
        """A section drawn by one template from what ``data(ctx)`` returns."""
        return cls(id, title, lambda ctx: ctx.render(template, **data(ctx)))


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


# For sections written as HTML fragments in code (zopa.shifts_report): escaping, and the palette's stance
# colours (the same mapping the templates' stylesheet and charts use)
STANCE_COLOURS = STANCE


def esc(value: object) -> str:
    """``value`` escaped for HTML (None as an empty string)."""
    return str(Markup.escape("" if value is None else value))


def span_id(document: int, start: int, end: int) -> str:
    return f"d{document}-{start}-{end}"


def _when(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else "undated"


def source_label(row: Any) -> str:
    """``Title (Outlet, 2025-12-17)``: where an item comes from."""
    return f"{row.title} ({row.outlet + ', ' if row.outlet else ''}{_when(row.published)})"


# --- default sections ------------------------------------------------------------------------------------


def _positions_data(ctx: ReportContext) -> dict[str, Any]:
    from zopa.presentation.charts import stance_figure
    from zopa.store.queries import EvidenceFilter, position_matrix
    from zopa.store.rows import PositionRow

    matrix = position_matrix(ctx.db, EvidenceFilter(since=ctx.since))
    positions = ctx.rows(PositionRow)
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for p in sorted(positions, key=lambda r: (r.published or datetime.min, r.id), reverse=True):
        grouped[(p.actor, p.issue)].append(p)
    names = {**matrix.actor_names, **ctx.names}
    return {
        "matrix": matrix,
        "cells": {(c.actor, c.issue): c for c in matrix.cells},
        "grouped": dict(sorted(grouped.items())),
        "names": names,
        "figure": stance_figure(positions, names) if positions else None,
        "source_label": source_label,
    }


def _quotes_data(ctx: ReportContext) -> dict[str, Any]:
    from zopa.store.rows import QuoteRow

    by_speaker: dict[str, list[Any]] = defaultdict(list)
    for q in ctx.rows(QuoteRow):
        who = q.speaker_name or (q.speaker or "").removeprefix("ner:") or "(speaker not found)"
        by_speaker[who].append(q)
    return {
        "speakers": sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])),
        "source_label": source_label,
    }


def _events_data(ctx: ReportContext) -> dict[str, Any]:
    from zopa.store.rows import EventRow

    return {"events": ctx.rows(EventRow), "source_label": source_label}


def _stories_data(ctx: ReportContext) -> dict[str, Any]:
    from zopa.store.queries import listing
    from zopa.store.rows import StoryRow

    return {"stories": listing(ctx.db, StoryRow).items, "when": _when}


DEFAULT_SECTIONS: tuple[ReportSection, ...] = (
    ReportSection.from_template("positions", "Positions", "sections/positions.html", _positions_data),
    ReportSection.from_template("quotes", "Quotes by speaker", "sections/quotes.html", _quotes_data),
    ReportSection.from_template("events", "Events", "sections/events.html", _events_data),
    ReportSection.from_template("stories", "Stories", "sections/stories.html", _stories_data),
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


def render_document(text: str, document: int, spans: set[tuple[int, int]]) -> Markup:
    """A document's text, escaped, with an anchor at the start of each span and the spans highlighted."""
    spans = {(max(0, s), min(len(text), e)) for s, e in spans if s < e}
    cuts = sorted({0, len(text), *(s for s, _ in spans), *(e for _, e in spans)})
    starts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, e in sorted(spans):
        starts[s].append((s, e))
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        out.extend(f'<a class="anchor" id="{span_id(document, s, e)}"></a>' for s, e in starts.get(a, ()))
        piece = Markup.escape(text[a:b])
        covered = any(s <= a and b <= e for s, e in spans)
        out.append(f'<mark class="span">{piece}</mark>' if covered else str(piece))
    return Markup("".join(out))


def _appendix(ctx: ReportContext) -> list[dict[str, Any]]:
    from zopa.store.queries import get_document

    out = []
    for doc_id in sorted(ctx.documents):
        doc = get_document(ctx.db, doc_id)
        out.append(
            {
                "id": doc_id,
                "title": doc.title,
                "meta": ", ".join(x for x in (doc.outlet, _when(doc.published), doc.url or doc.source) if x),
                "text": render_document(doc.text, doc_id, ctx.linked.get(doc_id, set())),
            }
        )
    return out


def render_report(
    db: Database,
    *,
    sections: Sequence[ReportSection] | None = None,
    title: str = "zopa report",
    since: date | datetime | None = None,
    issue_labels: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
) -> str:
    """The whole report page as one HTML string (see the module docstring); ``sections`` default to
    :func:`report_sections`."""
    from zopa.presentation import environment, plotly_js, script, stylesheet

    sections = report_sections() if sections is None else tuple(sections)
    ctx = ReportContext(db=db, since=since, issue_labels=dict(issue_labels or {}), names=dict(names or {}))
    body = [{"id": s.id, "title": s.title, "html": Markup(s.render(ctx))} for s in sections]
    appendix = _appendix(ctx)
    return (
        environment()
        .get_template("report.html")
        .render(
            title=title,
            generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
            since=since,
            sections=body,
            documents=appendix,
            css=Markup(stylesheet()),
            script=Markup(script()),
            plotly=Markup(plotly_js().read_text(encoding="utf-8")) if ctx.charts else None,
        )
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
    """Render the report and write it to ``path`` (UTF-8); issue labels and actor names come from
    ``codebook`` when given."""
    target = Path(path)
    if target.is_dir():
        raise InputError(str(target), "is a folder; give a file name for the report")
    if not target.parent.exists():
        raise InputError(str(target), f"folder {target.parent} does not exist")
    labels = {i.id: i.label for i in codebook.issues} if codebook is not None else {}
    names = {a.id: a.name for a in codebook.actors} if codebook is not None else {}
    sections = report_sections() if sections is None else tuple(sections)
    page = render_report(db, sections=sections, title=title, since=since, issue_labels=labels, names=names)
    data = page.encode("utf-8")
    target.write_bytes(data)
    documents = page.count('<article id="doc-')
    return ReportInfo(str(target), len(data), tuple(s.id for s in sections), documents)
