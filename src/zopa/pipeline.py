"""The pipeline as a library: ingest, analyze (ingest + extract + stories), re-extract stored documents.

Each document is stored in **one write transaction**: the document row, its near-duplicate bands, its key
terms, its story, and (with ``analyze``) its evidence. A crash leaves every document fully stored or absent,
and re-running the same command completes the set: exact duplicates (same content hash) are skipped, so
ingesting the same input twice changes nothing.

Bad inputs never stop a run: each becomes an entry in the report's ``errors`` (the input and the problem) and
the other inputs are stored. The CLI prints one line per error and exits non-zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from zopa.dedupe import DEFAULT_NUM_PERM, DEFAULT_THRESHOLD, Fingerprint, fingerprint, similarity
from zopa.errors import InputError, NotFoundError, StorageError, ZopaError, describe
from zopa.ingest import DEFAULT_MAX_BYTES, Fetcher, InputItem, ReadOptions, expand_inputs, read_item
from zopa.records import Article, Evidence
from zopa.store import schema
from zopa.store.codebooks import record_codebook
from zopa.store.documents import document_id_by_hash, documents_sharing_bands, insert_document
from zopa.store.evidence import record_codebook_actors, write_evidence
from zopa.stories import DEFAULT_THRESHOLD as STORY_THRESHOLD
from zopa.stories import DEFAULT_WINDOW_DAYS, assign_story, key_terms, record_terms

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database
    from zopa.store.queries import Stats

EVIDENCE_KINDS = ("mentions", "quotes", "statements", "positions", "events")
Progress = Callable[[str, int, int | None, str], None]
"""``progress(stage, done, total, label)``: called as a run advances (stage: "ingest" or "extract")."""


class _Record:
    def as_dict(self) -> dict[str, Any]:
        from zopa.store.queries import _plain

        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:  # type: ignore[attr-defined]
            value = getattr(self, name)
            if isinstance(value, _Record):
                out[name] = value.as_dict()
            elif isinstance(value, tuple) and value and isinstance(value[0], _Record):
                out[name] = [v.as_dict() for v in value]
            elif hasattr(value, "as_dict"):
                out[name] = value.as_dict()
            else:
                out[name] = _plain(value)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions:
    """How inputs are read and grouped (one options object for the ingest stage)."""

    max_bytes: int = DEFAULT_MAX_BYTES  # per document; larger inputs are refused before they are read
    fetcher: Fetcher | None = None  # for http(s) URLs; None: httpx
    allow_private_urls: bool = False  # fetch loopback and private-network addresses too (never by default)
    stdin: BinaryIO | None = None  # for "-"; None: the process's standard input
    near_duplicate_threshold: float = DEFAULT_THRESHOLD  # estimated Jaccard similarity of word 3-shingles
    num_perm: int = DEFAULT_NUM_PERM
    story_window_days: int = DEFAULT_WINDOW_DAYS
    story_threshold: float = STORY_THRESHOLD
    favor_precision: bool = False  # trafilatura: prefer less boilerplate over more text
    progress: Progress | None = field(default=None, compare=False)

    def read_options(self) -> ReadOptions:
        return ReadOptions(
            max_bytes=self.max_bytes,
            fetcher=self.fetcher,
            allow_private_urls=self.allow_private_urls,
            stdin=self.stdin,
            favor_precision=self.favor_precision,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalyzeOptions(IngestOptions):
    """Ingest options plus extraction: ``force_extract`` re-runs extraction on every stored document."""

    force_extract: bool = False
    extract_options: Any = None  # zopa.extract.ExtractOptions (e.g. parse_all=True: the benchmark baseline)


@dataclass(frozen=True, slots=True, kw_only=True)
class InputProblem(_Record):
    """An input that could not be ingested: what it was and why."""

    source: str
    problem: str

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}"


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentOutcome(_Record):
    """What became of an article: ``added``, ``near-duplicate`` (added, marked), ``duplicate`` (skipped)."""

    source: str
    title: str
    status: str
    document_id: int
    duplicate_of: int | None = None
    story: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestReport(_Record):
    documents: tuple[DocumentOutcome, ...]
    errors: tuple[InputProblem, ...]

    @property
    def added(self) -> tuple[int, ...]:
        return tuple(o.document_id for o in self.documents if o.status != "duplicate")

    @property
    def duplicates(self) -> tuple[int, ...]:
        return tuple(o.document_id for o in self.documents if o.status == "duplicate")

    @property
    def near_duplicates(self) -> tuple[int, ...]:
        return tuple(o.document_id for o in self.documents if o.status == "near-duplicate")

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        out = _Record.as_dict(self)
        out.update(
            added=list(self.added),
            duplicates=list(self.duplicates),
            near_duplicates=list(self.near_duplicates),
            ok=self.ok,
        )
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractReport(_Record):
    extracted: tuple[int, ...]  # documents whose evidence was (re)written
    up_to_date: tuple[int, ...]  # documents whose stored run already used this codebook
    errors: tuple[InputProblem, ...]
    codebook_hash: str
    counts: dict[str, int]  # items written: mentions, quotes, statements, positions, events


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalyzeReport(_Record):
    ingest: IngestReport
    extract: ExtractReport
    stats: Stats

    @property
    def errors(self) -> tuple[InputProblem, ...]:
        return self.ingest.errors + self.extract.errors

    @property
    def ok(self) -> bool:
        return not self.errors


# --- one document, one transaction -----------------------------------------------------------------------


def _near_duplicate_of(conn: Connection, fp: Fingerprint, threshold: float) -> int | None:
    candidates = documents_sharing_bands(conn, fp.bands)
    if not candidates:
        return None
    d = schema.documents
    best: tuple[float, int] | None = None
    for row in conn.execute(select(d.c.id, d.c.signature, d.c.duplicate_of).where(d.c.id.in_(candidates))):
        if row.signature is None:
            continue
        score = similarity(fp.signature, row.signature)
        if score >= threshold and (best is None or score > best[0]):
            best = (score, int(row.duplicate_of or row.id))
    return best[1] if best else None


def store_article(
    db: Database,
    article: Article,
    options: IngestOptions,
    *,
    evidence: Evidence | None = None,
    codebook: Codebook | None = None,
    codebook_hash: str | None = None,
) -> DocumentOutcome:
    """Store one article (and its evidence) in one transaction; an exact duplicate is left as it is."""
    fp = fingerprint(article.text, threshold=options.near_duplicate_threshold, num_perm=options.num_perm)
    terms = key_terms(article.title, article.text)
    try:
        return _store(
            db, article, options, fp, terms, evidence=evidence, codebook=codebook, codebook_hash=codebook_hash
        )
    except StorageError as exc:
        # another process stored the same text between our check and our insert (PostgreSQL runs writers
        # side by side; SQLite's BEGIN IMMEDIATE serialises them): that is a duplicate, not a failure
        if isinstance(exc.__cause__, IntegrityError) and _is_stored(db, article.content_hash) is not None:
            return DocumentOutcome(
                source=article.source,
                title=article.title,
                status="duplicate",
                document_id=int(_is_stored(db, article.content_hash) or 0),
            )
        raise


def store_or_report(
    db: Database,
    article: Article,
    options: IngestOptions,
    *,
    evidence: Evidence | None = None,
    codebook: Codebook | None = None,
    codebook_hash: str | None = None,
) -> DocumentOutcome | InputProblem:
    """:func:`store_article`, with a failure that belongs to this article reported as its problem (the run
    goes on); a fault of the database itself (:class:`StorageError`) still stops the run."""
    try:
        return store_article(
            db, article, options, evidence=evidence, codebook=codebook, codebook_hash=codebook_hash
        )
    except StorageError:
        raise
    except InputError as exc:
        return InputProblem(source=article.source, problem=exc.problem)
    except ZopaError as exc:
        return InputProblem(source=article.source, problem=str(exc))
    except Exception as exc:  # a bug on one article must not cost the others (its transaction rolled back)
        return InputProblem(source=article.source, problem=f"cannot be stored ({describe(exc)})")


def _store(
    db: Database,
    article: Article,
    options: IngestOptions,
    fp: Fingerprint,
    terms: dict[str, float],
    *,
    evidence: Evidence | None,
    codebook: Codebook | None,
    codebook_hash: str | None,
) -> DocumentOutcome:
    with db.transaction() as conn:
        existing = document_id_by_hash(conn, article.content_hash)
        if existing is not None:
            return DocumentOutcome(
                source=article.source, title=article.title, status="duplicate", document_id=existing
            )
        duplicate_of = _near_duplicate_of(conn, fp, options.near_duplicate_threshold)
        doc_id = insert_document(
            conn, article, signature=fp.signature, bands=fp.bands, duplicate_of=duplicate_of
        )
        record_terms(conn, doc_id, terms)
        story = assign_story(
            conn,
            doc_id,
            terms,
            article.published,
            duplicate_of=duplicate_of,
            window_days=options.story_window_days,
            threshold=options.story_threshold,
        )
        if evidence is not None and codebook_hash is not None:
            write_evidence(conn, doc_id, evidence, codebook_hash=codebook_hash, codebook=codebook)
    return DocumentOutcome(
        source=article.source,
        title=article.title,
        status="near-duplicate" if duplicate_of else "added",
        document_id=doc_id,
        duplicate_of=duplicate_of,
        story=story,
    )


def _is_stored(db: Database, content_hash: str) -> int | None:
    with db.connect() as conn:
        return document_id_by_hash(conn, content_hash)


def _run(
    paths: Sequence[str | Path],
    db: Database,
    options: IngestOptions,
    *,
    codebook: Codebook | None,
    codebook_hash: str | None,
) -> tuple[IngestReport, list[InputProblem], dict[str, int]]:
    extract_fn: Callable[..., Evidence] | None = None  # called as (article, codebook, *, options=...)
    counts = dict.fromkeys(EVIDENCE_KINDS, 0)
    if codebook is not None:
        from zopa.extract import extract

        extract_fn = extract
    items = list(expand_inputs(paths))
    total = len(items)
    outcomes: list[DocumentOutcome] = []
    errors: list[InputProblem] = []
    extract_errors: list[InputProblem] = []
    read_options = options.read_options()
    for done, item in enumerate(items):
        if options.progress is not None:
            options.progress("ingest", done, total, item.source if isinstance(item, InputItem) else "")
        if isinstance(item, InputError):
            errors.append(InputProblem(source=item.source, problem=item.problem))
            continue
        for result in read_item(item, read_options):
            if isinstance(result, InputError):
                errors.append(InputProblem(source=result.source, problem=result.problem))
                continue
            outcome, problem = _store_one(
                db, result, options, extract_fn=extract_fn, codebook=codebook, codebook_hash=codebook_hash,
                counts=counts,
            )
            if isinstance(outcome, InputProblem):  # this article could not be stored: the run goes on
                errors.append(outcome)
                continue
            outcomes.append(outcome)
            if problem is not None:
                extract_errors.append(problem)
    if options.progress is not None:
        options.progress("ingest", total, total, "")
    return IngestReport(documents=tuple(outcomes), errors=tuple(errors)), extract_errors, counts


def _store_one(
    db: Database,
    article: Article,
    options: IngestOptions,
    *,
    extract_fn: Callable[..., Evidence] | None,
    codebook: Codebook | None,
    codebook_hash: str | None,
    counts: dict[str, int],
) -> tuple[DocumentOutcome | InputProblem, InputProblem | None]:
    """Extract (unless already stored) and store one article: (its outcome, or why it could not be stored;
    an extraction problem). An extractor failure stores it without evidence and is reported. ``counts`` adds
    up the evidence written."""
    evidence = None
    problem = None
    if extract_fn is not None and codebook is not None:
        existing = _is_stored(db, article.content_hash)
        if existing is not None:
            return (
                DocumentOutcome(
                    source=article.source, title=article.title, status="duplicate", document_id=existing
                ),
                None,
            )
        try:
            evidence = extract_fn(article, codebook, options=getattr(options, "extract_options", None))
        except Exception as exc:  # an extractor bug must not lose the document: store it, report it
            problem = InputProblem(
                source=article.source, problem=f"extraction failed ({type(exc).__name__}: {exc})"
            )
    outcome = store_or_report(
        db,
        article,
        options,
        evidence=evidence,
        codebook=codebook,
        codebook_hash=codebook_hash if evidence is not None else None,
    )
    if isinstance(outcome, InputProblem):
        return outcome, None
    if evidence is not None and outcome.status != "duplicate":
        for key in counts:
            counts[key] += len(getattr(evidence, key))
    return outcome, problem


def ingest(
    paths: Sequence[str | Path], db: Database, *, options: IngestOptions | None = None
) -> IngestReport:
    """Read, clean, de-duplicate, group and store articles (no extraction)."""
    report, _, _ = _run(paths, db, options or IngestOptions(), codebook=None, codebook_hash=None)
    return report


def ingest_articles(
    articles: Iterable[Article], db: Database, *, options: IngestOptions | None = None
) -> IngestReport:
    """Store parsed articles (an upload, pasted text): the same path as :func:`ingest` from then on."""
    options = options or IngestOptions()
    outcomes: list[DocumentOutcome] = []
    errors: list[InputProblem] = []
    for article in articles:
        outcome = store_or_report(db, article, options)
        (errors if isinstance(outcome, InputProblem) else outcomes).append(outcome)  # type: ignore[arg-type]
    return IngestReport(documents=tuple(outcomes), errors=tuple(errors))


def analyze(
    paths: Sequence[str | Path],
    db: Database,
    *,
    codebook: Codebook,
    options: AnalyzeOptions | None = None,
) -> AnalyzeReport:
    """The main job: ingest ``paths``, extract evidence with ``codebook`` (stored with each new document in
    its transaction), bring older documents' evidence up to date with the codebook, group stories."""
    from zopa.codebook import codebook_hash as hash_of
    from zopa.store.queries import stats

    options = options or AnalyzeOptions()
    cb_hash = hash_of(codebook)
    record_codebook_actors(db, codebook)
    ingested, extract_errors, counts = _run(paths, db, options, codebook=codebook, codebook_hash=cb_hash)
    failed = {p.source for p in extract_errors}
    refreshed = extract_stored(
        db, codebook, force=options.force_extract, progress=options.progress, skip_sources=failed
    )
    new = {o.document_id for o in ingested.documents if o.status != "duplicate" and o.source not in failed}
    extracted = ExtractReport(
        extracted=tuple(sorted(set(refreshed.extracted) | new)),
        up_to_date=tuple(i for i in refreshed.up_to_date if i not in new),
        errors=tuple(extract_errors) + refreshed.errors,
        codebook_hash=cb_hash,
        counts={k: counts[k] + refreshed.counts.get(k, 0) for k in EVIDENCE_KINDS},
    )
    return AnalyzeReport(ingest=ingested, extract=extracted, stats=stats(db))


