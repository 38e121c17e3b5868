"""Score zopa's HTML ingestion on the article-extraction benchmark (../shared/benchmarks/article-extraction).

Each of the 181 pages goes through zopa's real ingestion path (``zopa.ingest.read_inputs`` on the
``.html.gz`` file: decoding, trafilatura, boilerplate cleaning) and the article text is compared with the
hand-made ``articleBody`` by the benchmark's own metric: 4-token shingles of ``\\w+`` tokens; per page,
true and false positives and negatives normalised by their sum; precision and recall averaged over pages; F1
from the two averages. Baselines measured in the same run: trafilatura called directly
(``trafilatura.extract``) and the whole page's text. zopa must stay within 0.01 of trafilatura's published
0.958; the script exits with status 1 when it does not.

    python3 bench/html_extraction.py [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

PUBLISHED_TRAFILATURA_F1 = 0.958
TOLERANCE = 0.01
BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(g for g in grams if g)


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tp += min(t[key], p[key])
        fp += max(0, p[key] - t[key])
        fn += max(0, t[key] - p[key])
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def zopa_text(path: Path) -> str:
    from zopa.ingest import read_inputs
    from zopa.records import Article

    texts = [r.text for r in read_inputs([path]) if isinstance(r, Article)]
    return texts[0] if texts else ""


def trafilatura_text(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def page_text(html: str) -> str:
    import lxml.html

    root = lxml.html.fromstring(html)
    for tag in root.iter("script", "style"):
        tag.drop_tree()
    return root.text_content()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (quick check)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    truth_file = BENCH / "ground-truth.json"
    if not truth_file.exists():
        print(f"benchmark not found at {BENCH} (the repository's ../shared/benchmarks)", file=sys.stderr)
        return 2
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    keys = sorted(truth)[: args.limit]
    zopa_counts, traf_counts, page_counts = [], [], []
    failed: list[str] = []
    zopa_seconds = traf_seconds = 0.0
    for key in keys:
        path = BENCH / "html" / f"{key}.html.gz"
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        body = truth[key].get("articleBody", "")
        start = time.perf_counter()
        text = zopa_text(path)
        zopa_seconds += time.perf_counter() - start
        if not text:
            failed.append(key)
        zopa_counts.append(tp_fp_fn(body, text))
        start = time.perf_counter()
        traf_counts.append(tp_fp_fn(body, trafilatura_text(html)))
        traf_seconds += time.perf_counter() - start
        page_counts.append(tp_fp_fn(body, page_text(html)))
    figures = {
        "pages": len(keys),
        "zopa": scores(zopa_counts),
        "trafilatura_direct": scores(traf_counts),
        "whole_page_text": scores(page_counts),
        "published_trafilatura_f1": PUBLISHED_TRAFILATURA_F1,
        "pages_without_article": len(failed),
        "zopa_pages_per_second": len(keys) / zopa_seconds if zopa_seconds else 0.0,
        "trafilatura_pages_per_second": len(keys) / traf_seconds if traf_seconds else 0.0,
    }
    gap = figures["zopa"]["f1"] - PUBLISHED_TRAFILATURA_F1  # type: ignore[index]
    figures["gap_to_published"] = gap
    figures["ratio_to_direct_trafilatura"] = figures["zopa"]["f1"] / figures["trafilatura_direct"]["f1"]  # type: ignore[index]
    ok = abs(gap) <= TOLERANCE or gap > 0
    if args.json:
        print(json.dumps(figures | {"ok": ok}, indent=2))
    else:
        print(f"article-extraction benchmark, {len(keys)} pages")
        for name in ("zopa", "trafilatura_direct", "whole_page_text"):
            s = figures[name]
            print(f"  {name:<20} F1={s['f1']:.3f}  precision={s['precision']:.3f}  recall={s['recall']:.3f}")  # type: ignore[index]
        print(
            f"  published trafilatura F1 {PUBLISHED_TRAFILATURA_F1:.3f}; zopa - published = {gap:+.3f} "
            f"(must be >= -{TOLERANCE}); "
            f"zopa / direct trafilatura = {figures['ratio_to_direct_trafilatura']:.3f}"
        )
        print(
            f"  pages where zopa found no article: {len(failed)}; "
            f"zopa {figures['zopa_pages_per_second']:.1f} pages/s, "
            f"trafilatura {figures['trafilatura_pages_per_second']:.1f} pages/s"
        )
        print(
            "  OK"
            if ok
            else "  FAIL: zopa's HTML ingestion is more than 0.01 below trafilatura's published F1"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
