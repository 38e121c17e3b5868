"""Building the negotiation table from hand-built statements: positions, decay, contradictions, red lines,
salience, capability, BATNA, conditional offers, and provenance for every value."""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_fixtures import codebook, row, talks_rows
from zopa.errors import ModelInputError
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.records import BuildOptions


def _cell(model, actor, issue, field="position"):
    t = model.table
    a, i = t.actors.index(actor), t.issue_ids.index(issue)
    return {"position": t.position, "salience": t.salience, "batna": t.batna}[field][a, i]


def test_table_from_statements_has_parties_issues_and_no_deal_issue_left_out():
    model = build_negotiation(talks_rows(), codebook())
    assert model.table.actors == ("north", "south", "broker")
    assert model.table.issue_ids == ("valley", "alliance", "guarantees", "sanctions")  # no "if-talks-fail"
    assert _cell(model, "north", "valley") == 100
    assert _cell(model, "broker", "valley") == 50
    assert model.statements_used == 10
    json.dumps(model.as_dict())  # JSON-ready


def test_every_value_in_the_table_names_its_source():
    model = build_negotiation(talks_rows(), codebook())
    t = model.table
    for a, actor in enumerate(t.actors):
        assert f"{actor}/*/capability" in t.provenance
        for i, issue in enumerate(t.issue_ids):
            if not math.isnan(t.position[a, i]):
                for field in ("position", "salience"):
                    src = model.value(actor, issue, field)
                    assert src is not None and src.source in {"evidence", "inferred", "default"}
                    assert t.provenance[f"{actor}/{issue}/{field}"].startswith(src.source)
                    if src.source in {"evidence", "inferred"}:
                        assert src.evidence and all(e.sentence for e in src.evidence)


def test_rejection_without_a_stated_value_puts_the_party_at_the_far_end_and_is_a_red_line():
    model = build_negotiation(talks_rows(), codebook())
    pos = model.value("south", "valley", "position")
    assert pos.value == 0.0 and pos.source == "inferred"
    assert "South rejected any proposal to cede the valley." in [e.sentence for e in pos.evidence]
    assert model.value("south", "valley", "red_line").value == (0.0, 95.0)
    assert model.value("north", "valley", "red_line").value == (100.0, 100.0)


def test_red_lines_collide_in_the_table():
    t = build_negotiation(talks_rows(), codebook()).table
    v = t.issue_ids.index("valley")
    north, south = t.actors.index("north"), t.actors.index("south")
    assert t.red_line[north, v, 0] > t.red_line[south, v, 1]


def test_capability_from_the_codebook_and_a_documented_default():
    model = build_negotiation(talks_rows(), codebook())
    north = model.value("north", None, "capability")
    assert north.value == 0.06 and north.source == "codebook" and "test CINC" in north.detail
    broker = model.value("broker", None, "capability")
    assert broker.source == "default" and broker.value == pytest.approx(0.04)


def test_salience_is_normalised_per_party_and_red_lines_count_more():
    model = build_negotiation(talks_rows(), codebook())
    t = model.table
    for a in range(t.n_actors):
        assert t.salience[a].max() == pytest.approx(1.0)
        assert ((t.salience[a] >= 0) & (t.salience[a] <= 1)).all()
    # North: a red-line demand on the valley (force 3) vs plain demands elsewhere (force 1).
    assert _cell(model, "north", "valley", "salience") == 1.0
    assert _cell(model, "north", "alliance", "salience") == pytest.approx(1 / 3)


def test_most_recent_statement_counts_most():
    rows = [
        row("north", "sanctions", "demand", 10, day="2025-10-01"),
        row("north", "sanctions", "demand", 30),
    ]
    rows += [row("south", "sanctions", "demand", 90)]
    model = build_negotiation(rows, codebook(), options=BuildOptions(half_life_days=30))
    value = _cell(model, "north", "sanctions")
    assert 20 < value < 30  # closer to the newer 30
    slow = build_negotiation(rows, codebook(), options=BuildOptions(half_life_days=3650))
    assert _cell(slow, "north", "sanctions") == pytest.approx(20, abs=0.5)  # nearly equal weights
    assert not model.contradictions  # 20 points apart: under the contradiction gap


