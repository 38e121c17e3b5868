"""A longer fuzzing run than CI's: the same hypothesis properties as ``tests/test_fuzz.py`` (from
``tests/fuzz_strategies.py``), each with ``--examples`` inputs (default 2,000; extraction a tenth of that).

Each property: the entry point returns its record or raises a ZopaError, and no input takes longer than
``--deadline-ms``. Prints per property the examples run and the time taken; exits 1 on the first falsified
property (hypothesis prints the shrunk input).

    python3 bench/fuzz.py [--examples 2000] [--deadline-ms 5000] [--only reading] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_strategies as fz


def _in_folder(fn: Callable[..., None]) -> Callable[..., None]:
    def run(*args: Any) -> None:
        with tempfile.TemporaryDirectory() as folder:
            fn(*args, Path(folder))

    return run


def _clean(text: str) -> None:
    from zopa.clean import clean_text
    from zopa.stories import key_terms

    cleaned = clean_text(text).text
    assert clean_text(cleaned).text == cleaned
    key_terms(text[:50], text)


def _published(value: Any) -> None:
    from zopa.errors import InputError
    from zopa.ingest import parse_published

    try:
        when = parse_published(value, "fuzz")
    except InputError:
        return
    assert when is None or 1900 <= when.year <= 2100


PROPERTIES: dict[str, tuple[Callable[..., None], tuple[Any, ...], float]] = {
    "reading": (fz.read_document, (fz.any_document, fz.formats), 1.0),
    "cleaning": (_clean, (fz.article_text,), 1.0),
    "dates": (_published, (fz.json_values,), 1.0),
    "codebook fields": (fz.load_mutated_codebook, (fz.codebook_changes,), 1.0),
    "codebook bytes": (_in_folder(fz.load_codebook_bytes), (st.binary(max_size=400),), 1.0),
    "table values": (
        _in_folder(lambda spec, folder: fz.read_table(spec[0], fz._table_text(*spec).encode(), folder)),
        (fz.table_inputs,),
        1.0,
    ),
    "table bytes": (
        _in_folder(lambda spec, folder: fz.read_table(spec[0], spec[1], folder)),
        (fz.table_bytes,),
        1.0,
    ),
    "extraction": (fz.extract_text, (fz.article_text,), 0.1),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--deadline-ms", type=int, default=5000)
    parser.add_argument("--only", choices=sorted(PROPERTIES), action="append")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for name in args.only or list(PROPERTIES):
        fn, strategies, share = PROPERTIES[name]
        examples = max(10, int(args.examples * share))
        calls = 0

        def counted(values: tuple[Any, ...]) -> None:
            nonlocal calls
            calls += 1
            fn(*values)  # noqa: B023 - run before the loop moves on

        test = settings(
            max_examples=examples,
            deadline=args.deadline_ms,
            suppress_health_check=list(HealthCheck),
            database=None,
        )(given(st.tuples(*strategies))(counted))
        started = time.perf_counter()
        try:
            test()
        except Exception as exc:
            print(f"{name}: FALSIFIED after {calls} calls: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        rows.append(
            {
                "property": name,
                "examples": examples,
                "calls": calls,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        if not args.json:
            print(
                f"{name:16} {examples:6,} examples {calls:7,} calls  {rows[-1]['seconds']:7.1f} s", flush=True
            )
    total = sum(r["calls"] for r in rows)
    if args.json:
        print(json.dumps({"properties": rows, "calls": total}, indent=2))
    else:
        print(f"all properties held: {total:,} calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
