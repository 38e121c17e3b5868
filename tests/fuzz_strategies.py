"""Hypothesis strategies and properties for fuzzing zopa's parsers, shared by ``tests/test_fuzz.py`` (few
examples, in CI) and ``bench/fuzz.py`` (many examples).

Every property says the same thing of one entry point: whatever the input, it returns its record or raises
a :class:`zopa.errors.ZopaError` (never another exception), within the deadline the caller sets.
"""

from __future__ import annotations

import contextlib
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from zopa.errors import ZopaError

NAMES = ["Putin", "Zelensky", "Russia", "Ukraine", "Kremlin", "NATO", "Donetsk", "Crimea", "Trump", "Kyiv"]
WORDS = [
    "said",
    "demands",
    "rejects",
    "ceasefire",
    "talks",
    "never",
    "if",
    "sanctions",
    "troops",
    "drones",
    "launched",
    "1,200",
    "peace",
    "plan",
    "the",
    "of",
    "and",
    "would",
    "must",
    "offer",
    "not",
]
MARKS = ['"', "“", "”", "'", ",", ".", ";", ":", "!", "?", "(", ")", "—", "-", "\n", "\n\n", " ", "•", "#"]
ODD = [
    "\x00",
    "\ud800",
    "\u202e",
    "\ufeff",
    "\u00a0",
    "&#1114112;",
    "&#xD800;",
    "<script>",
    "</textarea>",
    "www.",
    "http://",
    "€",
    "Ж",
    "中",
    "\r",
    "\t",
    "\x85",
    "\u2028",
]

tokens = st.sampled_from(NAMES + WORDS + MARKS + ODD)
article_text = st.lists(tokens, max_size=200).map(" ".join) | st.text(max_size=400)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _json_line(fields: dict[str, Any]) -> str:
    return json.dumps(fields, allow_nan=True)


jsonl_line = st.fixed_dictionaries(
    {},
    optional={
        "title": json_values | article_text,
        "text": article_text | json_values,
        "html": article_text.map(lambda t: f"<html><body><p>{t}</p></body></html>") | json_values,
        "published": json_values
        | st.sampled_from(
            [
                "2025-12-01",
                "9999-12-31T23:00:00-05:00",
                "yesterday",
                "Mon, 01 Dec 2025 10:00:00 +0000",
                "0001-01-01T00:00:00+05:00",
            ]
        ),
        "url": json_values,
        "outlet": json_values,
    },
).map(_json_line) | st.text(max_size=80)
jsonl_document = st.lists(jsonl_line, max_size=5).map("\n".join)


def _feed(entries: list[tuple[str, str, str]], prolog: str) -> str:
    items = "".join(
        f"<item><title>{t}</title><pubDate>{d}</pubDate><description>{b}</description></item>"
        for t, b, d in entries
    )
    return f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>F</title>{items}</channel></rss>'


feed_document = st.builds(
    _feed,
    st.lists(st.tuples(article_text, article_text, st.text(max_size=40)), max_size=3),
    st.sampled_from(
        ["", '<!DOCTYPE r [<!ENTITY e "x">]>', '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/hostname">]>']
    ),
)
html_document = st.builds(
    lambda head, body: f"<html><head><title>{head}</title></head><body><p>{body}</p></body></html>",
    article_text,
    article_text,
) | st.text(max_size=300)
any_document = st.one_of(
    st.binary(max_size=600),
    article_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    jsonl_document.map(lambda t: t.encode("utf-8", "surrogatepass")),
    feed_document.map(lambda t: t.encode("utf-8", "surrogatepass")),
    html_document.map(lambda t: t.encode("utf-8", "surrogatepass")),
    article_text.map(lambda t: t.encode("latin-1", "replace")),
)
formats = st.sampled_from([None, "text", "html", "jsonl", "feed"])