def test_as_of_ignores_later_statements_and_sets_the_reference_date():
    rows = [
        row("north", "sanctions", "demand", 10, day="2025-10-01"),
        row("north", "sanctions", "demand", 30),
        row("south", "sanctions", "demand", 90, day="2025-10-01"),
    ]
    model = build_negotiation(rows, codebook(), options=BuildOptions(as_of=date(2025, 11, 1)))
    assert _cell(model, "north", "sanctions") == 10
    assert model.as_of == date(2025, 11, 1)
    assert any("after 2025-11-01" in s for s in model.skipped)


def test_contradictory_statements_are_flagged_not_silently_averaged():
    rows = [
        row("north", "sanctions", "demand", 0, day="2025-11-01", text="North wants sanctions gone."),
        row("north", "sanctions", "accept", 80, text="North accepted most sanctions staying."),
        row("south", "sanctions", "demand", 90),
    ]
    model = build_negotiation(rows, codebook())
    (c,) = model.contradictions
    assert (c.actor, c.issue, c.kind) == ("north", "sanctions", "positions")
    assert sorted(c.values) == [0.0, 80.0]
    assert {e.sentence for e in c.evidence} == {
        "North wants sanctions gone.",
        "North accepted most sanctions staying.",
    }
    value = model.value("north", "sanctions", "position")
    assert "contradiction" in value.flags
    latest = build_negotiation(rows, codebook(), options=BuildOptions(contradiction_rule="latest"))
    assert _cell(latest, "north", "sanctions") == 80
    assert "newest" in latest.contradictions[0].resolution


def test_demanding_what_the_party_also_rejects_is_a_contradiction():
    rows = [
        row("north", "sanctions", "demand", 40),
        row("north", "sanctions", "reject", 40),
        row("south", "sanctions", "demand", 90),
    ]
    model = build_negotiation(rows, codebook())
    assert [c.kind for c in model.contradictions] == ["demand-and-reject"]


def test_red_lines_that_do_not_overlap_are_flagged_and_the_newest_wins():
    rows = [
        row("north", "sanctions", "demand", 20, red_line=True, day="2025-11-01"),  # accepts [0, 20]
        row("north", "sanctions", "reject", 18, red_line=True),  # below its position: accepts [23, 100]
        row("south", "sanctions", "demand", 90),
    ]
    model = build_negotiation(rows, codebook())
    assert "red-lines" in [c.kind for c in model.contradictions]
    assert model.value("north", "sanctions", "red_line").value == (23.0, 100.0)


def test_conditional_offer_becomes_a_linked_issue():
    model = build_negotiation(talks_rows(), codebook())
    (offer,) = model.linked_offers
    assert (offer.actor, offer.issue, offer.value, offer.conditional_on, offer.requires) == (
        "south",
        "alliance",
        100,
        "guarantees",
        0.0,
    )
    assert offer.evidence[0].sentence == "South would drop its alliance bid if given guarantees."
    # Without an unconditional statement, the party holds the other end: it offers to give the bid up.
    assert _cell(model, "south", "alliance") == 0.0
    assert model.value("south", "alliance", "position").source == "inferred"


def test_batna_from_a_threat_mapped_through_the_codebook():
    model = build_negotiation(talks_rows(), codebook())
    batna = model.value("north", "valley", "batna")
    assert batna.value == 100.0
    assert "North takes the valley by force" in batna.detail
    assert batna.evidence[0].sentence == "If talks fail, North will take the valley by military means."
    assert math.isnan(_cell(model, "south", "valley", "batna"))  # no statement: the status quo


def test_threat_without_a_value_means_imposing_the_party_position():
    rows = [
        row("north", "valley", "demand", 90),
        row("south", "valley", "demand", 10),
        row("south", "if-talks-fail", "plan", None, text="South plans to fight on."),
    ]
    model = build_negotiation(rows, codebook())
    assert model.value("south", "valley", "batna").value == 10.0
    rows.append(row("north", "sanctions", "threat", 30))
    rows.append(row("south", "sanctions", "demand", 90))
    assert build_negotiation(rows, codebook()).value("north", "sanctions", "batna").value == 30.0


def test_statements_outside_the_codebook_are_skipped_with_a_reason():
    rows = [
        *talks_rows(),
        row("envoy", "valley", "demand", 50),
        row("north", "weather", "demand", 3),
        row("ner:Someone", "valley", "demand", 20),
    ]
    model = build_negotiation(rows, codebook())
    text = " | ".join(model.skipped)
    assert "'envoy' is not a negotiating party" in text
    assert "issue 'weather' is not in the codebook" in text
    assert "'ner:Someone'" in text
    assert model.statements_used == 10