def analyze_articles(
    articles: Iterable[Article],
    db: Database,
    *,
    codebook: Codebook,
    options: AnalyzeOptions | None = None,
) -> AnalyzeReport:
    """Extract and store parsed articles (an upload, pasted text, a watched feed's items), each with its
    evidence in one transaction; stored documents are left as they are (unlike :func:`analyze`)."""
    from zopa.codebook import codebook_hash as hash_of
    from zopa.extract import extract
    from zopa.store.queries import stats

    options = options or AnalyzeOptions()
    cb_hash = hash_of(codebook)
    record_codebook_actors(db, codebook)
    counts = dict.fromkeys(EVIDENCE_KINDS, 0)
    outcomes: list[DocumentOutcome] = []
    unstored: list[InputProblem] = []
    problems: list[InputProblem] = []
    for article in articles:
        outcome, problem = _store_one(
            db, article, options, extract_fn=extract, codebook=codebook, codebook_hash=cb_hash, counts=counts
        )
        if isinstance(outcome, InputProblem):
            unstored.append(outcome)
            continue
        outcomes.append(outcome)
        if problem is not None:
            problems.append(problem)
    failed = {p.source for p in problems}
    return AnalyzeReport(
        ingest=IngestReport(documents=tuple(outcomes), errors=tuple(unstored)),
        extract=ExtractReport(
            extracted=tuple(
                sorted(
                    {o.document_id for o in outcomes if o.status != "duplicate" and o.source not in failed}
                )
            ),
            up_to_date=(),
            errors=tuple(problems),
            codebook_hash=cb_hash,
            counts=counts,
        ),
        stats=stats(db),
    )