def read_document(data: bytes, fmt: str | None) -> None:
    from zopa.ingest import read_memory
    from zopa.records import Article

    for result in read_memory(data, source="fuzz", fmt=fmt):
        if isinstance(result, Article):
            assert result.text.strip() and "\x00" not in result.text
            result.text.encode("utf-8")  # storable: no lone surrogates
            if result.published is not None:
                assert 1900 <= result.published.year <= 2100
        else:
            assert isinstance(result, ZopaError) and "\n" not in str(result)


# --- codebooks --------------------------------------------------------------------------------------------

CODEBOOK: dict[str, Any] = {
    "name": "fuzz",
    "actors": [
        {"id": "arland", "name": "Arland", "kind": "state", "aliases": ["Arlanders"], "capability": 0.5},
        {
            "id": "holt",
            "name": "Dana Holt",
            "kind": "person",
            "aliases": ["Holt"],
            "speaks_for": [{"party": "arland"}],
            "titles": [{"title": "the Arland minister", "from": "2020-01-01"}],
        },
    ],
    "issues": [
        {
            "id": "fares",
            "label": "Fares",
            "cues": [r"\bfares?\b"],
            "status_quo": 40,
            "anchors": [
                {"value": 0, "meaning": "free", "cues": [r"\bfree\b"]},
                {"value": 100, "meaning": "full"},
            ],
        },
        {
            "id": "no-deal",
            "label": "No deal",
            "no_deal": True,
            "affects": ["fares"],
            "anchors": [{"value": 100, "meaning": "strike", "implies": {"fares": 90}}],
        },
    ],
    "stance_cues": {"demand": [r"\bdemand(?:s|ed)?\b"], "red_line": [r"\bnever\b"]},
    "speech_verbs": ["said"],
}
PATHS = [
    ("actors", 0, "aliases", 0),
    ("actors", 0, "capability"),
    ("actors", 1, "speaks_for", 0, "party"),
    ("actors", 1, "titles", 0, "from"),
    ("issues", 0, "cues", 0),
    ("issues", 0, "status_quo"),
    ("issues", 0, "anchors", 0, "value"),
    ("issues", 1, "anchors", 0, "implies"),
    ("issues", 1, "affects"),
    ("stance_cues", "demand", 0),
    ("name",),
    ("actors", 0, "kind"),
    ("issues", 0, "id"),
    ("speech_verbs", 0),
]
regexes = st.sampled_from(
    [r"(a+)+$", r"(\w+\s?)*$", "(", "[", r"\b", "", "x*", r"(?:a|a)*", r"\bok\b", "a{99999}"]
)
field_values = json_values | regexes | st.floats(allow_nan=True, allow_infinity=True)


def mutated_codebook(changes: list[tuple[int, Any]]) -> dict[str, Any]:
    data = json.loads(json.dumps(CODEBOOK))
    for index, value in changes:
        where: Any = data
        path = PATHS[index % len(PATHS)]
        for key in path[:-1]:
            where = where[key]
        where[path[-1]] = value
    return data


codebook_changes = st.lists(st.tuples(st.integers(0, len(PATHS) - 1), field_values), max_size=3)


def load_mutated_codebook(changes: list[tuple[int, Any]]) -> None:
    from zopa.codebook import parse_codebook

    with contextlib.suppress(ZopaError):
        parse_codebook(mutated_codebook(changes), source="fuzz.yaml")


def load_codebook_bytes(data: bytes, folder: Path) -> None:
    from zopa.codebook import load_codebook

    path = folder / "codebook.yaml"
    path.write_bytes(data)
    with contextlib.suppress(ZopaError):
        load_codebook(path)


# --- model tables -------------------------------------------------------------------------------------------

TABLE_SUFFIXES = {
    "yaml": ".yaml",
    "csv": ".csv",
    "ktab-csv": ".csv",
    "ktab-xml": ".xml",
    "decide": ".tsv",
    "deu3": ".txt",
}
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.sampled_from(["", "x", "1e400", "-0", "nan", "50"]),
)


def _cell(value: Any) -> str:
    return str(value)