def test_modeled_table_keeps_issues_with_two_parties_and_validates():
    model = build_negotiation(talks_rows(), codebook())
    modeled = model.modeled()
    assert "guarantees" not in modeled.issue_ids  # only South speaks about it
    assert set(modeled.issue_ids) == {"valley", "alliance", "sanctions"}
    assert all(k.split("/")[1] in {"*", *modeled.issue_ids} for k in modeled.provenance)


def test_no_two_party_issue_is_a_model_input_error():
    model = build_negotiation([row("north", "valley", "demand", 90)], codebook())
    with pytest.raises(ModelInputError, match="two or more parties"):
        model.modeled()


def test_bad_options_are_rejected():
    with pytest.raises(ModelInputError, match="half_life_days"):
        BuildOptions(half_life_days=0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 100), st.integers(0, 400)), min_size=1, max_size=8), st.floats(1, 1000)
)
def test_position_lies_within_the_stated_values(statements, half_life):
    rows = [
        row("north", "sanctions", "demand", v, day=date.fromordinal(date(2024, 1, 1).toordinal() + d))
        for v, d in statements
    ]
    rows.append(row("south", "sanctions", "demand", 50))
    model = build_negotiation(rows, codebook(), options=BuildOptions(half_life_days=half_life))
    values = [v for v, _ in statements]
    assert min(values) - 1e-6 <= _cell(model, "north", "sanctions") <= max(values) + 1e-6
    assert np.nanmax(model.table.salience) <= 1.0


def test_load_statements_reads_stored_positions_on_sqlite_and_postgres(db_url):
    from datetime import datetime

    from zopa.negotiation.evidence import load_statements
    from zopa.records import Article, Evidence, Position
    from zopa.store.db import open_db
    from zopa.store.documents import insert_document
    from zopa.store.evidence import replace_evidence

    db = open_db(db_url)
    try:
        ids = []
        for n, (day, text) in enumerate(
            [
                ("2025-12-17", "North said the valley is non-negotiable."),
                ("2025-11-01", "South rejected any proposal to cede the valley."),
            ]
        ):
            article = Article(
                source=f"a{n}.txt",
                title=f"Article {n}",
                text=text,
                raw=text,
                published=datetime.fromisoformat(day),
                content_hash=f"h{n}",
            )
            with db.transaction() as conn:
                ids.append(insert_document(conn, article))
        replace_evidence(
            db,
            ids[0],
            Evidence(
                positions=(
                    Position(
                        actor="north",
                        issue="valley",
                        stance="demand",
                        value=100,
                        red_line=True,
                        evidence="North said the valley is non-negotiable.",
                        start=0,
                        end=40,
                    ),
                )
            ),
            codebook_hash="x",
        )
        replace_evidence(
            db,
            ids[1],
            Evidence(
                positions=(
                    Position(
                        actor="south",
                        issue="valley",
                        stance="reject",
                        value=None,
                        evidence="South rejected any proposal to cede the valley.",
                        start=0,
                        end=47,
                    ),
                )
            ),
            codebook_hash="x",
        )
        rows = load_statements(db)
        assert [r.position.actor for r in rows] == ["south", "north"]  # oldest first
        assert rows[1].title == "Article 0" and rows[1].position.red_line is True
        model = build_negotiation(rows, codebook())
        assert model.value("south", "valley", "position").value == 0.0  # rejects North's 100
        assert model.value("north", "valley", "red_line").evidence[0].document_id == ids[0]
        assert load_statements(db, until=datetime(2025, 11, 30))[0].position.actor == "south"
        assert len(load_statements(db, until=datetime(2025, 11, 30))) == 1
    finally:
        db.close()


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_order_of_statements_does_not_change_the_table(rnd):
    rows = talks_rows()
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a, b = build_negotiation(rows, codebook()).table, build_negotiation(shuffled, codebook()).table
    assert a.actors == b.actors and a.issue_ids == b.issue_ids
    for x, y in (
        (a.position, b.position),
        (a.salience, b.salience),
        (a.red_line, b.red_line),
        (a.batna, b.batna),
    ):
        np.testing.assert_allclose(x, y, equal_nan=True)
