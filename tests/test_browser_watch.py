"""The alerts ``zopa watch`` raised, and the "What changed" page, in a real browser: a watcher fills a
database from a feed served on loopback, ``zopa serve`` shows it, headless Chromium reads it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from feed_server import feed_server
from test_browser import page, shot  # noqa: F401  (fixtures shared with the dashboard tests; browser: conftest)
from tracking_fixtures import CODEBOOK, STORIES
from web_server import running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Any]]]:
    from zopa.codebook import load_codebook
    from zopa.store import tracking
    from zopa.store.db import open_db
    from zopa.watch import Watcher, WatchOptions

    folder = tmp_path_factory.mktemp("watched")
    db_path = folder / "watched.db"
    db = open_db(db_path)
    with feed_server() as feed:
        watcher = Watcher(
            db,
            [feed.url],
            codebook=load_codebook(CODEBOOK),
            options=WatchOptions(every=60, log=folder / "alerts.jsonl"),
            out=lambda line: None,
        )
        feed.publish(STORIES[:6])
        watcher.run(once=True)
        feed.publish(STORIES)
        watcher.run(once=True)
        watcher.close()
    alerts = list(tracking.list_alerts(db).items)
    db.close()
    with running_server(db_path, folder) as base:
        yield base, alerts


def test_alerts_page_lists_what_the_watcher_raised(page: Any, watched: tuple[str, list[Any]]) -> None:  # noqa: F811
    base, alerts = watched
    assert len(alerts) == 4
    union = next(a for a in alerts if a.actor == "union")
    page.goto(base + "/alerts")
    items = page.locator("#alerts li.alert")
    assert items.count() == len(alerts)
    shown = page.locator(f'#alerts li[data-alert="{union.id}"]')
    assert "union on wages: demand 0 -> demand 50" in shown.inner_text()
    assert "The union now wants a 4% pay raise" in shown.inner_text()
    assert page.locator("#feeds td").first.inner_text().endswith("/feed.xml")
    shot(page, "alerts.png")
    page.select_option('select[name="kind"]', "contradiction")
    page.click('form.filters button[type="submit"]')
    page.wait_for_url("**kind=contradiction**")
    assert page.locator("#alerts li.alert").count() == sum(a.kind == "contradiction" for a in alerts)
    link = page.locator('#alerts li[data-change="positions"] .cited a').last
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{target.split('#')[0]}**")
    assert page.locator(f"#{target.split('#')[1]}").is_visible()
    assert page.problems == []


def test_what_changed_page_shows_each_shift_with_its_two_sentences(
    page: Any,  # noqa: F811
    watched: tuple[str, list[Any]],
) -> None:
    base, _ = watched
    page.goto(base + "/changes")
    shift = page.locator('#shifts li.shift[data-actor="union"][data-change="point"]')
    assert shift.count() == 1
    text = shift.inner_text()
    assert "before" in text and "after" in text
    assert "demands an 8% raise" in text or "demanded an 8% pay raise" in text
    assert "The union now wants a 4% pay raise" in text
    page.fill('input[name="since"]', "2026-04-01")
    page.click('form.filters button[type="submit"]')
    page.wait_for_url("**since=2026-04-01**")
    assert page.locator("#shifts li.shift").count() == 1
    shot(page, "what-changed.png")
    assert page.problems == []
