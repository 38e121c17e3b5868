"""Reading articles: plain text, HTML, JSON Lines, RSS/Atom feeds, folders, standard input and URLs.

:func:`read_inputs` turns what a user names (paths, ``-``, ``http(s)://`` URLs) into cleaned
:class:`zopa.records.Article` records. It never stops at a bad input: each problem is yielded as an
:class:`zopa.errors.InputError` naming the input, and the next input is read.

- ``.txt`` (and ``.text``, ``.md``): the first non-empty line is the headline, the rest the article.
- ``.html`` / ``.htm``: trafilatura extracts the article text and its metadata (title, date, site name, URL).
- ``.jsonl`` / ``.ndjson``: one article per line with ``title``, ``text`` or ``html``, ``url``, ``published``,
  ``outlet``; the source of line N is ``path#N``.
- ``.xml`` / ``.rss`` / ``.atom`` / ``.rdf``: feeds through feedparser; entry N's source is ``feed#N``.
- ``.gz`` of any of these is read transparently (the size limit applies to the uncompressed text).
- Folders are read recursively (files with the extensions above; hidden files and others are skipped).
  A file named explicitly with another extension, standard input, and URLs are recognised by their content.
- URLs go through a :class:`Fetcher` (default: httpx); tests use :class:`CannedFetcher` (no network).

Every input is checked before it is parsed: the size limit (default 20 MB, checked on the file size before
reading), binary content, and the encoding (UTF-8, else windows-1252 when it reads as well as
charset-normalizer's best guess, else that guess; UTF-8 with corrupt byte sequences is refused rather
than silently mangled).

Each item (a file, a feed entry, a JSON line, a URL) is read on its own: whatever goes wrong with it, an
exception from a library included, becomes one :class:`InputError` naming the item, and the next item is read.
Limits keep every item's work bounded: a paragraph of at most :data:`MAX_LINE_CHARS` characters, JSON nested
no deeper than Python's recursion limit, publication dates from 1900 to 2100. In a folder, symbolic links are
followed only when they point inside the folder.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePath
from typing import Any, BinaryIO, Protocol

from zopa.clean import clean_text
from zopa.dedupe import content_hash
from zopa.errors import InputError, describe
from zopa.records import Article

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# HTML whose extracted text is shorter than this, or has no line of at least this many words, holds no article
# (trafilatura falls back to whatever text a page has: menus, captions).
MIN_HTML_WORDS = 12
MIN_HTML_LINE_WORDS = 6
TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES

_VALID_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# When charset-normalizer's best guess reads no better than these, they win: windows-1252 is the web's usual
# legacy encoding (WHATWG), and short Western texts tie with Baltic or Cyrillic code pages on its scores.
_PREFERRED_LEGACY = ("cp1252", "latin_1")
_CHAOS_MARGIN = 0.02
MAX_LINE_CHARS = 100_000  # a longer "paragraph" is not article text (and costs every later stage)
MIN_YEAR, MAX_YEAR = 1900, 2100
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_SHOWN_ESCAPES = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


# --- fetching --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetcher got for a URL: the final URL, the content type and the body."""

    url: str
    body: bytes
    content_type: str = ""
    status: int = 200


class Fetcher(Protocol):
    """Gets a URL's body, refusing bodies over ``max_bytes``; raises :class:`InputError` on failure."""

    def __call__(self, url: str, *, max_bytes: int) -> FetchResult: ...


