"""The negotiation sections of the HTML report: charts, links to evidence and assumptions, offline page."""

from __future__ import annotations

import re
from pathlib import Path

from zopa.codebook import default_codebook_path, load_codebook
from zopa.negotiation.analysis import AnalysisOptions, load_plan
from zopa.negotiation.overrides import load_overrides
from zopa.negotiation.report import negotiation_sections
from zopa.negotiation.scenario import load_scenario
from zopa.report import DEFAULT_SECTIONS, render_report
from zopa.store.db import open_db

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FAST = AnalysisOptions(models=("median.v1", "compromise.v1"), draws=100, iterative_draws=0)


def test_report_has_every_negotiation_section_with_linked_numbers(seeded_db):
    book = load_codebook(default_codebook_path())
    sections = negotiation_sections(
        book,
        plan=load_plan(EXAMPLES / "plan-us-framework-2025.yaml"),
        scenario=load_scenario(EXAMPLES / "russia-ukraine-scenario.yaml"),
        overrides=load_overrides(EXAMPLES / "overrides.yaml"),
        analysis=FAST,
    )
    page = render_report(seeded_db, sections=(*DEFAULT_SECTIONS, *sections))
    for sid in (
        "negotiation-gap",
        "negotiation-zone",
        "negotiation-deals",
        "negotiation-plan",
        "negotiation-talks-fail",
        "negotiation-timeline",
        "negotiation-assumptions",
    ):
        assert f'<section id="{sid}">' in page
    assert "Not available" not in page
    # Charts are plotly, with plotly.js inlined once and nothing fetched from the network.
    assert page.count("plotly.js v") <= 2 and "Plotly.newPlot" in page
    assert not re.search(r'<script[^>]+src="https?:', page)
    # Numbers link to evidence spans (documents appended) or to assumptions that exist on the page.
    spans = set(re.findall(r'href="#(d\d+-\d+-\d+)"', page))
    assert spans and all(f'id="{s}"' in page for s in spans)
    # every value from the codebook, a default or an override is listed with its source in the assumptions
    assert 'id="assumption-russia-*-capability"' in page and "COW NMC" in page
    assert "non-negotiable" in page  # the sentence behind Russia's red line on Donetsk
    assert "override" in page and "leverage" in page  # the analyst's overrides with their reasons
    assert "russia: donetsk-control +2/month" in page  # the scenario's assumptions are printed


def test_negotiation_sections_on_an_empty_database_say_why(tmp_path):
    db = open_db(tmp_path / "empty.db")
    page = render_report(
        db, sections=negotiation_sections(load_codebook(default_codebook_path()), analysis=FAST)
    )
    assert "Not available" in page and "two or more parties" in page
    db.close()
