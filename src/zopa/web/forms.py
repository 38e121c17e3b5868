"""Reading an ingest request (the dashboard's form or ``POST /api/v1/ingest``), after checking its token.

The same multipart or urlencoded fields serve both: ``files`` (any number of files), ``text`` with
optional ``title``, ``outlet``, ``published`` (YYYY-MM-DD) and ``source_url``, ``url`` (a feed or article
to fetch), and ``token`` when the client cannot send an ``Authorization: Bearer`` header.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from zopa.pipeline import AnalyzeOptions, AnalyzeReport
from zopa.web.security import bearer_token, check_token
from zopa.web.uploads import Pasted, Upload, ingest_web

MAX_FILES = 50
MAX_FIELD_CHARS = 2_000  # titles, outlets, URLs


@dataclass(frozen=True, slots=True)
class IngestRequest:
    uploads: tuple[Upload, ...]
    pasted: Pasted | None
    url: str | None


def _field(form: Any, name: str, *, limit: int = MAX_FIELD_CHARS) -> str | None:
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return None
    value = str(value).strip()
    if "\x00" in value or len(value) > limit:
        raise HTTPException(422, f"{name}: at most {limit} characters, no NUL")
    return value or None


async def read_ingest_request(request: Request) -> IngestRequest:
    """Check the token (401/403), then read the fields; 422 when a field is bad or nothing was sent."""
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
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES, max_part_size=max_upload)
    try:
        return await _read_fields(form, expected, header_token, max_upload)
    finally:
        await form.close()


async def _read_fields(
    form: Any, expected: str | None, header_token: str | None, max_upload: int
) -> IngestRequest:
    if header_token is None:
        check_token(expected, _field(form, "token"))
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
                day = date.fromisoformat(published)
            except ValueError:
                raise HTTPException(422, f"published: {published!r} is not a date (YYYY-MM-DD)") from None
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