def _article_of(db: Database, document_id: int) -> Article:
    from zopa.store.queries import get_document

    doc = get_document(db, document_id)
    return Article(
        source=doc.source,
        title=doc.title,
        text=doc.text,
        raw=doc.raw,
        outlet=doc.outlet,
        published=doc.published,
        url=doc.url,
        format=doc.format,
        content_hash=doc.content_hash,
    )


def extract_stored(
    db: Database,
    codebook: Codebook,
    *,
    documents: Iterable[int] | None = None,
    force: bool = False,
    progress: Progress | None = None,
    skip_sources: Iterable[str] = (),
) -> ExtractReport:
    """Re-run extraction on stored documents whose evidence was made with another codebook (or none), or on
    all of ``documents`` with ``force``; each document's evidence is replaced in one transaction."""
    from zopa.codebook import codebook_hash as hash_of
    from zopa.extract import extract

    cb_hash = hash_of(codebook)
    record_codebook(db, codebook)  # the database remembers which codebook built its evidence
    d = schema.documents
    runs = schema.extraction_runs
    skip = set(skip_sources)
    with db.connect() as conn:
        query = select(d.c.id, d.c.source)
        if documents is not None:
            wanted = sorted(set(documents))
            query = query.where(d.c.id.in_(wanted))
        ids = {int(r.id): r.source for r in conn.execute(query.order_by(d.c.id))}
        hashes: dict[int, set[str]] = {}
        for row in conn.execute(select(runs.c.document_id, runs.c.codebook_hash)):
            hashes.setdefault(int(row.document_id), set()).add(row.codebook_hash)
    if documents is not None:
        missing = set(wanted) - set(ids)
        if missing:
            raise NotFoundError(f"document {min(missing)}: no such document")
    todo = [i for i in ids if ids[i] not in skip and (force or hashes.get(i) != {cb_hash})]
    fresh = [i for i in ids if i not in todo]
    counts = dict.fromkeys(EVIDENCE_KINDS, 0)
    done: list[int] = []
    errors: list[InputProblem] = []
    for n, doc_id in enumerate(todo):
        if progress is not None:
            progress("extract", n, len(todo), ids[doc_id])
        try:
            article = _article_of(db, doc_id)
            evidence = extract(article, codebook)
        except NotFoundError:
            continue  # deleted meanwhile
        except Exception as exc:  # one document's extractor failure is reported, the others go on
            errors.append(
                InputProblem(source=ids[doc_id], problem=f"extraction failed ({type(exc).__name__}: {exc})")
            )
            continue
        try:
            with db.transaction() as conn:
                write_evidence(conn, doc_id, evidence, codebook_hash=cb_hash, codebook=codebook)
        except NotFoundError:
            continue
        except ZopaError as exc:
            errors.append(InputProblem(source=ids[doc_id], problem=str(exc)))
            continue
        done.append(doc_id)
        for key in counts:
            counts[key] += len(getattr(evidence, key))
    if progress is not None:
        progress("extract", len(todo), len(todo), "")
    return ExtractReport(
        extracted=tuple(done),
        up_to_date=tuple(fresh),
        errors=tuple(errors),
        codebook_hash=cb_hash,
        counts=counts,
    )
