"""Hostile articles in a real browser: script tags, event handlers, ``javascript:`` URLs, ``</textarea>``,
attribute breakers, RTL overrides and very long words, analysed by ``zopa analyze`` and shown on every page of
the dashboard and in the HTML report, opened in headless Chromium. Nothing they carry may run: no dialog, no
page error, no global they set, no script element or event-handler attribute of theirs in the DOM, no
javascript: link; the payloads are shown as text. Skipped without Chromium, except under ``CI=true``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_server import running_server

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__pwned = 'script'; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    "</textarea><script>window.__pwned = 'textarea'</script>",
    "\"><script>window.__pwned = 'attr'</script>",
    "' onmouseover='window.__pwned = 1' x='",
    "<a href=\"javascript:window.__pwned='link'\">click</a>",
    "<iframe src=\"javascript:window.top.__pwned='frame'\"></iframe>",
    "{{ 7 * 7 }} ${7*7}",
    "\u202eevil\u202c gnp.exe",
    "W" * 3000,
]
HOSTILE = " ".join(PAYLOADS)


def _articles(folder: Path) -> Path:
    folder.mkdir()
    lines = []
    for n, payload in enumerate(PAYLOADS):
        text = (
            f'Vladimir Putin said "{payload} Russia demands all of Donetsk, and we will never give up '
            f'Crimea," on Tuesday. Ukraine rejects the demand {payload}, Volodymyr Zelensky said. '
            f"Russia launched 120 drones {payload} overnight, Ukraine's air force said."
        )
        lines.append(
            json.dumps(
                {
                    "title": f"Hostile {n} {payload}",
                    "outlet": f"Outlet {payload}"[:300],
                    "url": "javascript:window.__pwned='url'" if n % 2 else f"https://example.org/{payload}",
                    "published": f"2025-12-{n + 1:02d}",
                    "text": text,
                }
            )
        )
    (folder / "hostile.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "hostile.db"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from zopa.cli import main; main()",
            "analyze",
            str(_articles(folder / "in")),
            "--db",
            str(db),
            "--json",
        ],
        capture_output=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr.decode()
    return db


@pytest.fixture(scope="module")
def hostile_server(hostile_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(hostile_db, tmp_path_factory.mktemp("serve"), env={"ZOPA_TOKEN": "t"}) as base:
        yield base


def _pages(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    docs = [r[0] for r in con.execute("SELECT id FROM documents ORDER BY id")]
    stories = [r[0] for r in con.execute("SELECT id FROM stories")]
    cell = con.execute("SELECT actor, issue FROM positions LIMIT 1").fetchone()
    con.close()
    assert docs and cell, "the hostile articles must hold evidence"
    return [
        "/",
        "/?q=script",
        *[f"/documents/{d}" for d in docs],
        *[f"/stories/{s}" for s in stories],
        "/positions",
        f"/positions/evidence?actor={cell[0]}&issue={cell[1]}",
        "/quotes",
        "/events",
        "/negotiation",
        "/ingest",
        "/api",
    ]


CHECK = """() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  inlineScripts: [...document.querySelectorAll('script')]
      .filter(s => s.textContent.includes('__pwned')).length,
  handlers: [...document.querySelectorAll('*')]
      .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  jsLinks: [...document.querySelectorAll('[href],[src]')].filter(e =>
      /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || '')).length,
  frames: document.querySelectorAll('iframe, object, embed').length,
  text: document.body.innerText,
})"""


def _visit(browser: Any, url: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda exc: fired.append(f"page error: {exc}"))
    page.set_default_timeout(180_000)
    page.goto(url, timeout=180_000, wait_until="load")
    for mark in page.locator("mark").all()[:5]:  # hover marks: event handlers would fire now
        mark.hover(timeout=5_000)
    found = page.evaluate(CHECK)
    context.close()
    found["fired"] = fired
    return found


def test_hostile_articles_run_no_script_on_any_page(
    browser: Any, hostile_server: str, hostile_db: Path
) -> None:
    shown_as_text = 0
    for path in _pages(hostile_db):
        found = _visit(browser, hostile_server + path)
        where = f"{path}: {found['fired']}"
        assert found["fired"] == [] and found["pwned"] is None, where
        assert found["inlineScripts"] == 0 and found["handlers"] == 0, where
        assert found["jsLinks"] == 0 and found["frames"] == 0, where
        assert "{{ 7 * 7 }}" not in found["text"] or "49" not in found["text"].split("{{ 7 * 7 }}")[0][-5:]
        shown_as_text += "<script>" in found["text"]
    assert shown_as_text >= 3  # the payloads are visible as text, not dropped


def test_hostile_articles_run_no_script_in_the_html_report(
    browser: Any, hostile_db: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from zopa.cli import main; main()",
            "report",
            "--html",
            str(report),
            "--db",
            str(hostile_db),
        ],
        capture_output=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr.decode()
    found = _visit(browser, report.as_uri())
    assert found["fired"] == [] and found["pwned"] is None, found["fired"]
    assert found["handlers"] == 0 and found["jsLinks"] == 0 and found["frames"] == 0
    assert "<script>" in found["text"]