class HttpxFetcher:
    """The default fetcher: httpx, following redirects, streaming so an oversized body is refused early.

    Addresses that are not public (loopback, link-local, private networks, reserved ranges) are refused before
    any connection, on every redirect too, with one message for all of them, so a URL given to a server
    cannot probe the machine or its network; ``allow_private=True`` (``--allow-private-urls``) fetches them.
    """

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        user_agent: str = "zopa (news analysis)",
        allow_private: bool = False,
        transport: Any = None,  # an httpx transport (tests: httpx.MockTransport)
        resolve: Callable[[str], list[str]] | None = None,  # host -> addresses (tests inject one)
    ) -> None:
        self.timeout = timeout
        self.user_agent = user_agent
        self.allow_private = allow_private
        self.transport = transport
        self.resolve = resolve or _resolve

    def check_address(self, url: str, host: str) -> None:
        """Raise :class:`InputError` when ``host`` is, or resolves to, an address that is not public."""
        if self.allow_private:
            return
        try:
            addresses = self.resolve(host)
        except OSError:
            raise InputError(url, "cannot fetch (the host name does not resolve)") from None
        if not addresses or any(not _public(a) for a in addresses):
            raise InputError(url, PRIVATE_ADDRESS)

    def __call__(self, url: str, *, max_bytes: int) -> FetchResult:
        import httpx

        def check(request: httpx.Request) -> None:
            self.check_address(url, request.url.host)

        try:
            with (
                httpx.Client(
                    follow_redirects=True,
                    timeout=self.timeout,
                    headers={"User-Agent": self.user_agent},
                    transport=self.transport,
                    event_hooks={"request": [check]},
                ) as client,
                client.stream("GET", url) as resp,
            ):
                if resp.status_code >= 400:
                    raise InputError(url, f"HTTP {resp.status_code} {resp.reason_phrase}")
                declared = resp.headers.get("content-length")
                if declared and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
                    raise InputError(url, f"too large ({int(declared):,} bytes; the limit is {max_bytes:,})")
                chunks = bytearray()
                for chunk in resp.iter_bytes():
                    chunks.extend(chunk)
                    if len(chunks) > max_bytes:
                        raise InputError(url, f"too large (over the limit of {max_bytes:,} bytes)")
                return FetchResult(
                    url=str(resp.url),
                    body=bytes(chunks),
                    content_type=resp.headers.get("content-type", ""),
                    status=resp.status_code,
                )
        except httpx.HTTPError as exc:
            raise InputError(url, f"cannot fetch ({type(exc).__name__}: {exc})") from None
        except httpx.InvalidURL as exc:
            raise InputError(url, f"not a URL that can be fetched ({exc})") from None


PRIVATE_ADDRESS = (
    "refused: not a public address (loopback, link-local, private or reserved network); "
    "use --allow-private-urls to fetch from this machine or its network"
)


def _resolve(host: str) -> list[str]:
    import socket

    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


def _public(address: str) -> bool:
    import ipaddress

    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class CannedFetcher:
    """Answers from a mapping URL -> body (bytes, str) or :class:`FetchResult`: for tests and offline runs.

    A URL not in the mapping is an :class:`InputError` ("HTTP 404"), as a server would answer.
    """

    def __init__(self, responses: Mapping[str, FetchResult | bytes | str]) -> None:
        self.responses = dict(responses)
        self.requested: list[str] = []

    def __call__(self, url: str, *, max_bytes: int) -> FetchResult:
        self.requested.append(url)
        if url not in self.responses:
            raise InputError(url, "HTTP 404 Not Found")
        found = self.responses[url]
        if isinstance(found, FetchResult):
            result = found
        else:
            body = found.encode("utf-8") if isinstance(found, str) else found
            result = FetchResult(url=url, body=body)
        if result.status >= 400:
            raise InputError(url, f"HTTP {result.status}")
        if len(result.body) > max_bytes:
            raise InputError(url, f"too large ({len(result.body):,} bytes; the limit is {max_bytes:,})")
        return result


# --- options ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """How inputs are read: the per-document size limit, the fetcher for URLs, standard input."""

    max_bytes: int = DEFAULT_MAX_BYTES
    fetcher: Fetcher | None = None  # None: HttpxFetcher, created on first URL
    allow_private_urls: bool = False  # HttpxFetcher: also fetch loopback and private-network addresses
    stdin: BinaryIO | None = None  # None: sys.stdin.buffer
    favor_precision: bool = False  # passed to trafilatura for HTML


@dataclass(frozen=True, slots=True)
class InputItem:
    """One thing to read: a file, standard input, a URL or bytes already in memory (an upload), before it
    is parsed."""

    source: str
    path: Path | None = None
    url: str | None = None
    stdin: bool = False
    fmt: str | None = None  # known format from the file name, None: sniff the content
    data: bytes | None = field(default=None, repr=False)  # in memory: read as a file named ``source``


def memory_item(name: str, data: bytes, *, source: str | None = None) -> InputItem:
    """Bytes in memory (an upload) read as a file called ``name`` would be: the format from its extension
    (``.gz`` unpacked), the size limit applied; ``source``: its name in the store (default ``name``)."""
    return InputItem(source=source or shown(name), fmt=_format_for(PurePath(name)), data=data)


# --- expanding inputs ------------------------------------------------------------------------------------


