"""The live watch: poll RSS/Atom feeds, analyse new items, raise an alert for every shift and contradiction
they bring (``zopa watch FEED_OR_URL... --every 15m``).

Each poll is a conditional request (``If-None-Match`` with the feed's last ETag, ``If-Modified-Since`` with
its Last-Modified; a local feed file is re-read only when its size or modification time changed). A 304
costs nothing. A failed poll (network error, HTTP error, malformed feed) waits ``every x 2^failures`` (at
most ``max_backoff``, at least what a ``Retry-After`` header asks) before the next try.

Items are taken oldest first. An item whose text is shorter than ``min_entry_words`` and that has a link is
read from its page (through ingest's fetcher, as ``zopa ingest URL`` does); every item is then analysed by
the pipeline (:func:`zopa.pipeline.analyze_articles`: extraction with the codebook, one transaction per
document) and its alerts are computed (:func:`zopa.shifts.changes_for_document`).

**State lives in the database** (tables ``watch_feeds``, ``watch_items``, ``alerts``), so a restarted watcher
resumes: the feed's validators and schedule (backoff included), the items done (by the content hash of their
text) and the alerts raised. An item is marked done in the same transaction as its alerts; a watcher killed
mid-item (even by SIGKILL) redoes that item on restart: its document is already stored (a duplicate, so
nothing is stored twice) and its alerts are computed again, on the same stored evidence as before, under the
same keys. An alert's key is its kind and its two statements, so the same change is never raised twice.

**Delivery**: each alert is printed as one line, appended to a JSON Lines log (flushed and synced, then
marked ``logged_at``) and, with a webhook, POSTed as JSON with an ``Idempotency-Key`` header (marked
``posted_at`` on a 2xx answer, retried at the next round otherwise). On start, alerts stored but not marked
as logged are looked up in the log first, so a kill between writing the line and marking it does not write
the line twice. One watcher per database at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from zopa.corroborate import CorroborateOptions
from zopa.errors import InputError
from zopa.ingest import (
    DEFAULT_MAX_BYTES,
    Fetcher,
    HttpxFetcher,
    InputItem,
    ReadOptions,
    parse_feed,
    read_item,
)
from zopa.records import Article, _Record
from zopa.shifts import Changes, Contradiction, Shift, ShiftOptions, changes_for_document
from zopa.store import tracking
from zopa.store.tracking import AlertRow, FeedState, NewAlert

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str, *, what: str = "--every") -> float:
    """``"15m"`` -> 900.0 seconds (units s, m, h, d; a bare number is seconds)."""
    match = _DURATION.match(text or "")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()] if match else 0.0
    if seconds <= 0:
        raise InputError(what, f"{text!r} is not a duration (use e.g. 30s, 15m, 1h)")
    return seconds


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- fetching feeds conditionally ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedResponse:
    """One poll's answer: 200 with a body, 304 (not modified), or an HTTP error status."""

    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header


class FeedFetcher(Protocol):
    """A conditional GET; raises :class:`InputError` when the feed cannot be reached at all."""

    def __call__(
        self, url: str, *, etag: str | None, last_modified: str | None, max_bytes: int
    ) -> FeedResponse: ...


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


