"""A feed server on loopback for the watch tests: serves an RSS feed that tests change over time, answers
conditional requests (ETag, Last-Modified) with 304, can fail on demand, and records webhook POSTs."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FeedServer:
    """``url`` serves the current ``body``; ``fail(n, status, retry_after)`` makes the next n requests fail;
    ``hook_url`` accepts JSON POSTs (kept in ``posted``) unless ``hook_status`` says otherwise."""

    def __init__(self) -> None:
        self.body = ""
        self.pages: dict[str, str] = {}  # path -> HTML
        self.page_requests: list[str] = []
        self.version = 0
        self.requests: list[dict[str, str]] = []  # the headers of each feed request
        self.answers: list[int] = []
        self.posted: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.hook_status = 200
        self._failures: list[tuple[int, str | None]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return self.base + "/feed.xml"

    @property
    def hook_url(self) -> str:
        return self.base + "/hook"

    def publish(self, stories: Any) -> None:
        """Serve a feed of ``stories`` (tests/tracking_fixtures.py) and each story's page."""
        from tracking_fixtures import feed_xml, page_html

        with self._lock:
            self.body = feed_xml(tuple(stories), base=self.base)
            self.pages.update({f"/{s.slug}": page_html(s) for s in stories})
            self.version += 1

    def fail(self, times: int, status: int = 503, retry_after: str | None = None) -> None:
        with self._lock:
            self._failures += [(status, retry_after)] * times

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path != "/feed.xml":
                    page = server.pages.get(self.path)
                    server.page_requests.append(self.path)
                    if page is None:
                        self.send_error(404)
                        return
                    data = page.encode("utf-8")
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                with server._lock:
                    server.requests.append(dict(self.headers.items()))
                    failure = server._failures.pop(0) if server._failures else None
                    body, version = server.body.encode("utf-8"), server.version
                if failure is not None:
                    status, retry = failure
                    server.answers.append(status)
                    self.send_response(status)
                    if retry:
                        self.send_header("Retry-After", retry)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                modified = formatdate(1_700_000_000 + version * 60, usegmt=True)
                if self.headers.get("If-None-Match") == etag:
                    server.answers.append(304)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                server.answers.append(200)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    status = server.hook_status
                    if status < 300:
                        server.posted.append((dict(self.headers.items()), data))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()
