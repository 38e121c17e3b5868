"""Fuzzing in CI (hypothesis, few examples; ``bench/fuzz.py`` runs many more): the parsers, the cleaner, the
codebook loader, the model-table readers and the extractors return their record or raise a ZopaError, never
another exception, and no input takes longer than the deadline (a bound for inputs this small, not a speed
figure)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_strategies as fz
from zopa.clean import clean_text
from zopa.errors import InputError
from zopa.ingest import parse_published
from zopa.stories import key_terms

FAST = settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(fz.any_document, fz.formats)
def test_reading_any_bytes_gives_articles_or_input_errors(data: bytes, fmt: str | None) -> None:
    fz.read_document(data, fmt)


@FAST
@given(fz.article_text)
def test_cleaning_and_key_terms_take_any_text(text: str) -> None:
    cleaned = clean_text(text).text
    assert clean_text(cleaned).text == cleaned
    key_terms(text[:50], text)


@FAST
@given(fz.json_values)
def test_any_published_value_is_a_date_in_range_or_refused(value: Any) -> None:
    try:
        when = parse_published(value, "fuzz")
    except InputError:
        return
    assert when is None or (1900 <= when.year <= 2100 and when.tzinfo is None)


@FAST
@given(fz.codebook_changes)
def test_a_mutated_codebook_loads_or_is_refused(changes: list[tuple[int, Any]]) -> None:
    fz.load_mutated_codebook(changes)


@FAST
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_codebook_files_of_any_bytes_load_or_are_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        fz.load_codebook_bytes(data, Path(folder))


@FAST
@given(fz.table_inputs)
def test_model_tables_with_any_values_read_or_are_refused(spec: tuple[str, list[Any]]) -> None:
    fmt, cells = spec
    with tempfile.TemporaryDirectory() as folder:
        fz.read_table(fmt, fz._table_text(fmt, cells).encode(), Path(folder))


@FAST
@given(fz.table_bytes)
def test_model_tables_of_any_bytes_read_or_are_refused(spec: tuple[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        fz.read_table(spec[0], spec[1], Path(folder))


@settings(max_examples=15, deadline=20_000, suppress_health_check=list(HealthCheck))
@given(fz.article_text)
def test_extraction_takes_any_text(text: str) -> None:
    fz.extract_text(text)