def _format_for(path: PurePath) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in TEXT_SUFFIXES:
        return "text"
    if last in HTML_SUFFIXES:
        return "html"
    if last in JSONL_SUFFIXES:
        return "jsonl"
    if last in FEED_SUFFIXES:
        return "feed"
    return None


def shown(name: str | Path) -> str:
    """A name as it is printed and stored: bytes that are not UTF-8 and control characters (a newline in a
    file name) written as escapes, so every message stays one line and every name can be stored."""
    raw = os.fsencode(name) if isinstance(name, Path) else name.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "backslashreplace")
    return _SHOWN_ESCAPES.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _folder_entry(root: Path, real_root: Path, child: Path) -> InputItem | InputError | None:
    """What a file found in a folder is: an item to read, a problem to report, or None (skipped)."""
    fmt = _format_for(child)
    if fmt is None:
        return None
    if child.is_symlink():
        try:
            target = child.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            why = "a loop" if isinstance(exc, RuntimeError) or "loop" in str(exc).lower() else "broken"
            return InputError(shown(child), f"symbolic link is {why}; not followed")
        if not target.is_relative_to(real_root):
            return InputError(
                shown(child),
                f"symbolic link to {shown(target)}, outside the folder {shown(root)}; not followed",
            )
    try:
        regular = child.is_file()
    except OSError as exc:
        return InputError(shown(child), f"cannot read ({exc.__class__.__name__}: {exc})")
    if not regular:
        return InputError(shown(child), "not a regular file (a FIFO, device or folder); not read")
    return InputItem(source=shown(child), path=child, fmt=fmt)


def expand_inputs(inputs: Iterable[str | Path | InputItem]) -> Iterator[InputItem | InputError]:
    """Files, folders (recursive, known extensions only), ``-``, URLs and items in memory, in a stable
    order."""
    for given in inputs:
        if isinstance(given, InputItem):
            yield given
            continue
        raw = str(given)
        if raw == "-":
            yield InputItem(source="-", stdin=True)
            continue
        if raw.lower().startswith(("http://", "https://")):
            yield InputItem(source=shown(raw), url=raw)
            continue
        path = Path(raw).expanduser()
        if path.is_dir():
            found = False
            real_root = path.resolve()
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                entry = _folder_entry(path, real_root, child)
                if entry is None:
                    continue
                found = True
                yield entry
            if not found:
                yield InputError(shown(path), "folder holds no articles (.txt, .html, .jsonl, feeds)")
        elif path.is_file():
            yield InputItem(source=shown(path), path=path, fmt=_format_for(path))
        elif path.is_symlink() and not path.exists():
            yield InputError(shown(path), "symbolic link is broken or a loop; not followed")
        elif path.exists():
            yield InputError(shown(path), "not a regular file (a FIFO, device or folder); not read")
        else:
            yield InputError(shown(path), "no such file or folder")


# --- bytes to text ---------------------------------------------------------------------------------------


