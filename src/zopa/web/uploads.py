"""Ingest from the web: uploaded files, pasted text and a feed or article URL, analysed like ``zopa analyze``.

Uploads are parsed from memory (``zopa.ingest.read_memory``): the name a browser sends is only a label (it
becomes the document's ``source`` as ``upload:<name>`` after being reduced to a plain file name) and never
reaches the file system. A URL goes through the pipeline's fetcher (http and https only). Each document is
extracted with the codebook and stored with its evidence in one transaction
(``zopa.pipeline.analyze_articles``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from zopa.errors import InputError
from zopa.ingest import (
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    Fetcher,
    make_article,
    read_inputs,
    read_memory,
)
from zopa.pipeline import AnalyzeOptions, AnalyzeReport, InputProblem, analyze_articles
from zopa.records import Article

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


def _format_of(filename: str) -> str | None:
    suffix = PurePosixPath(filename.lower()).suffix
    for fmt, suffixes in (
        ("text", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
        ("feed", FEED_SUFFIXES),
    ):
        if suffix in suffixes:
            return fmt
    return None  # sniffed from the content


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
    article). Unreadable inputs are reported in ``errors``; the others are stored with their evidence.
    Only the new documents are extracted (unlike ``analyze``, stored documents are left as they are)."""
    options = options or AnalyzeOptions()
    if not uploads and pasted is None and not url:
        raise InputError("ingest", "nothing to ingest: send a file, paste text or give a feed URL")
    articles: list[Article] = []
    errors: list[InputProblem] = []
    for upload in uploads:
        label = upload_label(upload.filename)
        if len(upload.data) > options.max_bytes:
            errors.append(
                InputProblem(source=label, problem=f"larger than the limit of {options.max_bytes} bytes")
            )
            continue
        for result in read_memory(upload.data, source=label, fmt=_format_of(upload.filename)):
            if isinstance(result, InputError):  # one bad line or entry: the upload's other articles go on
                errors.append(InputProblem(source=result.source, problem=result.problem))
            else:
                articles.append(result)
    if pasted is not None:
        try:
            articles.append(
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
            errors.append(InputProblem(source="pasted", problem=exc.problem))

    if url:
        if not url.lower().startswith(("http://", "https://")):
            errors.append(
                InputProblem(source=url[:200], problem="only http:// and https:// URLs can be fetched")
            )
        else:
            for result in read_inputs([url], options.read_options()):
                if isinstance(result, InputError):
                    errors.append(InputProblem(source=result.source, problem=result.problem))
                else:
                    articles.append(result)

    report = analyze_articles(articles, db, codebook=codebook, options=options)
    return replace(report, ingest=replace(report.ingest, errors=tuple(errors) + report.ingest.errors))


__all__ = ["Fetcher", "Pasted", "Upload", "ingest_web", "upload_label"]
