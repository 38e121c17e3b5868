"""Duplicates: exact (content hash) skipped, near (MinHash LSH) stored and marked, lookups by index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from zopa.dedupe import content_hash, fingerprint, lsh_params, minhash, shingles, similarity
from zopa.pipeline import IngestOptions, ingest
from zopa.store import schema
from zopa.store.db import open_db
from zopa.store.documents import band_lookup

ARTICLE = (
    "Ferry talks resume in Cedarport\n\n"
    "Negotiators from Arland and Beltia met again on Friday to settle the long dispute over ferry routes "
    "between the two ports, officials said. Both delegations described the session as constructive. "
    "The Arland side proposed a shared timetable for the summer season, while Beltia asked for lower "
    "harbour fees for its operators. A further round is planned for next week in the Beltian capital, "
    "where transport ministers are expected to join the negotiators for the first time since March. "
    "Ferry operators on both sides have lost passengers since the dispute began last autumn."
)


@pytest.mark.parametrize("text", ["", "one", "two words", ARTICLE, ARTICLE.replace("ferry", "Fähre") * 3])
def test_minhash_signature_is_datasketchs(text: str) -> None:
    from datasketch import MinHash

    grams = shingles(text)
    reference = MinHash(num_perm=128)
    reference.update_batch(list(grams))
    assert np.array_equal(minhash(grams, 128), reference.hashvalues)
    assert minhash(grams, 128).dtype == reference.hashvalues.dtype


@pytest.mark.parametrize("num_perm", [16, 128, 256])
def test_lsh_bands_and_rows_are_datasketchs(num_perm: int) -> None:
    from datasketch.lsh import _optimal_param

    for threshold in (0.05, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.99):
        lsh_params.cache_clear()  # computed here, not read from another test's call
        assert lsh_params(threshold, num_perm) == tuple(_optimal_param(threshold, num_perm, 0.5, 0.5))


def test_fingerprinting_needs_no_scipy() -> None:
    import subprocess
    import sys

    check = "import sys, zopa.dedupe as d; d.fingerprint('a b c'); print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_content_hash_ignores_case_spacing_and_line_breaks() -> None:
    assert content_hash("Talks  resume\n\nin Cedarport.") == content_hash("talks resume in   CEDARPORT.")
    assert content_hash("Talks resume.") != content_hash("Talks resumed.")


def test_lsh_parameters_cover_the_signature() -> None:
    bands, rows = lsh_params(0.8, 128)
    assert bands * rows <= 128 and bands >= 2


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_a_text_is_identical_to_itself(value: str) -> None:
    a = fingerprint(value)
    b = fingerprint(value)
    assert a.bands == b.bands and similarity(a.signature, b.signature) == 1.0


def test_near_duplicate_is_similar_and_other_text_is_not() -> None:
    edited = ARTICLE.replace("on Friday", "on Friday morning").replace("next week", "next Tuesday")
    other = (
        "Grain quota deal signed\n\nBeltia and Arland signed a grain quota agreement on Thursday after "
        "months of talks over export limits; each may ship forty thousand tonnes a year."
    )
    base = fingerprint(ARTICLE)
    assert similarity(base.signature, fingerprint(edited).signature) > 0.7
    assert similarity(base.signature, fingerprint(other).signature) < 0.2
    assert set(base.bands) & set(fingerprint(edited).bands)


def _counts(db: object) -> dict[str, int]:
    with db.connect() as conn:  # type: ignore[attr-defined]
        return {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in schema.metadata.tables.items()
        }


def test_exact_duplicates_skipped_near_duplicates_marked(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b-copy.txt").write_text(ARTICLE.upper().replace("\n\n", "\n"), encoding="utf-8")  # same text
    (tmp_path / "c-edit.txt").write_text(ARTICLE.replace("on Friday", "on Friday morning"), encoding="utf-8")
    db = open_db(db_url)
    report = ingest([tmp_path], db)
    statuses = [(o.source.rsplit("/", 1)[-1], o.status) for o in report.documents]
    assert statuses == [("a.txt", "added"), ("b-copy.txt", "duplicate"), ("c-edit.txt", "near-duplicate")]
    original = report.documents[0].document_id
    assert report.documents[1].document_id == original
    assert report.documents[2].duplicate_of == original
    assert report.documents[2].story == report.documents[0].story or report.documents[0].story is None
    db.close()


def test_ingesting_the_same_input_twice_changes_nothing(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        ARTICLE.replace("Friday", "Monday").replace("summer", "winter"), encoding="utf-8"
    )
    db = open_db(db_url)
    ingest([tmp_path], db)
    before = _counts(db)
    again = ingest([tmp_path], db)
    assert [o.status for o in again.documents] == ["duplicate", "duplicate"]
    assert _counts(db) == before
    assert before["documents"] == 2 and before["document_bands"] > 0 and before["document_terms"] > 0
    db.close()


def test_band_lookup_uses_the_index_not_a_scan_regression_row_value_in(sqlite_url: str) -> None:
    # regression: a row-value IN list made SQLite scan document_bands for every new document (quadratic)
    db = open_db(sqlite_url)
    query = band_lookup(fingerprint(ARTICLE).bands)
    with db.connect() as conn:
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        plan = " | ".join(str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "SEARCH document_bands USING COVERING INDEX" in plan, plan
    assert "SCAN document_bands" not in plan, plan
    db.close()


def test_story_candidate_lookup_uses_the_term_index(sqlite_url: str) -> None:
    db = open_db(sqlite_url)
    with db.connect() as conn:
        plan = " | ".join(
            str(row[-1])
            for row in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT document_id, count(*) FROM document_terms "
                    "WHERE term IN ('Arland', 'Beltia') GROUP BY document_id"
                )
            )
        )
    assert "SEARCH document_terms USING COVERING INDEX" in plan and "SCAN document_terms" not in plan, plan
    db.close()


def test_options_threshold_controls_near_duplicates(sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE.replace("on Friday", "on Friday morning"), encoding="utf-8")
    db = open_db(sqlite_url)
    report = ingest([tmp_path], db, options=IngestOptions(near_duplicate_threshold=0.999))
    assert [o.status for o in report.documents] == ["added", "added"]
    db.close()
