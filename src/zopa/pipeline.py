"""The pipeline as a library: ingest, analyze (ingest + extract + stories), re-extract stored documents.

Each document is stored in **one write transaction**: the document row, its near-duplicate bands, its key
terms, its story, and (with ``analyze``) its evidence. A crash leaves every document fully stored or absent,
and re-running the same command completes the set: exact duplicates (same content hash) are skipped, so
ingesting the same input twice changes nothing.

Bad inputs never stop a run: each becomes an entry in the report's ``errors`` (the input and the problem) and
the other inputs are stored. The CLI prints one line per error and exits non-zero.

What is computed from an article alone (its near-duplicate fingerprint, key terms and evidence: a
:class:`Prepared` article, :func:`prepare_article`) is kept apart from what needs the database
(:func:`store_batch`), so an :class:`Engine` can compute it elsewhere: in this process by default, on a Ray
cluster with :class:`zopa.cluster.RayEngine`. :func:`store_batch` writes a batch of prepared articles in one
write transaction, each document in its own savepoint: a document is whole or absent, and one article's
failure rolls back only that article.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError, IntegrityError

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
    from zopa.store.rows import Stats

EVIDENCE_KINDS = ("mentions", "quotes", "statements", "positions", "events")
Source = str | Path | InputItem | Article | InputError
"""What a run reads: a file, folder, URL or ``-``; bytes in memory (an upload,
:func:`zopa.ingest.memory_item`); an article already parsed (pasted text, a watched feed's item); or an
input already found bad (reported in the run's ``errors`` like any other)."""
Progress = Callable[[str, int, int | None, str], None]
"""``progress(stage, done, total, label)``: called as a run advances (stage: "ingest" or "extract")."""


class _Record:
    def as_dict(self) -> dict[str, Any]:
        from zopa.records import _plain

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


class Engine(Protocol):
    """Where articles are prepared (fingerprint, key terms, evidence) and how the results are written.

    ``prepare`` yields one :class:`Prepared` per article, in the order given; ``write_batch`` documents go
    into each write transaction, written by at most ``writers`` threads (more than one only pays on
    PostgreSQL; near-duplicate and story links then depend on which batch commits first)."""

    write_batch: int
    writers: int

    def prepare(
        self, articles: Iterable[Article], options: IngestOptions, codebook: Codebook | None
    ) -> Iterator[Prepared | InputProblem]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalyzeOptions(IngestOptions):
    """Ingest options plus extraction: ``force_extract`` re-runs extraction on every stored document;
    ``engine`` prepares articles elsewhere (None: in this process, :class:`LocalEngine`)."""

    force_extract: bool = False
    extract_options: Any = None  # zopa.extract.ExtractOptions (e.g. parse_all=True: the benchmark baseline)
    engine: Engine | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Prepared:
    """An article with what is computed from it alone: its near-duplicate ``fingerprint``, its key
    ``terms`` and its ``evidence`` (None without a codebook, or when extraction failed: ``problem``)."""

    article: Article
    fingerprint: Fingerprint
    terms: dict[str, float]
    evidence: Evidence | None = None
    problem: str | None = None  # why extraction failed (the article is stored without evidence)


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


def prepare_article(
    article: Article,
    options: IngestOptions,
    codebook: Codebook | None = None,
    *,
    evidence: Evidence | None = None,
) -> Prepared:
    """Everything computed from ``article`` alone: a pure function, so an engine may run it anywhere. With a
    ``codebook`` (and no ``evidence`` given) the evidence is extracted; an extractor failure is kept as the
    ``problem`` (the document is still stored, without evidence)."""
    fp = fingerprint(article.text, threshold=options.near_duplicate_threshold, num_perm=options.num_perm)
    terms = key_terms(article.title, article.text)
    problem = None
    if evidence is None and codebook is not None:
        from zopa.extract import extract

        try:
            evidence = extract(article, codebook, options=getattr(options, "extract_options", None))
        except Exception as exc:  # an extractor bug must not lose the document: store it, report it
            problem = f"extraction failed ({type(exc).__name__}: {exc})"
    return Prepared(article=article, fingerprint=fp, terms=terms, evidence=evidence, problem=problem)


def _problem_of(source: str, exc: Exception) -> InputProblem:
    if isinstance(exc, InputError):
        return InputProblem(source=source, problem=exc.problem)
    if isinstance(exc, ZopaError):
        return InputProblem(source=source, problem=str(exc))
    return InputProblem(source=source, problem=f"cannot be stored ({describe(exc)})")


def store_batch(
    db: Database,
    batch: Sequence[Prepared],
    options: IngestOptions,
    *,
    codebook: Codebook | None = None,
    codebook_hash: str | None = None,
) -> list[DocumentOutcome | InputProblem]:
    """Store prepared articles (with their evidence, when ``codebook_hash`` is given) in one write
    transaction, each in its own savepoint: one outcome per article, in order. An exact duplicate is left as
    it is; a failure that belongs to one article is its problem and rolls back only that article; a fault
    of the database itself (:class:`StorageError`) stops the run, and the batch is absent."""
    outcomes: list[DocumentOutcome | InputProblem] = []
    with db.transaction() as conn:
        for prepared in batch:
            article = prepared.article
            try:
                with conn.begin_nested():
                    outcomes.append(
                        _store(conn, prepared, options, codebook=codebook, codebook_hash=codebook_hash)
                    )
            except IntegrityError:
                # another process stored the same text between our check and our insert (PostgreSQL runs
                # writers side by side; SQLite's BEGIN IMMEDIATE serialises them): a duplicate, not a failure
                existing = document_id_by_hash(conn, article.content_hash)
                if existing is None:
                    raise
                outcomes.append(
                    DocumentOutcome(
                        source=article.source, title=article.title, status="duplicate", document_id=existing
                    )
                )
            except (DBAPIError, StorageError):
                raise
            except Exception as exc:  # a bug on one article must not cost the others (its savepoint undone)
                outcomes.append(_problem_of(article.source, exc))
    return outcomes


def store_or_report(
    db: Database,
    article: Article,
    options: IngestOptions,
    *,
    evidence: Evidence | None = None,
    codebook: Codebook | None = None,
    codebook_hash: str | None = None,
) -> DocumentOutcome | InputProblem:
    """Store one article (and its ``evidence``) in one transaction: :func:`store_batch` of one."""
    try:
        prepared = prepare_article(article, options, evidence=evidence)
    except Exception as exc:
        return _problem_of(article.source, exc)
    return store_batch(db, [prepared], options, codebook=codebook, codebook_hash=codebook_hash)[0]


def _store(
    conn: Connection,
    prepared: Prepared,
    options: IngestOptions,
    *,
    codebook: Codebook | None,
    codebook_hash: str | None,
) -> DocumentOutcome:
    article, fp, terms = prepared.article, prepared.fingerprint, prepared.terms
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
    if prepared.evidence is not None and codebook_hash is not None:
        write_evidence(conn, doc_id, prepared.evidence, codebook_hash=codebook_hash, codebook=codebook)
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


def _articles(
    inputs: Iterable[Source], options: IngestOptions, errors: list[InputProblem]
) -> Iterator[Article]:
    """Every article the inputs hold, in order, read as it is asked for; an input that cannot be read is
    appended to ``errors`` and the run goes on."""
    items: list[InputItem | InputError | Article] = []
    for given in inputs:
        items.extend([given] if isinstance(given, Article | InputError) else expand_inputs([given]))
    total = len(items)
    read_options = options.read_options()
    for done, item in enumerate(items):
        if options.progress is not None:
            options.progress("ingest", done, total, "" if isinstance(item, InputError) else item.source)
        if isinstance(item, InputError):
            errors.append(InputProblem(source=item.source, problem=item.problem))
            continue
        if isinstance(item, Article):
            yield item
            continue
        for result in read_item(item, read_options):
            if isinstance(result, InputError):
                errors.append(InputProblem(source=result.source, problem=result.problem))
            else:
                yield result
    if options.progress is not None:
        options.progress("ingest", total, total, "")


def prepare_or_report(
    article: Article, options: IngestOptions, codebook: Codebook | None = None
) -> Prepared | InputProblem:
    """:func:`prepare_article`, with a failure that belongs to this article reported as its problem."""
    try:
        return prepare_article(article, options, codebook)
    except Exception as exc:
        return _problem_of(article.source, exc)


class LocalEngine:
    """Articles prepared in this process, ``window`` at a time (their sentences parsed in one batch, which
    costs less per sentence), a window's articles stored in one transaction (each in its own savepoint:
    whole or absent; one commit per window costs less than one per article). The next window is read
    after the last one is stored, so an article already stored is not extracted again (a copy inside one
    window is, and is then stored as a duplicate)."""

    window = 8
    write_batch = window
    writers = 1

    def prepare(
        self, articles: Iterable[Article], options: IngestOptions, codebook: Codebook | None
    ) -> Iterator[Prepared | InputProblem]:
        if codebook is None:  # nothing to parse: one at a time
            for article in articles:
                yield prepare_or_report(article, options, codebook)
            return
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.window:
                yield from prepare_many(batch, options, codebook)
                batch = []
        if batch:
            yield from prepare_many(batch, options, codebook)


def prepare_many(
    articles: Sequence[Article], options: IngestOptions, codebook: Codebook
) -> list[Prepared | InputProblem]:
    """:func:`prepare_or_report` of each article, their evidence extracted together
    (:func:`zopa.extract.extract_many`: one parse batch)."""
    from zopa.extract import extract_many

    found = extract_many(articles, codebook, options=getattr(options, "extract_options", None))
    out: list[Prepared | InputProblem] = []
    for article, evidence in zip(articles, found, strict=True):
        if isinstance(evidence, Exception):  # an extractor bug must not lose the document: stored, reported
            problem = f"extraction failed ({type(evidence).__name__}: {evidence})"
            try:
                prepared = prepare_article(article, options)
            except Exception as exc:
                out.append(_problem_of(article.source, exc))
                continue
            out.append(replace(prepared, problem=problem))
            continue
        try:
            out.append(prepare_article(article, options, codebook, evidence=evidence))
        except Exception as exc:
            out.append(_problem_of(article.source, exc))
    return out


@dataclass(slots=True)
class _Written:
    """What a run wrote: outcomes (in input order), problems, extraction problems and evidence counts."""

    placed: list[tuple[int, DocumentOutcome]] = field(default_factory=list)  # (input position, outcome)
    sent: deque[int] = field(default_factory=deque)  # input positions of the articles given to the engine
    errors: list[InputProblem] = field(default_factory=list)
    extract_errors: list[InputProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVIDENCE_KINDS, 0))

    @property
    def outcomes(self) -> list[DocumentOutcome]:
        return [outcome for _, outcome in sorted(self.placed, key=lambda pair: pair[0])]

    def add(self, prepared: Prepared | InputProblem, outcome: DocumentOutcome | InputProblem) -> None:
        """The engine's next result (results come in the order the articles were sent) and its outcome."""
        position = self.sent.popleft()
        if isinstance(outcome, InputProblem):  # this article could not be stored: the run goes on
            self.errors.append(outcome)
            return
        assert isinstance(prepared, Prepared)
        self.placed.append((position, outcome))
        if prepared.problem is not None:
            self.extract_errors.append(InputProblem(source=prepared.article.source, problem=prepared.problem))
        if prepared.evidence is not None and outcome.status != "duplicate":
            for key in self.counts:
                self.counts[key] += len(getattr(prepared.evidence, key))


def _unstored(
    db: Database, articles: Iterable[Article], written: _Written, *, skip_stored: bool
) -> Iterator[Article]:
    """The articles to prepare, each numbered by its input position as it is asked for. ``skip_stored``:
    an article whose text is stored is recorded as a duplicate without being prepared (checked when it is
    asked for: with the local engine, after the previous article was stored)."""
    for position, article in enumerate(articles):
        existing = _is_stored(db, article.content_hash) if skip_stored else None
        if existing is None:
            written.sent.append(position)
            yield article
        else:
            outcome = DocumentOutcome(
                source=article.source, title=article.title, status="duplicate", document_id=existing
            )
            written.placed.append((position, outcome))


def _write(
    db: Database,
    articles: Iterable[Article],
    options: IngestOptions,
    *,
    codebook: Codebook | None,
    codebook_hash: str | None,
) -> _Written:
    """Prepare ``articles`` with the options' engine and store them, ``engine.write_batch`` documents per
    transaction, by at most ``engine.writers`` threads (the results kept in input order)."""
    engine: Engine = getattr(options, "engine", None) or LocalEngine()  # IngestOptions: in this process
    written = _Written()
    fresh = _unstored(db, articles, written, skip_stored=codebook is not None)
    stream = engine.prepare(fresh, options, codebook)
    extracted = 0

    def store(batch: list[Prepared]) -> list[DocumentOutcome | InputProblem]:
        return store_batch(db, batch, options, codebook=codebook, codebook_hash=codebook_hash)

    pool = ThreadPoolExecutor(max_workers=engine.writers) if engine.writers > 1 else None
    # results held for the next write, problems too, so outcomes are recorded in the order of the results
    pending: list[tuple[list[Prepared | InputProblem], Future[list[DocumentOutcome | InputProblem]]]] = []

    def record(held: list[Prepared | InputProblem], stored: list[DocumentOutcome | InputProblem]) -> None:
        outcomes = iter(stored)
        for item in held:
            written.add(item, item if isinstance(item, InputProblem) else next(outcomes))

    def write(held: list[Prepared | InputProblem]) -> None:
        batch = [item for item in held if isinstance(item, Prepared)]
        if pool is None:
            record(held, store(batch) if batch else [])
        else:
            pending.append((held, pool.submit(store, batch)))
            collect(2 * engine.writers)  # bounded: at most two batches queued per writer

    def collect(limit: int) -> None:
        while len(pending) > limit:
            held, future = pending.pop(0)
            record(held, future.result())

    try:
        held: list[Prepared | InputProblem] = []
        for item in stream:
            held.append(item)
            if isinstance(item, Prepared):
                extracted += 1
                if options.progress is not None and not isinstance(engine, LocalEngine):
                    options.progress("extract", extracted, None, item.article.source)  # as they arrive
            if len(held) >= engine.write_batch:  # a local window's results are written together
                write(held)
                held = []
        if held:
            write(held)
        collect(0)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return written


def _run(
    inputs: Iterable[Source],
    db: Database,
    options: IngestOptions,
    *,
    codebook: Codebook | None,
    codebook_hash: str | None,
) -> tuple[IngestReport, list[InputProblem], dict[str, int]]:
    read_errors: list[InputProblem] = []
    written = _write(
        db, _articles(inputs, options, read_errors), options, codebook=codebook, codebook_hash=codebook_hash
    )
    report = IngestReport(documents=tuple(written.outcomes), errors=tuple(read_errors + written.errors))
    return report, written.extract_errors, written.counts


def ingest(inputs: Iterable[Source], db: Database, *, options: IngestOptions | None = None) -> IngestReport:
    """Read, clean, de-duplicate, group and store articles (no extraction); ``inputs``: paths, URLs,
    uploads in memory or parsed articles (:data:`Source`)."""
    report, _, _ = _run(inputs, db, options or IngestOptions(), codebook=None, codebook_hash=None)
    refresh_views(db)
    return report


def refresh_views(db: Database, codebook: Codebook | None = None) -> None:
    """The last step of every ingest, analysis and extraction: the dashboard's whole-database views
    computed for the data as written (read with ``codebook``, default the database's own) and kept in the
    database (:mod:`zopa.kept_views`), so its first request after a restart or an ingest reads them."""
    from zopa.kept_views import refresh

    refresh(db, codebook)


def analyze(
    paths: Iterable[Source],
    db: Database,
    *,
    codebook: Codebook,
    options: AnalyzeOptions | None = None,
) -> AnalyzeReport:
    """The main job: ingest ``paths``, extract evidence with ``codebook`` (stored with each new document in
    its transaction), bring older documents' evidence up to date with the codebook, group stories."""
    from zopa.codebook import codebook_hash as hash_of
    from zopa.store.summaries import stats

    options = options or AnalyzeOptions()
    cb_hash = hash_of(codebook)
    record_codebook_actors(db, codebook)
    ingested, extract_errors, counts = _run(paths, db, options, codebook=codebook, codebook_hash=cb_hash)
    refreshed = extract_stored(
        db,
        codebook,
        force=options.force_extract,
        progress=options.progress,
        skip_sources={p.source for p in extract_errors},
        engine=options.engine,
    )
    new = set(_extracted(ingested, extract_errors))
    extracted = ExtractReport(
        extracted=tuple(sorted(set(refreshed.extracted) | new)),
        up_to_date=tuple(i for i in refreshed.up_to_date if i not in new),
        errors=tuple(extract_errors) + refreshed.errors,
        codebook_hash=cb_hash,
        counts={k: counts[k] + refreshed.counts.get(k, 0) for k in EVIDENCE_KINDS},
    )
    return AnalyzeReport(ingest=ingested, extract=extracted, stats=stats(db))


def analyze_articles(
    inputs: Iterable[Source],
    db: Database,
    *,
    codebook: Codebook,
    options: AnalyzeOptions | None = None,
) -> AnalyzeReport:
    """Extract and store what the web sends or a watch finds (uploads, pasted text, a feed, a watched
    feed's items; any :data:`Source`), each document with its evidence in one transaction, through the
    path of :func:`analyze`; stored documents are left as they are (unlike :func:`analyze`)."""
    from zopa.codebook import codebook_hash as hash_of
    from zopa.store.summaries import stats

    options = options or AnalyzeOptions()
    cb_hash = hash_of(codebook)
    record_codebook_actors(db, codebook)
    ingested, extract_errors, counts = _run(inputs, db, options, codebook=codebook, codebook_hash=cb_hash)
    refresh_views(db, codebook)
    extracted = ExtractReport(
        extracted=_extracted(ingested, extract_errors),
        up_to_date=(),
        errors=tuple(extract_errors),
        codebook_hash=cb_hash,
        counts=counts,
    )
    return AnalyzeReport(ingest=ingested, extract=extracted, stats=stats(db))


def _extracted(ingested: IngestReport, extract_errors: Sequence[InputProblem]) -> tuple[int, ...]:
    """The documents a run stored with their evidence (new, and extracted without a problem)."""
    failed = {p.source for p in extract_errors}
    stored = {o.document_id for o in ingested.documents if o.status != "duplicate" and o.source not in failed}
    return tuple(sorted(stored))


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
    engine: Engine | None = None,
) -> ExtractReport:
    """Re-run extraction on stored documents whose evidence was made with another codebook (or none), or on
    all of ``documents`` with ``force``; each document's evidence is replaced in one transaction (``engine``:
    where extraction runs, and how many documents share a write transaction)."""
    from zopa.codebook import codebook_hash as hash_of

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
    runner: Engine = engine or LocalEngine()
    sent: deque[int] = deque()  # the ids of the articles handed to the engine, whose results come in order

    def stored_articles() -> Iterator[Article]:
        for n, doc_id in enumerate(todo):
            if progress is not None:
                progress("extract", n, len(todo), ids[doc_id])
            try:
                article = _article_of(db, doc_id)
            except NotFoundError:
                continue  # deleted meanwhile
            sent.append(doc_id)
            yield article

    def write(batch: list[tuple[int, Prepared]]) -> None:
        with db.transaction() as conn:
            for doc_id, prepared in batch:
                source = ids[doc_id]
                if prepared.evidence is None:
                    errors.append(
                        InputProblem(source=source, problem=prepared.problem or "extraction failed")
                    )
                    continue
                try:
                    with conn.begin_nested():
                        write_evidence(
                            conn, doc_id, prepared.evidence, codebook_hash=cb_hash, codebook=codebook
                        )
                except NotFoundError:
                    continue  # deleted meanwhile
                except (DBAPIError, StorageError):
                    raise
                except ZopaError as exc:
                    errors.append(InputProblem(source=source, problem=str(exc)))
                    continue
                done.append(doc_id)
                for key in counts:
                    counts[key] += len(getattr(prepared.evidence, key))

    batch: list[tuple[int, Prepared]] = []
    for item in runner.prepare(stored_articles(), AnalyzeOptions(), codebook):
        doc_id = sent.popleft()
        if isinstance(item, InputProblem):
            errors.append(InputProblem(source=ids[doc_id], problem=item.problem))
            continue
        batch.append((doc_id, item))
        if len(batch) >= runner.write_batch:
            write(batch)
            batch = []
    if batch:
        write(batch)
    if progress is not None:
        progress("extract", len(todo), len(todo), "")
    refresh_views(db, codebook)  # also the last step of analyze, after its new documents
    return ExtractReport(
        extracted=tuple(done),
        up_to_date=tuple(fresh),
        errors=tuple(errors),
        codebook_hash=cb_hash,
        counts=counts,
    )