def _table_text(fmt: str, cells: list[Any]) -> str:
    c = [_cell(v) for v in cells] + ["1"] * 12
    if fmt == "yaml":
        return (
            f"name: t\nissues: [{{id: a, scale: [{c[0]}, {c[1]}]}}]\nactors:\n"
            f"  - {{name: x, capability: {c[2]}, risk: {c[3]}, positions: {{a: {{position: {c[4]}, "
            f"salience: {c[5]}, spread: {c[6]}}}}}}}\n"
            f"  - {{name: y, positions: {{a: {{position: {c[7]}, red_line: [{c[8]}, {c[9]}]}}}}}}\n"
        )
    if fmt == "csv":
        return (
            f"actor,issue,position,salience,capability,batna\nx,a,{c[0]},{c[1]},{c[2]},{c[3]}\n"
            f"y,a,{c[4]},{c[5]},{c[6]},{c[7]}\n"
        )
    if fmt == "ktab-csv":
        return (
            f"s,d,{c[0]},{c[1]}\nName,Desc,Cap,Apos,Asal\n"
            f"A,a,{c[2]},{c[3]},{c[4]}\nB,b,{c[5]},{c[6]},{c[7]}\n"
        )
    if fmt == "ktab-xml":
        return (
            f'<?xml version="1.0"?><Scenario><name>s</name><Dimensions><dName>d</dName></Dimensions>'
            f"<Actors><Actor><name>A</name><capability>{c[0]}</capability><Position><dCoord>{c[1]}</dCoord>"
            f"</Position><Salience><dSal>{c[2]}</dSal></Salience></Actor><Actor><name>B</name>"
            f"<capability>{c[3]}</capability><Position><dCoord>{c[4]}</dCoord></Position><Salience>"
            f"<dSal>{c[5]}</dSal></Salience></Actor></Actors></Scenario>"
        )
    if fmt == "decide":
        return (
            f"#A\tA\n#A\tB\n#P\tX\n#M\tX\t{c[0]}\tlow\n"
            f"#D\tA\tX\t{c[1]}\t{c[2]}\t{c[3]}\n#D\tB\tX\t{c[4]}\t{c[5]}\t{c[6]}\n"
        )
    return (
        '"prnrnmc"\t"out"\t"rp"\t"pA"\t"sA"\t"pB"\t"sB"\n"x"\t""\t""\t"1"\t""\t"1"\t""\n'
        f'"1"\t"{c[0]}"\t"{c[1]}"\t"{c[2]}"\t"{c[3]}"\t"{c[4]}"\t"{c[5]}"\n'
    )


table_inputs = st.tuples(st.sampled_from(sorted(TABLE_SUFFIXES)), st.lists(numbers, min_size=10, max_size=10))
table_bytes = st.tuples(st.sampled_from(sorted(TABLE_SUFFIXES)), st.binary(max_size=300))


def read_table(fmt: str, data: bytes, folder: Path) -> None:
    from zopa.models.readers import read_negotiations

    path = folder / f"table{TABLE_SUFFIXES[fmt]}"
    path.write_bytes(data)
    try:
        tables = read_negotiations(path, format=fmt)
    except ZopaError:
        return
    for table in tables:
        table.validate()
        assert all(math.isfinite(float(v)) for v in table.capability_matrix().ravel())


# --- extraction ---------------------------------------------------------------------------------------------


@cache
def _shipped_codebook() -> Any:
    from zopa.codebook import default_codebook_path, load_codebook

    return load_codebook(default_codebook_path())


def extract_text(text: str) -> None:
    from zopa.extract import extract
    from zopa.ingest import make_article

    try:
        article = make_article(source="fuzz", title="Fuzz", body=text, raw=text, fmt="text")
    except ZopaError:
        return
    evidence = extract(article, _shipped_codebook())
    for item in (*evidence.quotes, *evidence.positions, *evidence.events, *evidence.mentions):
        assert 0 <= item.start <= item.end <= len(article.text)
