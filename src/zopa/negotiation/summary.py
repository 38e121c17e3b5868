"""The answer summary: what ``zopa analyze`` ends with and the report opens with.

Per story (the largest and newest first), the negotiation built from that story's articles alone answers the
questions an analyst asks first, each with its strongest sentence (the heaviest statement behind it):

* per issue two or more parties take a position on: the gap, and whether a zone of agreement exists; where
  none does, whose red lines collide;
* whether a package exists that every party prefers to no deal (what it looks like), or the smallest
  concession that would open one (and what that figure measures);
* the conditional offers, each scored against no deal (:func:`~zopa.negotiation.analysis.score_conditional`);
* what each party expects if talks fail.

When some articles belong to no story (a story needs two articles on one event), the summary opens with the
negotiation built from all the articles.

No Monte Carlo runs here, so the summary takes a fraction of a second; the forecasts are in
``zopa negotiation gap`` and the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from zopa.errors import ModelInputError
from zopa.negotiation.analysis import negotiation_zone, score_conditional
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.evidence import EvidenceRef, StatementRow, load_statements
from zopa.negotiation.records import BuildOptions, NegotiationModel, SourcedValue
from zopa.records import _Record

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database

SENTENCE_CHARS = 160  # a quoted sentence is cut here (the full one is a click away in the report)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence(_Record):
    """The strongest sentence behind a finding, and where it stands."""

    text: str
    document_id: int | None
    start: int
    end: int
    cite: str

    @classmethod
    def of(cls, value: SourcedValue | None) -> Sentence | None:
        """The heaviest statement behind a value (by time decay)."""
        if value is None or not value.support:
            return None
        return cls.strongest([EvidenceRef.from_row(row, w) for row, w in value.support])

    @classmethod
    def strongest(cls, refs: list[EvidenceRef] | tuple[EvidenceRef, ...]) -> Sentence | None:
        if not refs:
            return None
        ref = max(refs, key=lambda e: e.weight)
        text = " ".join(ref.sentence.split())
        if len(text) > SENTENCE_CHARS:
            text = text[: SENTENCE_CHARS - 1].rstrip() + "…"
        return cls(text=text, document_id=ref.document_id, start=ref.start, end=ref.end, cite=ref.cite())


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding(_Record):
    """One line of the summary and the sentences behind it."""

    text: str
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StorySummary(_Record):
    story: int | None  # None: the whole database (no stories)
    label: str
    documents: int
    first: str | None
    last: str | None
    issues: tuple[Finding, ...] = ()
    package: Finding | None = None
    offers: tuple[Finding, ...] = ()
    talks_fail: tuple[Finding, ...] = ()
    one_party: tuple[str, ...] = ()  # issues only one party states a position on
    note: str = ""  # why nothing could be answered (too few parties or statements)


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerSummary(_Record):
    codebook: str
    stories: tuple[StorySummary, ...]
    more_stories: int = 0  # stories not summarised (see `zopa stories`)
    undated_documents: int = 0
    next_steps: tuple[str, ...] = field(
        default=(
            "zopa negotiation gap (every model's forecast with its interval)",
            "zopa negotiation deals (packages and trades)",
            "zopa report --html report.html (every number linked to its sentence)",
        )
    )


def answer_summary(
    db: Database,
    codebook: Codebook,
    *,
    options: BuildOptions | None = None,
    max_stories: int = 3,
    rows: list[StatementRow] | None = None,
    sources: Mapping[int, str] | None = None,
    whole: NegotiationModel | None = None,
) -> AnswerSummary:
    """The summary of the stored negotiation, story by story (see the module docstring). ``rows`` (every
    stored statement), their ``sources`` and the ``whole`` negotiation built from them with ``options``
    are read from ``db`` and computed when not given."""
    from zopa.corroborate import independent_sources
    from zopa.store.queries import listing
    from zopa.store.rows import StoryRow

    rows = load_statements(db) if rows is None else rows
    sources = independent_sources(db, rows) if sources is None else sources
    stories = listing(db, StoryRow).items
    undated = _undated(db)
    if not stories:
        only = summarise_story(
            rows, codebook, options=options, sources=sources, story=None, label="", model=whole
        )
        return AnswerSummary(codebook=codebook.name, stories=(only,), undated_documents=undated)
    ranked = sorted(
        stories, key=lambda s: (-len(s.documents), -(s.last_published or datetime.min).toordinal())
    )
    out = []
    in_stories = {d for story in stories for d in story.documents}
    if {r.document_id for r in rows} - in_stories:  # articles no story holds: the whole negotiation first
        whole_story = summarise_story(
            rows, codebook, options=options, sources=sources, story=None, label="", model=whole
        )
        out.append(whole_story)
        max_stories -= 1
    for story in ranked[: max(max_stories, 0)]:
        members = set(story.documents)
        out.append(
            summarise_story(
                [r for r in rows if r.document_id in members],
                codebook,
                options=options,
                sources=sources,
                story=story.id,
                label=story.label,
                first=story.first_published.date().isoformat() if story.first_published else None,
                last=story.last_published.date().isoformat() if story.last_published else None,
                documents=len(story.documents),
            )
        )
    return AnswerSummary(
        codebook=codebook.name,
        stories=tuple(out),
        more_stories=max(0, len(stories) - max_stories),
        undated_documents=undated,
    )


def summarise_story(
    rows: list[StatementRow],
    codebook: Codebook,
    *,
    options: BuildOptions | None = None,
    sources: Mapping[int, str] | None = None,
    story: int | None,
    label: str,
    first: str | None = None,
    last: str | None = None,
    documents: int | None = None,
    model: NegotiationModel | None = None,
) -> StorySummary:
    """The answers for one story's statements (``sources``: statement id -> its independent source,
    :func:`zopa.corroborate.independent_sources`; ``model``: the negotiation already built from them)."""
    head: dict[str, Any] = {
        "story": story,
        "label": label,
        "first": first,
        "last": last,
        "documents": documents if documents is not None else len({r.document_id for r in rows}),
    }
    if not rows:
        return StorySummary(**head, note="no positions were found in these articles")
    if model is None:
        model = build_negotiation(rows, codebook, options=options, sources=sources)
    inv = model.table.involved()
    one_party = tuple(
        iid for i, iid in enumerate(model.table.issue_ids) if inv[:, i].sum() == 1
    )  # fmt: skip
    try:
        zone = negotiation_zone(model)
    except ModelInputError:
        return StorySummary(
            **head, one_party=one_party, note="no issue has positions of two or more parties yet"
        )
    table = model.modeled()
    issues = []
    for view in zone.issues:
        i = table.issue_ids.index(view.issue)
        positions = {
            table.actors[a]: float(table.position[a, i])
            for a in range(table.n_actors)
            if not np.isnan(table.position[a, i])
        }
        lo_actor = min(positions, key=lambda a: positions[a])
        hi_actor = max(positions, key=lambda a: positions[a])
        gap = positions[hi_actor] - positions[lo_actor]
        text = f"{view.issue}: gap {gap:.0f} points ({lo_actor} {positions[lo_actor]:.0f} ↔ {hi_actor} " \
            f"{positions[hi_actor]:.0f}); "  # fmt: skip
        sentences: list[Sentence | None] = []
        if not view.empty:
            text += f"zone of agreement {view.lo:.0f}-{view.hi:.0f}"
            sentences = [Sentence.of(model.value(a, view.issue, "position")) for a in (lo_actor, hi_actor)]
        else:
            red = [
                (a, model.value(a, view.issue, "red_line"))
                for a in view.colliding
                if model.value(a, view.issue, "red_line") is not None
            ]
            if len(red) >= 2:
                ranges = "; ".join(f"{a} accepts only {_range(v)}" for a, v in red)
                text += f"no zone: red lines collide ({ranges})"
                sentences = [Sentence.of(v) for _, v in red]
            else:
                who = ", ".join(view.colliding)
                text += f"no zone: {who} each prefer no deal to any outcome the other accepts"
                sentences = [Sentence.of(model.value(a, view.issue, "position")) for a in view.colliding]
        issues.append(Finding(text=text, sentences=tuple(s for s in sentences if s is not None)))
    if zone.exists:
        deal = ", ".join(f"{k} = {v:.0f}" for k, v in zone.balanced_deal.items())
        package = Finding(text=f"a package every party prefers to no deal exists, e.g. {deal}")
    else:
        package = Finding(
            text="no package every party prefers to no deal"
            + (f"; {zone.concession_text}" if zone.concession_text else "")
        )
    offers = []
    for offer in model.linked_offers:
        if offer.value is None:
            continue
        scored = score_conditional(model, offer)
        what = (
            f"{offer.actor} would accept {offer.issue} = {offer.value:g} if it gets {offer.conditional_on}"
            + (f" = {offer.requires:g}" if offer.requires is not None else "")
        )
        sentence = Sentence.strongest(offer.evidence)
        offers.append(Finding(text=f"{what}: {scored.verdict}", sentences=(sentence,) if sentence else ()))
    fail = []
    expected: dict[str, list[SourcedValue]] = {}
    for v in model.values.values():
        if v.field == "batna" and v.value is not None:
            expected.setdefault(v.actor, []).append(v)
    for actor, values in expected.items():
        outcomes = ", ".join(f"{v.issue} = {float(v.value):g}" for v in values)  # type: ignore[arg-type]
        refs = [EvidenceRef.from_row(row, w) for v in values for row, w in v.support]
        sentence = Sentence.strongest(refs)
        fail.append(
            Finding(
                text=f"if talks fail, {actor} expects {outcomes}", sentences=(sentence,) if sentence else ()
            )
        )
    return StorySummary(
        **head,
        issues=tuple(issues),
        package=package,
        offers=tuple(offers),
        talks_fail=tuple(fail),
        one_party=one_party,
    )


def _undated(db: Database) -> int:
    from sqlalchemy import func, select

    from zopa.store import schema

    d = schema.documents
    query = select(func.count()).where(d.c.published.is_(None), d.c.duplicate_of.is_(None))
    with db.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _range(v: SourcedValue | None) -> str:
    if v is None or not isinstance(v.value, tuple):
        return "?"
    lo, hi = v.value
    return f"{lo:g}-{hi:g}"