def _read_limited(stream: BinaryIO | io.BufferedIOBase, source: str, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(source, f"too large (over the limit of {max_bytes:,} bytes)")
    return data


def _read_bytes(item: InputItem, options: ReadOptions) -> tuple[bytes, str, str | None, str | None]:
    """(body, source, url, content type) for an input, with the size limit applied before reading."""
    if item.data is not None:
        if len(item.data) > options.max_bytes:
            raise InputError(
                item.source, f"too large ({len(item.data):,} bytes; the limit is {options.max_bytes:,})"
            )
        if not item.source.lower().endswith(".gz"):
            return item.data, item.source, None, None
        try:
            with gzip.open(io.BytesIO(item.data), "rb") as fh:
                return _read_limited(fh, item.source, options.max_bytes), item.source, None, None
        except (OSError, EOFError) as exc:
            raise InputError(item.source, f"cannot read ({exc.__class__.__name__}: {exc})") from None
    if item.stdin:
        stream = options.stdin if options.stdin is not None else sys.stdin.buffer
        return _read_limited(stream, item.source, options.max_bytes), item.source, None, None
    if item.url is not None:
        fetcher = options.fetcher
        if fetcher is None:
            fetcher = HttpxFetcher(allow_private=options.allow_private_urls)
        result = fetcher(item.url, max_bytes=options.max_bytes)
        return result.body, item.source, result.url, result.content_type
    assert item.path is not None
    path = item.path
    try:
        size = path.stat().st_size
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as fh:
                return _read_limited(fh, item.source, options.max_bytes), item.source, None, None
        if size > options.max_bytes:
            raise InputError(item.source, f"too large ({size:,} bytes; the limit is {options.max_bytes:,})")
        with path.open("rb") as fh:
            return _read_limited(fh, item.source, options.max_bytes), item.source, None, None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(item.source, f"cannot read ({exc.__class__.__name__}: {exc})") from None


def decode(data: bytes, source: str) -> str:
    """Bytes to text: refuse empty and binary input; UTF-8 first, else what charset-normalizer finds."""
    if not data.strip():
        raise InputError(source, "empty file (no text)")
    has_bom = data.startswith(_BOMS)
    if not has_bom and b"\x00" in data:
        raise InputError(
            source, f"binary file, not text (it contains NUL bytes, the first at byte {data.index(0):,})"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _VALID_UTF8_MULTIBYTE.search(data) and not has_bom:
            raise InputError(
                source,
                f"invalid UTF-8 (corrupt byte sequence at byte {exc.start}); re-save the file as UTF-8",
            ) from None
        text = _decode_legacy(data, source)
    if not text.strip():
        raise InputError(source, "empty file (no text)")
    if "\x00" in text:
        raise InputError(source, f"binary file, not text (a NUL character at character {text.index(chr(0))})")
    sample = text[:8192]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(source, "binary file, not text (too many control characters)")
    return text


def _decode_legacy(data: bytes, source: str) -> str:
    """Text that is not UTF-8: windows-1252 (or Latin-1) when it reads as cleanly as charset-normalizer's
    best guess, else that guess (a Baltic or Cyrillic code page only when Western ones read worse)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(source, "binary file, not text (no text encoding fits it)")
    for encoding in _PREFERRED_LEGACY:
        western = from_bytes(data, cp_isolation=[encoding]).best()
        if western is not None and western.chaos <= best.chaos + _CHAOS_MARGIN:
            return str(western)
    return str(best)


def _sniff(text: str, content_type: str | None) -> str:
    ctype = (content_type or "").lower()
    if "html" in ctype:
        return "html"
    if any(k in ctype for k in ("rss", "atom", "xml")):
        return "feed"
    if "json" in ctype:
        return "jsonl"
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head or "<head" in head:
        return "html"
    if head.startswith("<?xml") or head.startswith(("<rss", "<feed", "<rdf")):
        return "html" if "<html" in head else "feed"
    if head.startswith("{"):
        return "jsonl"
    return "text"


# --- dates -----------------------------------------------------------------------------------------------


def parse_published(value: Any, source: str) -> datetime | None:
    """An ISO 8601 date/time or an RFC 2822 date (as in feeds) -> naive UTC datetime; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, bool):
        raise InputError(source, f"published: {value!r} is not a date (use ISO 8601, e.g. 2025-12-17)")
    elif isinstance(value, int | float):
        try:  # Unix seconds
            parsed = datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, ValueError, OSError):  # NaN, infinity, beyond the years a datetime holds
            parsed = datetime.min
    else:
        raw = str(value).strip()
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = parsedate_to_datetime(raw)
            except (TypeError, ValueError, IndexError, OverflowError):
                raise InputError(
                    source, f"published: {raw[:60]!r} is not a date (use ISO 8601, e.g. 2025-12-17)"
                ) from None
    return check_published(parsed, value, source)


class DateOutOfRange(InputError):
    """A publication date outside the years zopa accepts: the item is refused, not stored undated."""


def check_published(parsed: datetime, value: Any, source: str) -> datetime:
    """``parsed`` as naive UTC, or :class:`DateOutOfRange` (showing ``value``) outside years 1900-2100."""
    try:
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):
        parsed = datetime.min
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        given = str(value)[:60]
        raise DateOutOfRange(source, f"published: {given!r} is out of range (years {MIN_YEAR}-{MAX_YEAR})")
    return parsed


# --- building articles -----------------------------------------------------------------------------------


