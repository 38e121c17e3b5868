"""Reading an ingest request (the dashboard's form or ``POST /api/v1/ingest``), after checking its token.

The same multipart or urlencoded fields serve both: ``files`` (any number of files), ``text`` with
optional ``title``, ``outlet``, ``published`` (YYYY-MM-DD) and ``source_url``, ``url`` (a feed or article
to fetch), and ``token`` when the client cannot send an ``Authorization: Bearer`` header.

The token is checked before the body is parsed: from the header, or from the form's first field, read
from the first bytes of the body (at most :data:`TOKEN_PREFIX_LIMIT`); a form whose first field is not the
token is refused with 401 without reading further. The dashboard's form puts the token first.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message

from zopa.ingest import MAX_YEAR, MIN_YEAR
from zopa.pipeline import AnalyzeOptions, AnalyzeReport
from zopa.web.security import bearer_token, check_token
from zopa.web.uploads import Pasted, Upload, ingest_web

MAX_FILES = 50
MAX_FIELD_CHARS = 2_000  # titles, outlets, URLs
TOKEN_PREFIX_LIMIT = 16_384  # bytes read, at most, to find a form's first field (the token)
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_FIELD_NAME = re.compile(rb'\bname="([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class IngestRequest:
    uploads: tuple[Upload, ...]
    pasted: Pasted | None
    url: str | None


def parse_day(value: str) -> date:
    """A filter day: YYYY-MM-DD only (pydantic alone would also read "0" as a Unix time), years 1900-2100
    (the years an article may carry; a day past 9999-12-30 cannot even be turned into a time range)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("a date must be written YYYY-MM-DD")
    day = date.fromisoformat(value)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"a date must be in the years {MIN_YEAR}-{MAX_YEAR}")
    return day


def _field(form: Any, name: str, *, limit: int = MAX_FIELD_CHARS) -> str | None:
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return None
    value = str(value).strip()
    if "\x00" in value or len(value) > limit:
        raise HTTPException(422, f"{name}: at most {limit} characters, no NUL")
    return value or None


async def read_ingest_request(request: Request) -> IngestRequest:
    """Check the token (401/403) before the body is parsed, then read the fields; 422 when a field is bad or
    nothing was sent."""
    expected: str | None = request.app.state.token
    header_token = bearer_token(request.headers)
    if header_token is not None:
        check_token(expected, header_token)
    max_upload: int = request.app.state.max_upload
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        if header_token is None:
            check_token(expected, None)  # a client with no token learns that first
        raise HTTPException(415, "send the ingest fields as multipart/form-data or a urlencoded form")
    if header_token is None:
        if not expected:  # read-only: refused (401, saying so) before a byte of the body is read
            check_token(expected, None)
        request = await _checked_form_token(request, expected, content_type)
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES, max_part_size=max_upload)
    try:
        return await _read_fields(form, max_upload)
    finally:
        await form.close()


async def _checked_form_token(request: Request, expected: str | None, content_type: str) -> Request:
    """Read the body up to its first field, which must be the token, and check it; the returned request
    replays the bytes read, so the form is parsed as sent."""
    stream: AsyncGenerator[bytes, None] = request.stream()
    head = bytearray()
    ended = False
    token: str | None = None
    while True:
        token, decided = _first_field_token(bytes(head), content_type, ended)
        if decided or len(head) > TOKEN_PREFIX_LIMIT:
            break
        try:
            head.extend(await stream.__anext__())
        except StopAsyncIteration:
            ended = True
    try:
        check_token(expected, token)  # None: 401, the first field is not the token
    except HTTPException:
        await stream.aclose()
        raise
    replayed = False

    async def receive() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": bytes(head), "more_body": not ended}
        try:
            chunk = await stream.__anext__()
        except StopAsyncIteration:
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    return Request(request.scope, receive)


def _first_field_token(head: bytes, content_type: str, ended: bool) -> tuple[str | None, bool]:
    """(the token, True) when the body's first field is ``token``; (None, True) when it is another field or
    there is none; (None, False) when more bytes are needed to tell."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        first, sep, _ = head.partition(b"&")
        if not sep and not ended:
            return None, False
        pairs = parse_qsl(first.decode("latin-1"), keep_blank_values=True)
        if pairs and pairs[0][0] == "token":
            return pairs[0][1].encode("latin-1").decode("utf-8", "replace"), True
        return None, True
    found = _BOUNDARY.search(content_type)
    if found is None:
        return None, True
    delimiter = b"--" + found.group(1).encode("latin-1")
    start = head.find(delimiter)
    headers_end = head.find(b"\r\n\r\n", start) if start >= 0 else -1
    if headers_end < 0:
        return None, ended
    name = _FIELD_NAME.search(head[start:headers_end])
    if name is None or name.group(1) != b"token":
        return None, True
    value_end = head.find(b"\r\n" + delimiter, headers_end + 4)
    if value_end < 0:
        return None, ended
    return head[headers_end + 4 : value_end].decode("utf-8", "replace"), True


async def _read_fields(form: Any, max_upload: int) -> IngestRequest:
    uploads = []
    for item in form.getlist("files"):
        if not isinstance(item, UploadFile):
            continue
        data = await item.read()
        if data or item.filename:
            uploads.append(Upload(item.filename or "", data))
    pasted = None
    text = _field(form, "text", limit=max_upload)
    if text is not None:
        published = _field(form, "published")
        day = None
        if published is not None:
            try:
                day = parse_day(published)
            except ValueError as exc:
                raise HTTPException(422, f"published: {published!r}: {exc}") from None
        source_url = _field(form, "source_url")
        if source_url is not None and not source_url.lower().startswith(("http://", "https://")):
            raise HTTPException(422, "source_url: only http:// and https:// addresses")
        pasted = Pasted(
            text=text,
            title=_field(form, "title"),
            outlet=_field(form, "outlet"),
            published=datetime.combine(day, datetime.min.time()) if day else None,
            url=source_url,
        )
    url = _field(form, "url")
    if not uploads and pasted is None and url is None:
        raise HTTPException(422, "nothing to ingest: send a file, paste text or give a feed URL")
    return IngestRequest(tuple(uploads), pasted, url)


async def run_ingest(request: Request, job: IngestRequest) -> AnalyzeReport:
    """Analyse the request's articles off the event loop (extraction takes a while)."""
    state = request.app.state
    options = AnalyzeOptions(max_bytes=state.max_upload, fetcher=state.fetcher)
    codebook = await run_in_threadpool(state.codebook)
    report: AnalyzeReport = await run_in_threadpool(
        lambda: ingest_web(
            state.db, codebook=codebook, uploads=job.uploads, pasted=job.pasted, url=job.url, options=options
        )
    )
    return report