class HttpxFeedFetcher:
    """Conditional GETs with httpx (``transport`` for tests); a local path is read when it changed."""

    def __init__(self, *, timeout: float = 20.0, transport: Any = None) -> None:
        import httpx

        self._client = httpx.Client(
            follow_redirects=True,
            timeout=timeout,
            headers={"User-Agent": HttpxFetcher().user_agent},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __call__(
        self, url: str, *, etag: str | None, last_modified: str | None, max_bytes: int
    ) -> FeedResponse:
        if not url.lower().startswith(("http://", "https://")):
            return _read_file(Path(url), etag=etag, max_bytes=max_bytes)
        import httpx

        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self._client.stream("GET", url, headers=headers) as resp:
                retry = _retry_after(resp.headers.get("retry-after"))
                if resp.status_code == 304:
                    return FeedResponse(status=304, etag=etag, last_modified=last_modified)
                if resp.status_code >= 400:
                    return FeedResponse(status=resp.status_code, retry_after=retry)
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise InputError(url, f"too large (over the limit of {max_bytes:,} bytes)")
                return FeedResponse(
                    status=resp.status_code,
                    body=bytes(body),
                    etag=resp.headers.get("etag"),
                    last_modified=resp.headers.get("last-modified"),
                )
        except httpx.HTTPError as exc:
            raise InputError(url, f"cannot fetch ({type(exc).__name__}: {exc})") from None


def _read_file(path: Path, *, etag: str | None, max_bytes: int) -> FeedResponse:
    try:
        info = path.stat()
        stamp = f"file:{info.st_size}:{info.st_mtime_ns}"
        if stamp == etag:
            return FeedResponse(status=304, etag=etag)
        if info.st_size > max_bytes:
            raise InputError(str(path), f"too large ({info.st_size:,} bytes; the limit is {max_bytes:,})")
        return FeedResponse(status=200, body=path.read_bytes(), etag=stamp)
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from None


# --- options and reports ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchOptions:
    every: float = 900.0  # seconds between polls of a feed
    max_backoff: float = 6 * 3600.0  # the longest wait after failures
    fetch_links: bool = True  # read the page of an item with little text
    min_entry_words: int = 60
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_private_urls: bool = False  # read item pages on loopback or private networks too
    log: Path | None = Path("zopa-alerts.jsonl")  # the JSON Lines log (None: no log)
    webhook: str | None = None  # a URL that receives each alert as a JSON POST
    shifts: ShiftOptions = field(default_factory=ShiftOptions)
    corroboration: CorroborateOptions = field(default_factory=CorroborateOptions)

    def __post_init__(self) -> None:
        if self.every <= 0 or self.max_backoff <= 0:
            raise InputError("--every", "the poll interval and the longest backoff must be positive")
        if self.webhook is not None and not self.webhook.lower().startswith(("http://", "https://")):
            raise InputError("--webhook", f"{self.webhook!r} is not an http(s) URL")


@dataclass(frozen=True, slots=True, kw_only=True)
class PollReport(_Record):
    feed: str
    status: str  # fetched | not-modified | error
    items: int  # items in the feed
    new: int  # items analysed now
    alerts: tuple[int, ...]  # ids of the alerts raised
    problems: tuple[str, ...]  # items that could not be read, or why the poll failed
    next_check_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchReport(_Record):
    polls: tuple[PollReport, ...]
    delivered: int


# --- alerts from changes ---------------------------------------------------------------------------------


def alerts_from(changes: Changes, document: int) -> list[NewAlert]:
    """One alert per shift and contradiction, keyed by what changed and its two statements."""
    out = []
    for s in changes.shifts:
        out.append(_shift_alert(s, document))
    for c in changes.contradictions:
        out.append(_contradiction_alert(c, document))
    return out


def _shift_alert(s: Shift, document: int) -> NewAlert:
    return NewAlert(
        key=s.key,
        kind="shift",
        change=s.change,
        actor=s.actor,
        issue=s.issue,
        document=document,
        summary=s.summary,
        detail={
            "date": s.date.isoformat(),
            "delta": s.delta,
            "before": s.before.as_dict() if s.before else None,
            "after": s.after.as_dict(),
        },
    )


def _contradiction_alert(c: Contradiction, document: int) -> NewAlert:
    return NewAlert(
        key=c.key,
        kind="contradiction",
        change=c.change,
        actor=c.actor,
        issue=c.issue,
        document=document,
        summary=c.summary,
        detail={"days_apart": c.days_apart, "first": c.first.as_dict(), "second": c.second.as_dict()},
    )


def alert_json(alert: AlertRow) -> dict[str, Any]:
    """The JSON object logged and posted for an alert."""
    return {
        "id": alert.id,
        "key": alert.key,
        "kind": alert.kind,
        "change": alert.change,
        "actor": alert.actor,
        "issue": alert.issue,
        "document": alert.document,
        "feed": alert.feed,
        "summary": alert.summary,
        "created_at": alert.created_at.isoformat() + "Z",
        **alert.detail,
    }


def alert_line(alert: AlertRow) -> str:
    """The terminal line: time, kind and summary, and the document that brought it."""
    when = alert.created_at.strftime("%Y-%m-%d %H:%M:%S")
    return f"{when}Z {alert.kind}: {alert.summary} (doc {alert.document})"


# --- the watcher -----------------------------------------------------------------------------------------


def _item_key(article: Article) -> str:
    return hashlib.sha256(f"{article.content_hash}|{article.url or ''}".encode()).hexdigest()


class Watcher:
    """Polls ``feeds`` into ``db``; :meth:`run` loops until stopped, :meth:`poll` does one feed once."""

    def __init__(
        self,
        db: Database,
        feeds: Sequence[str],
        *,
        codebook: Codebook,
        options: WatchOptions | None = None,
        fetcher: FeedFetcher | None = None,
        page_fetcher: Fetcher | None = None,
        out: Callable[[str], None] = print,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if not feeds:
            raise InputError("watch", "give at least one feed (a URL or a feed file)")
        self.db = db
        self.feeds = list(dict.fromkeys(str(f) for f in feeds))
        self.codebook = codebook
        self.o = options or WatchOptions()
        self._own_fetcher = fetcher is None
        self.fetcher: FeedFetcher = fetcher or HttpxFeedFetcher()
        self.page_fetcher = page_fetcher
        self.out = out
        self.clock = clock
        self._recovered = False

    def close(self) -> None:
        if self._own_fetcher and isinstance(self.fetcher, HttpxFeedFetcher):
            self.fetcher.close()

    # one feed, once

    def poll(self, url: str, *, stop: threading.Event | None = None) -> PollReport:
        state = tracking.feed_state(self.db, url)
        now = self.clock()
        try:
            response = self.fetcher(
                url, etag=state.etag, last_modified=state.last_modified, max_bytes=self.o.max_bytes
            )
        except InputError as exc:
            return self._failed(state, now, str(exc), None)
        if response.status == 304:
            return self._done(state, now, "not-modified", response, items=0, new=0, alerts=[], problems=[])
        if response.status >= 400:
            return self._failed(state, now, f"{url}: HTTP {response.status}", response.retry_after)
        try:
            entries = list(parse_feed(response.body, url))
        except InputError as exc:
            return self._failed(state, now, str(exc), None)
        articles = [e for e in entries if isinstance(e, Article)]
        problems = [str(e) for e in entries if isinstance(e, InputError)]
        # oldest first: by date, undated in reverse feed order (feeds list the newest first)
        order = {id(a): n for n, a in enumerate(reversed(articles))}
        articles.sort(key=lambda a: (a.published is None, a.published or datetime.min, order[id(a)]))
        done = tracking.processed_items(self.db, state.id)
        alerts: list[int] = []
        new = 0
        for article in articles:
            if stop is not None and stop.is_set():
                break
            key = _item_key(article)
            if key in done:
                continue
            alerts += self._analyse(state, key, article, problems)
            done.add(key)
            new += 1
            self.deliver()
        if stop is not None and stop.is_set():  # not all items done: keep the old validators, poll again
            return self._done(
                state, now, "fetched", None, items=len(articles), new=new, alerts=alerts, problems=problems
            )
        return self._done(
            state, now, "fetched", response, items=len(articles), new=new, alerts=alerts, problems=problems
        )

    def _analyse(self, state: FeedState, key: str, entry: Article, problems: list[str]) -> list[int]:
        from zopa.pipeline import AnalyzeOptions, analyze_articles

        article = self._full_text(entry, problems)
        options = AnalyzeOptions(
            max_bytes=self.o.max_bytes,
            fetcher=self.page_fetcher,
            allow_private_urls=self.o.allow_private_urls,
        )
        report = analyze_articles([article], self.db, codebook=self.codebook, options=options)
        outcome = report.ingest.documents[0]
        failed = report.extract.errors
        changes = changes_for_document(
            self.db,
            outcome.document_id,
            codebook=self.codebook,
            options=self.o.shifts,
            corroborate_options=self.o.corroboration,
        )
        new_alerts = alerts_from(changes, outcome.document_id)
        with self.db.transaction() as conn:
            ids = tracking.record_item(
                conn,
                feed_id=state.id,
                item_key=key,
                title=article.title,
                link=article.url,
                document_id=outcome.document_id,
                status="failed" if failed else "analysed",
                problem=str(failed[0]) if failed else None,
                alerts=new_alerts,
                now=self.clock(),
            )
        problems.extend(str(p) for p in failed)
        return ids

    def _full_text(self, entry: Article, problems: list[str]) -> Article:
        """The entry, or its linked page when the entry holds only a summary."""
        if not self.o.fetch_links or not entry.url or len(entry.text.split()) >= self.o.min_entry_words:
            return entry
        if not entry.url.lower().startswith(("http://", "https://")):
            return entry
        options = ReadOptions(
            max_bytes=self.o.max_bytes,
            fetcher=self.page_fetcher,
            allow_private_urls=self.o.allow_private_urls,
        )
        for found in read_item(InputItem(source=entry.url, url=entry.url), options):
            if isinstance(found, InputError):
                problems.append(f"{found} (the feed's summary was analysed instead)")
                return entry
            return replace(
                found,
                title=found.title or entry.title,
                outlet=found.outlet or entry.outlet,
                published=found.published or entry.published,
                url=found.url or entry.url,
            )
        return entry

    def _done(
        self,
        state: FeedState,
        now: datetime,
        status: str,
        response: FeedResponse | None,
        *,
        items: int,
        new: int,
        alerts: list[int],
        problems: list[str],
    ) -> PollReport:
        next_at = now + timedelta(seconds=self.o.every)
        tracking.save_poll(
            self.db,
            state.id,
            checked_at=now,
            next_check_at=next_at,
            failures=0,
            status="304" if status == "not-modified" else "200",
            etag=response.etag if response else None,
            last_modified=response.last_modified if response else None,
            keep_validators=response is None or status == "not-modified",
        )
        return PollReport(
            feed=state.url,
            status=status,
            items=items,
            new=new,
            alerts=tuple(alerts),
            problems=tuple(problems),
            next_check_at=next_at,
        )

    def _failed(self, state: FeedState, now: datetime, problem: str, retry_after: float | None) -> PollReport:
        failures = state.failures + 1
        wait = min(self.o.every * 2**failures, self.o.max_backoff)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.o.max_backoff))
        next_at = now + timedelta(seconds=wait)
        tracking.save_poll(
            self.db,
            state.id,
            checked_at=now,
            next_check_at=next_at,
            failures=failures,
            status="error",
            error=problem,
        )
        return PollReport(
            feed=state.url,
            status="error",
            items=0,
            new=0,
            alerts=(),
            problems=(problem,),
            next_check_at=next_at,
        )

    # delivery

    def recover_log(self) -> int:
        """Mark as logged the pending alerts already in the log (a kill between writing and marking)."""
        self._recovered = True
        path = self.o.log
        pending = tracking.undelivered_alerts(self.db, webhook=False)
        if path is None or not pending or not path.exists():
            return 0
        wanted = {a.key: a.id for a in pending}
        found = []
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    key = json.loads(line).get("key")
                except (json.JSONDecodeError, AttributeError):
                    continue  # a line cut short by a kill
                if key in wanted:
                    found.append(wanted[key])
        tracking.mark_alerts(self.db, found, field="logged_at", when=self.clock())
        return len(found)

    def deliver(self) -> int:
        """Print, log and post the alerts not yet delivered; how many were newly logged."""
        if not self._recovered:
            self.recover_log()
        pending = tracking.undelivered_alerts(self.db, webhook=self.o.webhook is not None)
        logged = [a for a in pending if a.logged_at is None]
        if logged:
            if self.o.log is not None:
                self._append(logged)
            for alert in logged:
                self.out(alert_line(alert))
            tracking.mark_alerts(self.db, [a.id for a in logged], field="logged_at", when=self.clock())
        if self.o.webhook is not None:
            self._post([a for a in pending if a.posted_at is None])
        return len(logged)

    def _append(self, alerts: Sequence[AlertRow]) -> None:
        assert self.o.log is not None
        with self.o.log.open("a", encoding="utf-8") as fh:
            for alert in alerts:
                fh.write(json.dumps(alert_json(alert), ensure_ascii=False, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def _post(self, alerts: Sequence[AlertRow]) -> None:
        import httpx

        assert self.o.webhook is not None
        posted = []
        for alert in alerts:
            try:
                resp = httpx.post(
                    self.o.webhook, json=alert_json(alert), headers={"Idempotency-Key": alert.key}, timeout=20
                )
                ok = 200 <= resp.status_code < 300
                problem = f"HTTP {resp.status_code}"
            except httpx.HTTPError as exc:
                ok, problem = False, f"{type(exc).__name__}: {exc}"
            if ok:
                posted.append(alert.id)
            else:
                tracking.count_post_attempt(self.db, alert.id)
                self.out(
                    f"zopa watch: webhook {self.o.webhook}: alert {alert.id} not delivered ({problem}); "
                    "retried at the next poll"
                )
                break  # the hook is down: keep the order, try again later
        tracking.mark_alerts(self.db, posted, field="posted_at", when=self.clock())

    # the loop

    def run(self, *, once: bool = False, stop: threading.Event | None = None) -> WatchReport:
        """Poll every feed when it is due (``once``: each feed once, now) until ``stop`` is set."""
        stop = stop or threading.Event()
        polls: list[PollReport] = []
        delivered = self.deliver()
        if once:
            for url in self.feeds:
                if stop.is_set():
                    break
                polls.append(self._poll_reported(url, stop))
            return WatchReport(polls=tuple(polls), delivered=delivered + self.deliver())
        while not stop.is_set():
            now = self.clock()
            states = {url: tracking.feed_state(self.db, url) for url in self.feeds}
            for url, state in states.items():
                if stop.is_set():
                    break
                if state.next_check_at is None or state.next_check_at <= now:
                    polls.append(self._poll_reported(url, stop))
            delivered += self.deliver()
            due = [tracking.feed_state(self.db, url).next_check_at for url in self.feeds]
            wait = min(((d - self.clock()).total_seconds() for d in due if d is not None), default=0.0)
            stop.wait(max(min(wait, self.o.every), 0.05))
        return WatchReport(polls=tuple(polls), delivered=delivered)

    def _poll_reported(self, url: str, stop: threading.Event) -> PollReport:
        report = self.poll(url, stop=stop)
        for problem in report.problems:
            self.out(f"zopa watch: {problem}")
        return report