def make_article(
    *,
    source: str,
    title: str | None,
    body: str,
    raw: str,
    fmt: str,
    outlet: str | None = None,
    published: datetime | None = None,
    url: str | None = None,
    headline_in_text: bool = True,
    published_source: str | None = None,
) -> Article:
    """Clean the body and build the record; refuse an article without text, with a paragraph over
    :data:`MAX_LINE_CHARS` characters, or with characters no database stores (NUL, lone surrogates). Without a
    title the first line is the headline when ``headline_in_text`` (a plain-text file); else the title stays
    empty and the text whole (a JSON line without a title: its first line is whatever the page began with).
    Without a date from metadata, the date comes from the text (:func:`_dated`)."""
    for name, value in (("text", body), ("title", title), ("outlet", outlet), ("url", url)):
        if value and _BAD_CHARS.search(value):
            bad = _BAD_CHARS.search(value)
            assert bad is not None
            raise InputError(
                source, f"{name}: character U+{ord(bad.group()):04X} at {bad.start()} is not text; refused"
            )
    longest = max((len(line) for line in body.split("\n")), default=0)
    if longest > MAX_LINE_CHARS:
        raise InputError(
            source, f"a paragraph of {longest:,} characters (the limit is {MAX_LINE_CHARS:,}): not an article"
        )
    published, published_source = _dated(body, url, published, published_source)
    cleaned = clean_text(body).text
    headline = " ".join((title or "").split())
    if not headline and headline_in_text:
        first, _, rest = cleaned.partition("\n")
        headline, cleaned = first.strip(), rest.strip("\n") if rest.strip() else cleaned
    if not cleaned.strip():
        raise InputError(source, "no article text (only boilerplate or a headline)")
    return Article(
        source=source,
        title=headline[:500],
        text=cleaned,
        raw=raw,
        outlet=(outlet or None),
        published=published,
        url=url,
        format=fmt,
        content_hash=content_hash(cleaned),
        published_source=published_source if published is not None else None,
    )


def _dated(
    body: str, url: str | None, published: datetime | None, source: str | None
) -> tuple[datetime | None, str | None]:
    """The article's date and where it came from: the metadata's, else one found in the text or URL
    (:func:`zopa.dating.find_date`), else none."""
    if published is not None:
        return published, source or "metadata"
    from zopa.dating import find_date

    found = find_date(body, url=url)
    return (found.when, found.source) if found else (None, None)


def parse_text(text: str, source: str) -> Article:
    """Plain text: an optional ``---`` front-matter header (title, date, outlet, url), an optional first line
    holding the article's URL and a date line (:mod:`zopa.dating`); then the first non-empty line is the
    headline."""
    from zopa.dating import date_line, front_matter, leading_url, source_line_outlet

    text_n = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict[str, Any] = {}
    header = front_matter(text_n)
    if header is not None:
        meta, text_n = header
    lines = text_n.split("\n")
    url = meta.get("url") or meta.get("link")
    published = parse_published(meta.get("date") or meta.get("published"), f"{source}: front matter")
    published_source = "front-matter" if published is not None else None
    opening = leading_url(lines) if header is None else None
    if opening is not None:  # a text that opens with its URL, then (maybe) a line with the outlet and date
        url = opening[0]
        lines = lines[opening[1] + 1 :]
        at = next((k for k, line in enumerate(lines) if line.strip()), None)
        found = date_line(lines[at : at + 1]) if at is not None else None
        if found is not None and at is not None and published is None:
            published, published_source = datetime(*found[0].timetuple()[:3]), "date-line"
            lines = lines[at + 1 :]
            meta.setdefault("outlet", source_line_outlet(found[1]))
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    title = str(meta.get("title") or "").strip()
    if index is None and not title:
        raise InputError(source, "empty file (no text)")
    if not title:
        assert index is not None
        title = lines[index].strip()
        lines = lines[index + 1 :]
    body = "\n".join(lines)
    if not body.strip():
        raise InputError(source, "only a headline, no article text")
    outlet = meta.get("outlet") or meta.get("source") or meta.get("publisher")
    return make_article(
        source=source,
        title=title,
        body=body,
        raw=text,
        fmt="text",
        outlet=str(outlet) if outlet else None,
        published=published,
        url=str(url) if url else None,
        published_source=published_source,
    )


def _word_count(text: str) -> int:
    """Words, counting each Chinese, Japanese or Korean character as one (those scripts use no spaces)."""
    return len(text.split()) + len(_CJK.findall(text))


