"""A small codebook and hand-built statements of our own for the negotiation tests."""

from __future__ import annotations

from datetime import date, datetime

from zopa.codebook import Codebook, parse_codebook
from zopa.negotiation.evidence import StatementRow
from zopa.records import Position

NEGOTIATION_CODEBOOK = {
    "name": "border-talks",
    "actors": [
        {
            "id": "north",
            "name": "North",
            "kind": "state",
            "capability": 0.06,
            "capability_source": "test CINC",
        },
        {"id": "south", "name": "South", "kind": "state", "capability": 0.02},
        {"id": "broker", "name": "Broker", "kind": "state"},
        {"id": "envoy", "name": "An Envoy", "kind": "person", "speaks_for": [{"party": "broker"}]},
    ],
    "issues": [
        {
            "id": "valley",
            "label": "Control of the valley",
            "status_quo": 60,
            "anchors": [
                {"value": 0, "meaning": "South keeps all it holds"},
                {"value": 50, "meaning": "demilitarised zone"},
                {"value": 100, "meaning": "North controls all of the valley"},
            ],
        },
        {
            "id": "alliance",
            "label": "South joins the alliance",
            "status_quo": 50,
            "anchors": [{"value": 0, "meaning": "South joins"}, {"value": 100, "meaning": "never joins"}],
        },
        {
            "id": "guarantees",
            "label": "Security guarantees for South",
            "anchors": [{"value": 0, "meaning": "binding guarantees"}, {"value": 100, "meaning": "none"}],
        },
        {"id": "sanctions", "label": "Sanctions on North", "status_quo": 10},
        {
            "id": "if-talks-fail",
            "label": "What happens if talks fail",
            "no_deal": True,
            "affects": ["valley"],
            "anchors": [
                {"value": 0, "meaning": "South retakes the valley", "implies": {"valley": 0}},
                {"value": 100, "meaning": "North takes the valley by force", "implies": {"valley": 100}},
            ],
        },
    ],
}

_IDS = iter(range(1, 1_000_000))


def codebook() -> Codebook:
    return parse_codebook(NEGOTIATION_CODEBOOK)


def row(
    actor: str,
    issue: str,
    stance: str,
    value: float | None = None,
    *,
    day: str | date | None = "2025-12-17",
    red_line: bool = False,
    conditional_on: str | None = None,
    text: str = "",
    doc: int = 1,
    title: str = "Talks",
    confidence: float = 1.0,
) -> StatementRow:
    """A stored-looking statement: a position with its document, date and a sentence span."""
    sentence = text or f"{actor} {stance}s {issue}" + (f" at {value:g}" if value is not None else "")
    pid = next(_IDS)
    published: datetime | date | str | None = day
    return StatementRow.of(
        Position(
            actor=actor,
            issue=issue,
            stance=stance,
            value=value,
            red_line=red_line,
            conditional_on=conditional_on,
            evidence=sentence,
            start=10 * pid,
            end=10 * pid + len(sentence),
            confidence=confidence,
        ),
        id=pid,
        document_id=doc,
        title=title,
        published=published,
    )


def talks_rows() -> list[StatementRow]:
    """North demands the whole valley (a red line), South rejects ceding it, South would drop its alliance bid
    for guarantees, North threatens to take the valley by force, the broker pushes a compromise."""
    return [
        row("north", "valley", "demand", 100, red_line=True, text="North said the valley is non-negotiable."),
        row("south", "valley", "reject", 100, text="South rejected any proposal to cede the valley."),
        row(
            "south",
            "alliance",
            "conditional",
            100,
            conditional_on="guarantees",
            text="South would drop its alliance bid if given guarantees.",
        ),
        row("south", "guarantees", "demand", 0, text="South wants binding guarantees."),
        row("north", "alliance", "demand", 100, text="North demands South never join the alliance."),
        row(
            "north",
            "if-talks-fail",
            "threat",
            100,
            text="If talks fail, North will take the valley by military means.",
        ),
        row(
            "broker",
            "valley",
            "demand",
            50,
            day="2025-12-01",
            doc=2,
            title="Broker plan",
            text="The broker pushed a demilitarised zone.",
        ),
        row("broker", "alliance", "statement", 80, day="2025-12-01", doc=2, title="Broker plan"),
        row("north", "sanctions", "demand", 0, doc=3, title="Sanctions"),
        row("south", "sanctions", "demand", 90, doc=3, title="Sanctions"),
    ]
