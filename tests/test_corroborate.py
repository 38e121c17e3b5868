"""Corroboration, shifts and contradictions on articles of our own (tests/tracking_fixtures.py), and the
negotiation build counting independent sources instead of copies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tracking_fixtures import CODEBOOK, STORIES, WIRE_SENTENCE, Story, articles
from zopa.codebook import Codebook, load_codebook
from zopa.corroborate import corroborate_db, credits, load_wires
from zopa.pipeline import analyze_articles
from zopa.shifts import changes_from_db
from zopa.store.db import open_db
from zopa.store.tracking import DocumentSource


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def dispute(codebook: Codebook, tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = open_db(tmp_path_factory.mktemp("dispute") / "dispute.db")
    report = analyze_articles(articles(), db, codebook=codebook)
    assert report.ok, report.errors
    yield db
    db.close()


def _doc(db: Any, source: str) -> int:
    from zopa.store.queries import find_document

    return find_document(db, source).id


def test_a_copy_of_a_wire_story_counts_once(dispute: Any, codebook: Codebook) -> None:
    found = corroborate_db(dispute, codebook=codebook)
    group = next(
        g for g in found.claims if (g.actor, g.issue, g.stance, g.value) == ("union", "wages", "demand", 0)
    )
    by_outlet = {c.outlet: c for c in group.carriers}
    assert set(by_outlet) == {"Associated Press", "Valley Gazette", "Riverton Herald"}
    assert group.independent_sources == 2
    wire, copy, own = by_outlet["Associated Press"], by_outlet["Valley Gazette"], by_outlet["Riverton Herald"]
    assert copy.source == wire.source != own.source
    assert copy.copy_of == _doc(dispute, "ap-demand")
    assert "ap" in copy.why or "same sentence" in copy.why
    assert wire.copy_of is None and own.copy_of is None
    assert group.first == datetime(2026, 3, 2, 14) and group.latest == datetime(2026, 3, 3, 7)
    assert [g.id for g in found.corroborated(2)] == [group.id]


def test_known_shift_with_its_two_sentences(dispute: Any, codebook: Codebook) -> None:
    changes = changes_from_db(dispute, codebook=codebook)
    union = [s for s in changes.shifts if (s.actor, s.issue, s.change) == ("union", "wages", "point")]
    assert len(union) == 1
    shift = union[0]
    assert shift.date == date(2026, 4, 16) and shift.delta == 50
    assert shift.before is not None and shift.before.value == 0 and shift.after.value == 50
    assert shift.before.document in {_doc(dispute, "ap-demand"), _doc(dispute, "herald-demand")}
    assert shift.after.text == "The union now wants a 4% pay raise, Maria Okafor told reporters on Thursday."
    # the wire copy is not a report of its own: the union's series holds one step per independent source
    series = next(s for s in changes.series if (s.actor, s.issue) == ("union", "wages"))
    assert [step.statement.value for step in series.steps] == [0, 0, 50]
    assert changes.since(date(2026, 4, 1)).shifts == tuple(
        s for s in changes.shifts if s.date >= date(2026, 4, 1)
    )


def test_contradiction_two_days_apart_and_a_quote_with_two_speakers(dispute: Any, codebook: Codebook) -> None:
    changes = changes_from_db(dispute, codebook=codebook)
    authority = [c for c in changes.contradictions if (c.actor, c.issue) == ("authority", "wages")]
    assert len(authority) == 1
    pair = authority[0]
    assert pair.change == "positions" and pair.days_apart == 2
    assert (pair.first.value, pair.second.value) == (50, 100)
    assert pair.first.text == "The authority said it was ready to accept a 4% raise."
    assert "wage freeze" in pair.second.text
    speaker = [c for c in changes.contradictions if c.change == "speaker"]
    assert len(speaker) == 1
    assert {speaker[0].first.speaker, speaker[0].second.speaker} == {"maria-okafor", "daniel-weiss"}
    # nothing contradicts the union: its two demands are six weeks apart (a shift, not a contradiction)
    assert not [c for c in changes.contradictions if c.actor == "union"]


def test_credits_read_the_outlet_datelines_and_credit_lines() -> None:
    wires = load_wires()

    def source(outlet: str | None, head: str, tail: str = "") -> DocumentSource:
        return DocumentSource(
            id=1, title="t", outlet=outlet, published=None, root=1, signature=None, head=head, tail=tail
        )

    assert credits(source("Hürriyet Daily News (AP copy)", "Ankara"), wires) == {"ap"}
    assert credits(source(None, "KYIV, Dec 17 (Reuters) - Ukraine said"), wires) == {"reuters"}
    assert credits(source(None, "Peskov told TASS on Friday that"), wires) == {"tass"}
    assert credits(source(None, "A local report about the APRIL meeting."), wires) == set()


def _five_copies() -> tuple[Story, ...]:
    """One union sentence copied into five outlets' own articles, and one other union statement."""
    towns = ("Ashford", "Brookline", "Carver", "Dunmore", "Elkton")
    stories = [
        Story(
            f"copy-{n}",
            f"{town} Daily",
            datetime(2026, 3, 2, 9 + n),
            f"{town}: bus talks",
            f"{WIRE_SENTENCE}\n\nIn {town}, {n + 3} school routes depend on the Riverton network, and the "
            f"{town} council meets on day {n + 10} to discuss a shuttle of its own.",
        )
        for n, town in enumerate(towns)
    ]
    stories.append(replace(STORIES[-1], published=datetime(2026, 3, 2, 20)))
    return tuple(stories)


def test_five_copies_of_one_sentence_weigh_as_one_source(codebook: Codebook, tmp_path: Path) -> None:
    from zopa.negotiation.service import NegotiationSource, build_from_db

    db = open_db(tmp_path / "copies.db")
    assert analyze_articles(articles(_five_copies()), db, codebook=codebook).ok
    model = build_from_db(NegotiationSource(db=db, codebook=codebook))
    position = model.value("union", "wages", "position")
    assert position is not None and len(position.support) == 6
    assert position.independent_sources == 2
    # five copies at 0 and one statement at 50, all the same day: counted as two sources, (0 + 50) / 2
    assert position.value == pytest.approx(25.0)
    weights = {r.position.value: 0.0 for r, _ in position.support}
    for r, w in position.support:
        weights[r.position.value] += w
    assert weights[0.0] == pytest.approx(weights[50.0])
    provenance = model.table.provenance["union/wages/position"]
    assert "2 independent sources in 6 statements" in provenance
    salience = model.value("union", "wages", "salience")
    assert salience is not None and salience.independent_sources == 2
    db.close()


def test_without_sources_the_copies_count_five_times(codebook: Codebook, tmp_path: Path) -> None:
    from zopa.negotiation.build import build_negotiation
    from zopa.negotiation.evidence import load_statements

    db = open_db(tmp_path / "copies.db")
    analyze_articles(articles(_five_copies()), db, codebook=codebook)
    plain = build_negotiation(load_statements(db), codebook)
    position = plain.value("union", "wages", "position")
    assert position is not None and position.value == pytest.approx(50 / 6)
    assert position.independent_sources is None
    db.close()
