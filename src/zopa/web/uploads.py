"""Ingest from the web: uploaded files, pasted text and a feed or article URL, analysed like ``zopa analyze``.

Everything goes through the pipeline's own ingest path (``zopa.pipeline.analyze_articles``, the path of
``zopa analyze``): the same reading, size limit, de-duplication, one transaction per document and the kept
views refreshed at the end. Uploads are read from memory (``zopa.ingest.memory_item``): the name a browser
sends is only a label (its extension gives the format; it becomes the document's ``source`` as
``upload:<name>`` after being reduced to a plain file name) and never reaches the file system. A URL goes
through the pipeline's fetcher (http and https only).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from zopa.errors import InputError
from zopa.ingest import Fetcher, make_article, memory_item
from zopa.pipeline import AnalyzeOptions, AnalyzeReport, Source, analyze_articles

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file, in memory: the name the client gave (a label only) and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Pasted:
    """Text pasted into the form, with optional headline, outlet and publication date."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    url: str | None = None


def upload_label(filename: str) -> str:
    """``upload:<name>``: the last path component of what the client sent, reduced to safe characters."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = _UNSAFE.sub("_", name).strip(" .")[:100]
    return f"upload:{name or 'unnamed'}"


def web_inputs(uploads: Sequence[Upload], pasted: Pasted | None, url: str | None) -> list[Source]:
    """What a form sent, as the pipeline's inputs: each upload in memory (named ``upload:<name>``), the
    pasted text as an article, the URL; a pasted text or URL that cannot be used as its problem."""
    inputs: list[Source] = [memory_item(u.filename, u.data, source=upload_label(u.filename)) for u in uploads]
    if pasted is not None:
        try:
            inputs.append(
                make_article(
                    source="pasted",
                    title=pasted.title,
                    body=pasted.text,
                    raw=pasted.text,
                    fmt="text",
                    outlet=pasted.outlet,
                    published=pasted.published,
                    url=pasted.url,
                )
            )
        except InputError as exc:
            inputs.append(exc)
    if url:  # never a path: only a web address is fetched
        http = url.lower().startswith(("http://", "https://"))
        inputs.append(url if http else InputError(url[:200], "only http:// and https:// URLs can be fetched"))
    return inputs


def ingest_web(
    db: Database,
    *,
    codebook: Codebook,
    uploads: Sequence[Upload] = (),
    pasted: Pasted | None = None,
    url: str | None = None,
    options: AnalyzeOptions | None = None,
) -> AnalyzeReport:
    """Analyse what a web form or API call sent: files, pasted text and/or one http(s) URL (a feed or an
    article), through the pipeline's own path (:func:`zopa.pipeline.analyze_articles`). Unreadable inputs
    are reported in ``errors``; the others are stored with their evidence. Only the new documents are
    extracted (unlike ``analyze``, stored documents are left as they are)."""
    if not uploads and pasted is None and not url:
        raise InputError("ingest", "nothing to ingest: send a file, paste text or give a feed URL")
    return analyze_articles(web_inputs(uploads, pasted, url), db, codebook=codebook, options=options)


__all__ = ["Fetcher", "Pasted", "Upload", "ingest_web", "upload_label", "web_inputs"]
