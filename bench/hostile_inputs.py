"""Hostile inputs against normal articles of the same size: each pathological input of the hostile-input issue
(the ``www.`` line, nested repeated lines, a long paragraph, runs of quote marks and commas, an entity bomb,
deep nesting, a billion-laughs feed, bad dates) is read, cleaned, extracted and stored like ``zopa analyze``
does, and timed against real news text (``../shared/corpus``) cut or repeated to the same number of bytes in
the same format, in the same run. Each must finish or be refused within ``--bound`` (10) times the normal
article's time; the script prints the ratios and exits 1 if one is over.

    python3 bench/hostile_inputs.py [--bound 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BODY = "The delegations met in Geneva on Monday and said the talks would go on for another week at least."


def _normal_text(size: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*/articles/*.txt"))]
    if not texts:
        sys.exit(f"the real-news corpus is not at {CORPUS}")
    out, n = [], 0
    while n < size:
        for t in texts:
            body = t.split("\n", 3)[-1]  # after the URL, outlet and blank lines
            out.append(body)
            n += len(body.encode()) + 2
            if n >= size:
                break
    return ("Normal headline\n\n" + "\n\n".join(out)).encode()[:size].decode("utf-8", "ignore")


def _normal(fmt: str, size: int) -> bytes:
    text = _normal_text(size)
    if fmt == "html":
        paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
        return (
            f"<html><body><article>{paragraphs}</article></body></html>".encode()[:size] + b"</body></html>"
        )
    if fmt == "jsonl":
        return json.dumps({"title": "Normal", "text": text}).encode()
    if fmt == "feed":
        items = "".join(
            f"<item><title>N</title><description>{p}</description></item>" for p in text.split("\n\n")
        )
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}</channel></rss>'
        return feed.encode()
    return text.encode()


def _feed(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>W</title><item><title>T</title>'
        f"<description>{body} {BODY}</description></item></channel></rss>"
    ).encode()


lines = [f"byline {i}" for i in range(20_000)]
LOL = (
    '<!DOCTYPE l [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
CASES: dict[str, tuple[str, bytes]] = {
    "www. x40 lines": ("text", ("Head\n\n" + "\n".join(["www." * 40 + " x"] * 1000)).encode()),
    "nested repeated lines (20,000 and reverse)": (
        "text",
        ("Head\n\n" + "\n".join(lines + lines[::-1])).encode(),
    ),
    "one paragraph of 90 KB": (
        "text",
        ("Head\n\n" + "The envoy from Arland met Beltia's minister. " * 2000).encode(),
    ),
    "one paragraph of 500 KB (refused)": (
        "text",
        ("Head\n\n" + "The envoy met the minister. " * 18_000).encode(),
    ),
    "16,000 quote marks": ("text", ("Head\n\nPutin said " + '"' * 16_000 + " the talks.").encode()),
    "50,000 quote marks": ("text", ("Head\n\nPutin said " + '"' * 50_000 + " the talks.").encode()),
    "50,000 commas": ("text", ("Head\n\nPutin said " + ", " * 25_000 + " the talks.").encode()),
    "entity bomb (2 MB of &amp;)": (
        "html",
        (f"<html><body><p>{BODY} " + "&amp; " * 350_000 + "</p></body></html>").encode(),
    ),
    "JSON field of 200 KB": ("jsonl", json.dumps({"title": "Big", "text": (BODY + "\n") * 2_000}).encode()),
    "JSON nested 100,000 deep": ("jsonl", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    "XML nested 100,000 deep": ("feed", _feed("<b>" * 100_000 + "x" + "</b>" * 100_000)),
    "billion laughs": ("feed", _feed("&l9;", LOL)),
    "year 9999 and NaN dates": (
        "jsonl",
        (
            json.dumps({"title": "a", "published": "9999-12-31T23:00:00-05:00", "text": BODY})
            + "\n"
            + json.dumps({"title": "b", "published": float("nan"), "text": BODY})
        ).encode(),
    ),
}


def _analyze_one(data: bytes, fmt: str) -> Callable[[], tuple[int, int]]:
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.extract import extract
    from zopa.ingest import read_memory
    from zopa.pipeline import IngestOptions, store_or_report
    from zopa.records import Article
    from zopa.store.db import open_db

    codebook = load_codebook(default_codebook_path())

    def run() -> tuple[int, int]:
        stored = refused = 0
        with tempfile.TemporaryDirectory() as folder, open_db(Path(folder) / "z.db") as db:
            for item in read_memory(data, source="bench", fmt=fmt):
                if not isinstance(item, Article):
                    refused += 1
                    continue
                evidence = extract(item, codebook)
                outcome = store_or_report(
                    db, item, IngestOptions(), evidence=evidence, codebook=codebook, codebook_hash="bench"
                )
                stored += not hasattr(outcome, "problem")
        return stored, refused

    return run


def _seconds(fn: Callable[[], tuple[int, int]], repeat: int = 1) -> tuple[float, tuple[int, int]]:
    best, result = float("inf"), (0, 0)
    for _ in range(repeat):
        started = time.process_time()
        result = fn()
        best = min(best, time.process_time() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bound", type=float, default=10.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    _seconds(_analyze_one(_normal("text", 2000), "text"), repeat=1)  # load spaCy and the codebook once
    rows = []
    for name, (fmt, data) in CASES.items():
        hostile, (stored, refused) = _seconds(_analyze_one(data, fmt))
        normal, _ = _seconds(_analyze_one(_normal(fmt, len(data)), fmt))
        ratio = hostile / max(normal, 1e-3)
        rows.append(
            {
                "input": name,
                "bytes": len(data),
                "format": fmt,
                "seconds": round(hostile, 3),
                "normal_seconds": round(normal, 3),
                "ratio": round(ratio, 2),
                "stored": stored,
                "refused": refused,
            }
        )
        if not args.json:
            print(
                f"{name:44} {len(data):>10,} B  {hostile:7.3f} s  normal {normal:7.3f} s  x{ratio:5.2f}  "
                f"stored {stored} refused {refused}",
                flush=True,
            )
    worst = max(r["ratio"] for r in rows)
    if args.json:
        print(json.dumps({"cases": rows, "worst_ratio": worst, "bound": args.bound}, indent=2))
    else:
        print(f"worst ratio x{worst:.2f} (bound x{args.bound:g}), CPU seconds of one run each")
    return 0 if worst <= args.bound else 1


if __name__ == "__main__":
    sys.exit(main())
