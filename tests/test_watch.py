"""``zopa watch`` against feeds served on loopback by the test itself (tests/feed_server.py): conditional
requests, backoff, alerts for the shifts and contradictions new items bring, webhook delivery, and a
watcher killed with SIGKILL mid-item that resumes without duplicates or losses."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from feed_server import FeedServer, feed_server
from tracking_fixtures import CODEBOOK, STORIES, feed_xml
from zopa.codebook import Codebook, load_codebook
from zopa.errors import InputError
from zopa.shifts import changes_from_db
from zopa.store import tracking
from zopa.store.db import open_db
from zopa.watch import HttpxFeedFetcher, Watcher, WatchOptions, parse_duration


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(CODEBOOK)


@pytest.fixture
def server() -> Any:
    with feed_server() as running:
        yield running


def _watcher(
    db: Any, server: FeedServer, codebook: Codebook, log: Path, lines: list[str], **opts: Any
) -> Watcher:
    return Watcher(
        db,
        [server.url],
        codebook=codebook,
        options=WatchOptions(every=60, log=log, allow_private_urls=True, **opts),  # the pages are on loopback
        out=lines.append,
    )


def _expected_keys(db: Any, codebook: Codebook) -> set[str]:
    """Every shift and contradiction the stored evidence holds: what the alerts must cover, once each."""
    changes = changes_from_db(db, codebook=codebook)
    return {s.key for s in changes.shifts} | {c.key for c in changes.contradictions}


def _logged(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def test_items_added_over_time_raise_the_expected_alerts(
    server: FeedServer, codebook: Codebook, tmp_path: Path
) -> None:
    db = open_db(tmp_path / "watch.db")
    log = tmp_path / "alerts.jsonl"
    lines: list[str] = []
    watcher = _watcher(db, server, codebook, log, lines)

    server.publish(STORIES[:4])  # the demand, its copies, and one quote given to two speakers
    first = watcher.run(once=True)
    assert [p.status for p in first.polls] == ["fetched"] and first.polls[0].new == 4
    # the items hold under 60 words: each is read from its page, through ingest's fetcher
    assert sorted(server.page_requests) == sorted(f"/{s.slug}" for s in STORIES[:4])
    alerts = tracking.list_alerts(db).items
    assert [(a.kind, a.change) for a in alerts] == [("contradiction", "speaker")]
    assert "attributed to maria-okafor and to daniel-weiss" in alerts[0].summary

    again = watcher.run(once=True)  # nothing new: a conditional request answered 304
    assert again.polls[0].status == "not-modified" and server.answers[-1] == 304
    assert server.requests[-1].get("If-None-Match") and server.requests[-1].get("If-Modified-Since")

    server.publish(STORIES[:6])  # the authority's offer, then its wage freeze two days later
    watcher.run(once=True)
    server.publish(STORIES)  # the union lowers its demand
    third = watcher.run(once=True)
    assert third.polls[0].new == 1

    alerts = tracking.list_alerts(db).items
    kinds = sorted((a.kind, a.change, a.actor) for a in alerts)
    assert kinds == [
        ("contradiction", "positions", "authority"),
        ("contradiction", "speaker", None),
        ("shift", "point", "authority"),
        ("shift", "point", "union"),
    ]
    assert {a.key for a in alerts} == _expected_keys(db, codebook)
    union = next(a for a in alerts if a.actor == "union")
    assert union.detail["before"]["value"] == 0 and union.detail["after"]["value"] == 50
    assert union.detail["after"]["text"].startswith("The union now wants a 4% pay raise")
    logged = _logged(log)
    assert sorted(r["key"] for r in logged) == sorted(a.key for a in alerts)
    assert len(lines) == 4 and any("union on wages: demand 0 -> demand 50" in line for line in lines)
    assert all(a.logged_at is not None for a in alerts)
    assert tracking.count_items(db) == 7
    db.close()

    from zopa.web.app import fetch

    page = fetch(tmp_path / "watch.db", "/alerts")
    assert page.status == 200 and page.body.count('class="evidence alert"') == 4
    assert "union on wages: demand 0 -&gt; demand 50" in page.body
    contradictions = fetch(tmp_path / "watch.db", "/alerts?kind=contradiction")
    assert contradictions.body.count('class="evidence alert"') == 2
    assert fetch(tmp_path / "watch.db", "/alerts?kind=nonsense").status == 422


def test_failed_polls_back_off_and_honour_retry_after(
    server: FeedServer, codebook: Codebook, tmp_path: Path
) -> None:
    db = open_db(tmp_path / "watch.db")
    clock = [datetime(2026, 5, 1, 12)]
    watcher = Watcher(
        db,
        [server.url],
        codebook=codebook,
        options=WatchOptions(every=60, max_backoff=3600, log=tmp_path / "a.jsonl"),
        out=lambda line: None,
        clock=lambda: clock[0],
    )
    server.publish(STORIES[:1])
    server.fail(1, 503, retry_after="600")
    report = watcher.poll(server.url)
    assert report.status == "error" and "HTTP 503" in report.problems[0]
    assert report.next_check_at == clock[0] + timedelta(seconds=600)  # Retry-After beats 60 x 2
    server.fail(1, 500)
    report = watcher.poll(server.url)
    assert report.next_check_at == clock[0] + timedelta(seconds=240)  # 60 x 2^2
    assert tracking.feed_state(db, server.url).failures == 2
    report = watcher.poll(server.url)
    assert report.status == "fetched" and report.new == 1
    state = tracking.feed_state(db, server.url)
    assert state.failures == 0 and state.next_check_at == clock[0] + timedelta(seconds=60)
    assert state.etag is not None

    server.stop()  # nothing listens any more: a network error, backed off too
    report = watcher.poll(server.url)
    assert report.status == "error" and "cannot fetch" in report.problems[0]
    assert tracking.feed_state(db, server.url).failures == 1
    db.close()


def test_webhook_gets_each_alert_once_and_a_failed_post_is_retried(
    server: FeedServer, codebook: Codebook, tmp_path: Path
) -> None:
    db = open_db(tmp_path / "watch.db")
    lines: list[str] = []
    watcher = _watcher(db, server, codebook, tmp_path / "a.jsonl", lines, webhook=server.hook_url)
    server.hook_status = 500
    server.publish(STORIES[:6])
    watcher.run(once=True)
    alerts = tracking.list_alerts(db).items
    assert alerts and all(a.posted_at is None for a in alerts)
    assert any("webhook" in line and "not delivered" in line for line in lines)
    server.hook_status = 200
    watcher.deliver()
    watcher.deliver()
    keys = [headers.get("Idempotency-Key") for headers, _ in server.posted]
    assert sorted(keys) == sorted(a.key for a in alerts)  # each once, in spite of two deliveries
    assert {body["key"] for _, body in server.posted} == set(keys)
    assert all(a.posted_at is not None for a in tracking.list_alerts(db).items)
    db.close()


def test_a_local_feed_file_is_reread_only_when_it_changes(codebook: Codebook, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(feed_xml(STORIES[:2], base="http://127.0.0.1:9"), encoding="utf-8")
    fetcher = HttpxFeedFetcher()
    first = fetcher(str(feed), etag=None, last_modified=None, max_bytes=1_000_000)
    assert first.status == 200 and first.etag
    assert fetcher(str(feed), etag=first.etag, last_modified=None, max_bytes=1_000_000).status == 304
    fetcher.close()
    with pytest.raises(InputError, match="--every"):
        parse_duration("soon")
    assert parse_duration("15m") == 900 and parse_duration("1.5h") == 5400 and parse_duration("30") == 30


def _count(db_path: Path, table: str) -> int:
    try:
        con = sqlite3.connect(db_path, timeout=5)
        try:
            return int(con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        finally:
            con.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_sigkill_mid_item_then_restart_resumes_without_duplicates_or_losses(
    server: FeedServer, codebook: Codebook, tmp_path: Path
) -> None:
    server.publish(STORIES)
    db_path, log = tmp_path / "watch.db", tmp_path / "alerts.jsonl"
    command = [
        sys.executable,
        "-c",
        "from zopa.cli import main; main()",
        "watch",
        server.url,
        "--every",
        "1s",
        "--db",
        str(db_path),
        "--log",
        str(log),
        "--codebook",
        str(CODEBOOK),
        "--allow-private-urls",  # the item pages are on loopback
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    err = tmp_path / "stderr.txt"
    with err.open("wb") as stderr:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    try:
        deadline = time.monotonic() + 240
        # kill once the third item's document is stored: its alerts may not be, the items after it are not
        while _count(db_path, "documents") < 3:
            assert proc.poll() is None, f"watch ended before it could be killed: {err.read_text()!r}"
            assert time.monotonic() < deadline, "watch stored nothing within 240 s"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done_at_kill = _count(db_path, "watch_items")
    assert done_at_kill < len(STORIES), "the kill must land before the last item"

    rerun = subprocess.run([*command, "--once"], capture_output=True, timeout=600, env=env)
    assert rerun.returncode == 0, rerun.stderr.decode()
    db = open_db(db_path)
    try:
        assert _count(db_path, "documents") == len(STORIES)  # nothing lost, nothing stored twice
        assert tracking.count_items(db) == len(STORIES)
        alerts = tracking.list_alerts(db).items
        keys = [a.key for a in alerts]
        assert len(keys) == len(set(keys))
        assert set(keys) == _expected_keys(db, codebook)
        logged = [r["key"] for r in _logged(log)]
        assert sorted(logged) == sorted(keys)  # each alert in the log exactly once
        assert all(a.logged_at is not None for a in alerts)
    finally:
        db.close()
    again = subprocess.run([*command, "--once"], capture_output=True, timeout=600, env=env)
    assert again.returncode == 0
    assert len(_logged(log)) == len(keys)  # a third run (304) adds nothing


def test_watch_tables_match_the_schema_and_work_on_both_databases(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from zopa.store import schema

    db = open_db(db_url)
    with db.connect() as conn:  # the migrations build exactly the tables schema.py describes
        context = MigrationContext.configure(conn, opts={"include_object": schema.include_object})
        assert compare_metadata(context, schema.metadata) == []
    feed = tracking.feed_state(db, "http://127.0.0.1:9/feed.xml")
    assert tracking.feed_state(db, feed.url).id == feed.id  # registered once
    alert = tracking.NewAlert(
        key="k" * 64,
        kind="shift",
        change="point",
        actor="a",
        issue="i",
        document=None,
        summary="s",
        detail={},
    )
    now = datetime(2026, 5, 1)
    with db.transaction() as conn:
        ids = tracking.record_item(
            conn,
            feed_id=feed.id,
            item_key="x",
            title="t",
            link=None,
            document_id=None,
            status="analysed",
            problem=None,
            alerts=[alert, alert],
            now=now,
        )
    assert len(ids) == 1
    with db.transaction() as conn:  # the same change from another item: not raised again
        assert (
            tracking.record_item(
                conn,
                feed_id=feed.id,
                item_key="y",
                title="t",
                link=None,
                document_id=None,
                status="analysed",
                problem=None,
                alerts=[alert],
                now=now,
            )
            == []
        )
    assert [a.id for a in tracking.undelivered_alerts(db, webhook=True)] == ids
    tracking.mark_alerts(db, ids, field="logged_at", when=now)
    assert tracking.undelivered_alerts(db, webhook=False) == ()
    assert tracking.list_alerts(db).items[0].feed == feed.url
    assert tracking.processed_items(db, feed.id) == {"x", "y"}
    db.close()