def parse_html(
    html: str,
    source: str,
    *,
    url: str | None = None,
    favor_precision: bool = False,
    outlet: str | None = None,
    title: str | None = None,
    published: datetime | None = None,
) -> Article:
    """HTML through trafilatura: the article text, title, date, site name and URL."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=favor_precision,
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise InputError(source, f"HTML cannot be parsed ({exc})") from None
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise InputError(source, "no article text found in the HTML")
    longest = max((_word_count(line) for line in text.splitlines()), default=0)
    if _word_count(text) < MIN_HTML_WORDS or longest < MIN_HTML_LINE_WORDS:
        raise InputError(
            source, f"no article text found in the HTML (only {_word_count(text)} words of menus or captions)"
        )
    when = published
    found_date = getattr(doc, "date", None)
    if when is None and found_date:
        try:
            when = parse_published(found_date, source)
        except DateOutOfRange:
            raise
        except InputError:
            when = None
    return make_article(
        source=source,
        title=title or getattr(doc, "title", None),
        body=text,
        raw=html,
        fmt="html",
        outlet=outlet or getattr(doc, "sitename", None),
        published=when,
        url=url or getattr(doc, "url", None),
    )


def parse_jsonl(text: str, source: str, *, favor_precision: bool = False) -> Iterator[Article | InputError]:
    """JSON Lines, one article a line: ``title``, ``text`` or ``html``, ``url``, ``published``, ``outlet``."""
    any_line = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        any_line = True
        where = f"{source}#{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield InputError(where, f"JSON nested too deeply (over {sys.getrecursionlimit():,} levels)")
            continue
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            yield InputError(where, f"not valid JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            yield InputError(where, "each line must be a JSON object with 'title' and 'text' or 'html'")
            continue
        try:
            published = parse_published(obj.get("published"), where)
            title = obj.get("title")
            if title is not None and not isinstance(title, str):
                raise InputError(where, "title must be a string")
            outlet = obj.get("outlet") if isinstance(obj.get("outlet"), str) else None
            url = obj.get("url") if isinstance(obj.get("url"), str) else None
            if isinstance(obj.get("text"), str) and obj["text"].strip():
                body = obj["text"]
                yield make_article(
                    source=where,
                    title=title,
                    headline_in_text=False,
                    body=body,
                    raw=line,
                    fmt="jsonl",
                    outlet=outlet,
                    published=published,
                    url=url,
                )
            elif isinstance(obj.get("html"), str) and obj["html"].strip():
                yield parse_html(
                    obj["html"],
                    where,
                    url=url,
                    favor_precision=favor_precision,
                    outlet=outlet,
                    title=title,
                    published=published,
                )
            else:
                yield InputError(where, "no 'text' or 'html' field with an article")
        except InputError as exc:
            yield exc
        except Exception as exc:  # one line's failure must not cost the others
            yield _unexpected(where, exc)
    if not any_line:
        yield InputError(source, "empty file (no JSON lines)")


def _html_fragment_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed entry's content), one paragraph per block element."""
    if "<" not in fragment:
        return fragment
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except (ValueError, lxml.etree.ParserError):
        return re.sub(r"<[^>]+>", " ", fragment)
    for tag in root.iter("script", "style"):
        tag.drop_tree()
    for block in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote"):
        block.tail = "\n\n" + (block.tail or "")
    return root.text_content()


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _valid_char_refs(data: bytes) -> bytes:
    """Numeric character references to what is not a character (``&#1114112;``, a surrogate, NUL) become
    U+FFFD, as HTML parsers do: one bad reference must not make the whole feed unreadable."""

    def fix(m: re.Match[bytes]) -> bytes:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return b"&#xFFFD;"
        return m.group()

    return _CHAR_REF.sub(fix, data)


