"""The library pipeline end to end: analyze the seeds, re-run, re-extract after a codebook change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from zopa.codebook import Codebook, default_codebook_path, load_codebook
from zopa.errors import NotFoundError
from zopa.ingest import read_one
from zopa.pipeline import AnalyzeOptions, IngestOptions, analyze, extract_stored, ingest
from zopa.store import queries, schema, summaries
from zopa.store.db import open_db
from zopa.store.queries import EvidenceFilter
from zopa.store.rows import DocumentRow, EventRow, PositionRow, QuoteRow, StoryRow

SEED_TITLES = {
    "Putin Rejects Ukraine Compromise as Trump Pushes for Peace",
    "Putin Reveals What Happens If Peace Talks Fail",
}


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(default_codebook_path())


def _counts(db: Any) -> dict[str, int]:
    with db.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in schema.metadata.tables.items()
        }


def test_seeds_become_two_documents_in_one_story_without_boilerplate(seeded_db: Any) -> None:
    docs = queries.listing(seeded_db, DocumentRow, EvidenceFilter(include_duplicates=True)).items
    assert {d.title for d in docs} == SEED_TITLES
    for doc in docs:
        text = queries.get_document(seeded_db, doc.id).text
        for junk in ("photoibo", "Share the Post:", "More News", "Other Notable Stories"):
            assert junk not in text, (doc.title, junk)
        assert doc.title not in text  # the headline is the title, the text is the article
    raw = {queries.get_document(seeded_db, d.id).raw for d in docs}
    assert any("photoibo" in r for r in raw)  # the original is kept
    [story] = queries.listing(seeded_db, StoryRow).items
    assert set(story.documents) == {d.id for d in docs}
    assert docs[0].story == docs[1].story == story.id


def test_seed_evidence_is_stored_with_spans_into_the_cleaned_text(seeded_db: Any) -> None:
    quotes = queries.listing(seeded_db, QuoteRow).items
    assert quotes, "the extractor found no quotes in the seeds"
    for item in (
        *quotes,
        *queries.listing(seeded_db, PositionRow).items,
        *queries.listing(seeded_db, EventRow).items,
    ):
        text = queries.get_document(seeded_db, item.document).text
        assert 0 <= item.start < item.end <= len(text)
    for q in quotes:
        text = queries.get_document(seeded_db, q.document).text
        assert text[q.start : q.end] == q.text
    with seeded_db.connect() as conn:
        runs = conn.execute(select(schema.extraction_runs.c.document_id).distinct()).scalars().all()
    assert len(runs) == 2


def test_analyze_again_changes_nothing(seeds_dir: Path, db_url: str, codebook: Codebook) -> None:
    db = open_db(db_url)
    first = analyze([seeds_dir], db, codebook=codebook)
    assert first.ok and len(first.ingest.added) == 2 and first.stats.stories == 1
    before = _counts(db)
    second = analyze([seeds_dir], db, codebook=codebook)
    assert second.ingest.added == () and len(second.ingest.duplicates) == 2
    assert second.extract.extracted == () and len(second.extract.up_to_date) == 2
    assert _counts(db) == before
    db.close()


def test_extract_stored_reruns_only_after_a_codebook_change(
    seeds_dir: Path, sqlite_url: str, codebook: Codebook
) -> None:
    db = open_db(sqlite_url)
    ingest([seeds_dir], db)  # stored without evidence
    first = extract_stored(db, codebook)
    assert len(first.extracted) == 2 and first.up_to_date == ()
    positions = summaries.stats(db).positions
    assert extract_stored(db, codebook).extracted == ()  # same codebook: nothing to do
    changed = codebook.model_copy(update={"description": codebook.description + " (edited)"})
    again = extract_stored(db, changed)
    assert len(again.extracted) == 2 and again.codebook_hash != first.codebook_hash
    assert summaries.stats(db).positions == positions  # replaced, not added to
    forced = extract_stored(db, changed, documents=[first.extracted[0]], force=True)
    assert forced.extracted == (first.extracted[0],)
    with pytest.raises(NotFoundError):
        extract_stored(db, changed, documents=[999])
    db.close()


def test_analyze_reports_bad_inputs_and_stores_the_rest(
    tmp_path: Path, sqlite_url: str, codebook: Codebook
) -> None:
    (tmp_path / "good.txt").write_text(
        "Envoys meet in Geneva\n\nThe envoys met in Geneva on Tuesday and agreed to talk again in a week.",
        encoding="utf-8",
    )
    (tmp_path / "bad.txt").write_bytes(b"")
    db = open_db(sqlite_url)
    progress: list[tuple[str, int, int | None]] = []
    report = analyze(
        [tmp_path],
        db,
        codebook=codebook,
        options=AnalyzeOptions(progress=lambda stage, done, total, _: progress.append((stage, done, total))),
    )
    assert not report.ok
    assert [(e.source, e.problem) for e in report.errors] == [
        (str(tmp_path / "bad.txt"), "empty file (no text)")
    ]
    assert report.stats.documents == 1
    assert ("ingest", 2, 2) in progress
    db.close()


def test_ingest_stores_parsed_articles(sqlite_url: str) -> None:
    db = open_db(sqlite_url)
    articles = read_one(
        "Pasted headline\n\nA pasted article about the envoys meeting in Geneva on Tuesday.", source="upload"
    )
    report = ingest(articles, db, options=IngestOptions())
    assert report.added and queries.get_document(db, report.added[0]).title == "Pasted headline"
    assert ingest(articles, db).duplicates == report.added
    db.close()
