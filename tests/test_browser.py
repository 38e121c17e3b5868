"""The dashboard in a real browser: ``zopa serve`` in a subprocess over the seeds, driven by Playwright with
Debian's Chromium (headless). Screenshots are saved under ``test-artifacts/``.

Without Chromium (or Playwright) the tests are skipped, except under ``CI=true``, where they fail (the
``browser`` fixture is in conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_server import running_server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
PLAN = ROOT / "examples" / "plan-us-framework-2025.yaml"
SCENARIO = ROOT / "examples" / "russia-ukraine-scenario.yaml"


@pytest.fixture(scope="module")
def server(seeded_db: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    args = ("--plan", str(PLAN), "--scenario", str(SCENARIO))
    with running_server(seeded_db.path, tmp_path_factory.mktemp("serve"), args=args) as base:
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.problems = problems
    yield tab
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_positions_cell_opens_its_evidence(page: Any, server: str, seeded_db: Any) -> None:
    from zopa.store.queries import EvidenceFilter, listing
    from zopa.store.rows import PositionRow

    where = EvidenceFilter(actor="russia", issue="donetsk-control", limit=1)
    newest = listing(seeded_db, PositionRow, where).items
    assert newest, "the seeds hold Russia's demand on Donetsk"
    page.goto(server + "/positions")
    cell = page.locator('td.cell[data-actor="russia"][data-issue="donetsk-control"]')
    assert cell.count() == 1
    cell.click()
    evidence = page.locator("#evidence-list li.evidence").first
    evidence.wait_for(state="visible", timeout=10_000)
    assert newest[0].evidence in evidence.inner_text()
    link = evidence.locator("a").first
    assert link.get_attribute("href").startswith(f"/documents/{newest[0].document}#mark-position-")
    shot(page, "positions-evidence.png")
    link.click()
    page.wait_for_url(f"**/documents/{newest[0].document}**")
    assert page.locator(f"#mark-position-{newest[0].id}").is_visible()
    assert page.problems == []


def test_article_shows_a_quote_highlighted_with_its_speaker(page: Any, server: str, seeded_db: Any) -> None:
    from zopa.store.queries import listing
    from zopa.store.rows import QuoteRow

    quote = next(q for q in listing(seeded_db, QuoteRow).items if q.speaker_name)
    page.goto(f"{server}/documents/{quote.document}")
    mark = page.locator(f'mark.ev-quote[data-ev="quote-{quote.id}"]').first
    assert mark.is_visible()
    assert mark.get_attribute("data-speaker") == quote.speaker
    assert quote.speaker_name in mark.get_attribute("title")
    assert quote.text[:20] in page.locator(f"#mark-quote-{quote.id}").inner_text()
    mark.click()
    detail = page.locator("#ev-detail")
    detail.wait_for(state="visible", timeout=5_000)
    assert quote.speaker_name in detail.inner_text()
    shot(page, "article-quote.png")
    assert page.problems == []


def test_overview_search_and_quotes_filter(page: Any, server: str) -> None:
    page.goto(server + "/")
    assert page.locator("#documents tbody tr").count() == 2
    shot(page, "overview.png")
    page.fill('input[name="q"]', "Belousov")
    page.click('form.filters button[type="submit"]')
    page.wait_for_url("**/?q=Belousov**")
    assert page.locator("#documents tbody tr").count() == 1
    page.goto(server + "/quotes")
    page.select_option('select[name="speaker"]', "zelenskyy")
    page.click('form.filters button[type="submit"]')
    page.wait_for_url("**speaker=zelenskyy**")
    speakers = page.locator("#quotes tbody tr td:first-child strong").all_inner_texts()
    assert speakers and set(speakers) == {"Volodymyr Zelenskyy"}
    shot(page, "quotes.png")
    assert page.problems == []


def test_negotiation_page_draws_its_charts(page: Any, server: str) -> None:
    page.set_default_timeout(180_000)  # the first visit builds the negotiation and runs the models
    page.goto(server + "/negotiation", timeout=180_000)
    page.locator("#chart-gap-donetsk-control .main-svg").first.wait_for(state="visible")
    assert "No zone of agreement" in page.locator("#zone-verdict").inner_text()
    assert page.locator('#zone-table tr[data-issue="donetsk-control"] .zone-empty').inner_text() == "empty"
    assert page.locator("#plan-table tbody tr").count() >= 2
    assert page.locator("#chart-talks-fail .main-svg").count() >= 1
    evidence = page.locator('#zone-table a[href^="/documents/"]')
    assert evidence.count() >= 1
    shot(page, "negotiation.png")
    assert page.problems == []
