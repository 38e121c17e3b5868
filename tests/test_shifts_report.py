"""The report's "what changed" sections on the articles of tests/tracking_fixtures.py: a chart per issue, each
shift with its two sentences linked to the article text, the contradictions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracking_fixtures import CODEBOOK, articles
from zopa.codebook import load_codebook
from zopa.pipeline import analyze_articles
from zopa.report import render_report, span_id
from zopa.shifts import changes_from_db
from zopa.shifts_report import shifts_sections
from zopa.store.db import open_db


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    codebook = load_codebook(CODEBOOK)
    db = open_db(tmp_path_factory.mktemp("report") / "dispute.db")
    assert analyze_articles(articles(), db, codebook=codebook).ok
    labels = {i.id: i.label for i in codebook.issues}
    html = render_report(db, sections=shifts_sections(codebook), issue_labels=labels)
    yield html, changes_from_db(db, codebook=codebook)
    db.close()


def test_each_shift_links_its_two_sentences_into_the_article_text(report: tuple[str, object]) -> None:
    html, changes = report
    section = html[html.index('id="shifts"') : html.index('id="contradictions"')]
    union = next(s for s in changes.shifts if s.actor == "union")  # type: ignore[attr-defined]
    for cited in (union.before, union.after):
        anchor = span_id(cited.document, cited.start, cited.end)
        assert f'href="#{anchor}"' in section
        assert f'id="{anchor}"' in html  # the article text is on the page, anchored at the sentence
    assert "union on wages: demand 0 -&gt; demand 50" in section
    assert section.count('class="chart"') == 1  # one issue with stated points: wages
    assert '"name":"union"' in section and '"name":"authority"' in section  # a line per party
    assert "Annual wage increase" in section  # the chart is titled with the issue's label


def test_contradictions_section_and_since(report: tuple[str, object], tmp_path: Path) -> None:
    html, _ = report
    section = html[html.index('id="contradictions"') :]
    assert "authority on wages: offer 50 and demand 100, 2 days apart" in section
    assert "attributed to maria-okafor and to daniel-weiss" in section
    codebook = load_codebook(CODEBOOK)
    db = open_db(tmp_path / "late.db")
    analyze_articles(articles(), db, codebook=codebook)
    late = render_report(db, sections=shifts_sections(codebook), since=date(2026, 4, 1))
    shifts = late[late.index('id="shifts"') : late.index('id="contradictions"')]
    assert "1 shift(s)" in shifts and "No contradictions." in late
    db.close()