def parse_feed(data: bytes, source: str) -> Iterator[Article | InputError]:
    """RSS/Atom: each entry with text (content or summary) is an article; a malformed feed is refused."""
    import feedparser

    try:
        parsed = feedparser.parse(_valid_char_refs(data))
    except Exception as exc:  # feedparser raises what its parsers raise
        raise _unexpected(source, exc, what="feed cannot be parsed") from None
    bozo = parsed.get("bozo_exception")
    benign = (feedparser.CharacterEncodingOverride,)
    if parsed.get("bozo") and bozo is not None and not isinstance(bozo, benign):
        raise InputError(source, f"malformed or truncated feed ({bozo})")
    if not parsed.get("version") and not parsed.entries:
        raise InputError(source, "not an RSS or Atom feed")
    if not parsed.entries:
        raise InputError(source, "feed has no entries")
    outlet = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{source}#{number}"
        contents = entry.get("content") or []
        html = contents[0].get("value", "") if contents else ""
        html = html or entry.get("summary", "") or entry.get("description", "")
        try:
            body = _html_fragment_text(html)
            when = None
            for key in ("published", "updated", "created"):
                if entry.get(key):
                    try:
                        when = parse_published(entry.get(key), where)
                    except DateOutOfRange:
                        raise
                    except InputError:  # a date feedparser could not read either: the entry stays undated
                        when = None
                    if when is not None:
                        break
            yield make_article(
                source=where,
                title=entry.get("title"),
                body=body,
                raw=html,
                fmt="feed",
                outlet=outlet,
                published=when,
                url=entry.get("link"),
            )
        except InputError as exc:
            yield exc
        except Exception as exc:  # one entry's failure must not cost the others
            yield _unexpected(where, exc)


def read_item(item: InputItem, options: ReadOptions) -> Iterator[Article | InputError]:
    """Read one input; errors are yielded, never raised."""
    try:
        data, source, url, ctype = _read_bytes(item, options)
        if item.fmt == "feed" or (item.fmt is None and _sniff(data[:512].decode("latin-1"), ctype) == "feed"):
            yield from parse_feed(data, source)
            return
        text = decode(data, source)
        fmt = item.fmt or _sniff(text, ctype)
        if fmt == "html":
            yield parse_html(text, source, url=url, favor_precision=options.favor_precision)
        elif fmt == "jsonl":
            yield from parse_jsonl(text, source, favor_precision=options.favor_precision)
        else:
            article = parse_text(text, source)
            yield article if url is None else _with_url(article, url)
    except InputError as exc:
        yield exc
    except Exception as exc:  # a library's failure on one input must not stop the run
        yield _unexpected(item.source, exc)


def _unexpected(source: str, exc: BaseException, *, what: str = "cannot be read") -> InputError:
    """An exception no parser should raise, as the item's one-line problem (the type says where to look)."""
    if isinstance(exc, RecursionError):
        return InputError(source, f"{what}: nested too deeply")
    return InputError(source, f"{what} ({describe(exc)})")


def _with_url(article: Article, url: str) -> Article:
    data = {k: getattr(article, k) for k in article.__dataclass_fields__}
    data["url"] = url
    return Article(**data)


def read_inputs(
    inputs: Iterable[str | Path],
    options: ReadOptions | None = None,
    *,
    on_item: Callable[[InputItem], None] | None = None,
) -> Iterator[Article | InputError]:
    """Every article in ``inputs`` (cleaned), and an :class:`InputError` for each unreadable input."""
    options = options or ReadOptions()
    for item in expand_inputs(inputs):
        if isinstance(item, InputError):
            yield item
            continue
        if on_item is not None:
            on_item(item)
        yield from read_item(item, options)


def read_memory(
    text_or_bytes: str | bytes, *, source: str = "<text>", fmt: str | None = None
) -> Iterator[Article | InputError]:
    """Every article in an in-memory document (an upload, pasted text), and an error for each bad item."""
    data = text_or_bytes.encode("utf-8", "surrogatepass") if isinstance(text_or_bytes, str) else text_or_bytes
    yield from read_item(
        InputItem(source=source, fmt=fmt, data=data), ReadOptions(max_bytes=max(len(data), 1))
    )


def read_one(text_or_bytes: str | bytes, *, source: str = "<text>", fmt: str | None = None) -> list[Article]:
    """Parse an in-memory document (an upload, pasted text); raises the first :class:`InputError`."""
    out: list[Article] = []
    for result in read_memory(text_or_bytes, source=source, fmt=fmt):
        if isinstance(result, InputError):
            raise result
        out.append(result)
    return out


__all__ = [
    "DEFAULT_MAX_BYTES",
    "CannedFetcher",
    "DateOutOfRange",
    "FetchResult",
    "Fetcher",
    "HttpxFetcher",
    "InputItem",
    "ReadOptions",
    "check_published",
    "decode",
    "expand_inputs",
    "make_article",
    "memory_item",
    "parse_feed",
    "parse_html",
    "parse_jsonl",
    "parse_published",
    "parse_text",
    "read_inputs",
    "read_item",
    "read_memory",
    "read_one",
    "shown",
]
