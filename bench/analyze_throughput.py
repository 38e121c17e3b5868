"""End-to-end throughput of analysis (ingest + extract + store) with selective parsing vs the full baseline.

Generates N synthetic news articles about a negotiation (codebook actors, issue cues, stance cues, quotes,
event figures, and the background sentences real articles are mostly made of), then runs, each in its own
process pinned to one CPU core:

* ``selective``: ``zopa.pipeline.analyze`` (spaCy only on sentences that can hold evidence);
* ``baseline``: the same with ``ExtractOptions(parse_all=True)`` (full spaCy pipeline on every sentence).

When the pipeline cannot take extraction options, both modes call ``zopa.extract.extract`` directly on the
generated articles (no database). Printed: articles/s and words/s per CPU-second of a single-threaded process
(the machine may be shared; wall-clock rates are printed too), peak memory (max RSS) of each run,
the speed-up, and whether the extracted evidence is identical in both modes (a hash over every item).

Usage: python bench/analyze_throughput.py [--articles 5000] [--seed 0] [--mode both|selective|baseline]
Keep --articles small (e.g. 200) while developing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zopa.codebook import Codebook, default_codebook_path, load_codebook
from zopa.records import Article

PARTIES = [
    "Russia",
    "Ukraine",
    "the United States",
    "the European Union",
    "NATO",
    "Moscow",
    "Kyiv",
    "Washington",
]
PEOPLE = [
    ("Vladimir Putin", "the Russian president"),
    ("Volodymyr Zelenskyy", "the Ukrainian president"),
    ("Sergei Lavrov", "Russia's foreign minister"),
    ("Marco Rubio", "the secretary of state"),
    ("Kaja Kallas", "the EU's top diplomat"),
    ("Mark Rutte", "NATO chief"),
    ("Dmitry Peskov", "the Kremlin spokesman"),
    ("Andrii Sybiha", "Ukraine's foreign minister"),
]
ISSUES = [
    "the NATO bid",
    "security guarantees",
    "a ceasefire",
    "sanctions relief",
    "the frozen assets",
    "control of the Donetsk region",
    "recognition of Crimea",
    "the Zaporizhzhia nuclear plant",
    "elections in Ukraine",
    "a prisoner exchange",
    "the peace plan",
    "a cap on Ukraine's army",
]
STANCE_SENTENCES = [
    "{party} demanded {issue} as a condition for any deal.",
    "{party} rejected {issue}, officials said.",
    "{person} said {party2} was ready to discuss {issue} if {party} dropped its demands.",
    "{person} warned that {party} would keep fighting if talks on {issue} collapsed.",
    "{party} has offered {issue} in exchange for {issue2}.",
    "{person} welcomed {issue} but said more work was needed.",
    "{party} insists that {issue} is non-negotiable.",
    "{person} made it clear that {party} will never accept {issue}.",
]
QUOTES = [
    "\u201cWe will not give up {issue},\u201d {person} told reporters.",
    "\u201cThere can be no peace without {issue},\u201d said {person}.",
    "{person} described the proposal as \u201ca serious step\u201d but \u201cnot enough.\u201d",
]
EVENTS = [
    "Overnight, {n} drones were launched at {city}, and air defences intercepted {m}.",
    "At least {n} people were injured in shelling of {city} on {day}, local officials said.",
    "{n} prisoners were exchanged on {day}, according to {party}.",
]
BACKGROUND = [
    "The war has reshaped the economy of the region and displaced millions of families from their homes.",
    "Analysts note that winter weather tends to slow operations along the long front line.",
    "Diplomats from several countries travelled to the capital this week for a round of meetings.",
    "The city was quiet on Sunday morning as residents queued for bread and water near the central square.",
    "Energy prices across the continent have fallen from their peak but remain above pre-war levels.",
    "The conflict began in February 2022 and has become the largest war in Europe in generations.",
    "Railway lines have been repaired several times after repeated damage over the past months.",
    "Farmers in the south have struggled to plant crops in fields that are still littered with mines.",
    "Many schools now hold classes in basements or online because of the frequent air raid alerts.",
    "Observers expect the next round of meetings to be held in a neutral country later this month.",
    "The local museum reopened after a long closure and drew large crowds of visitors on its first day.",
    "Economists say reconstruction will take years and cost hundreds of billions of dollars.",
    "Volunteers continue to deliver food, medicine and warm clothing to villages close to the front.",
    "Television stations broadcast the speech live, and it was widely shared on social media afterwards.",
]
CITIES = ["Kharkiv", "Odesa", "Dnipro", "Zaporizhzhia", "Sumy", "Kherson"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def generate(n: int, seed: int) -> list[Article]:
    """``n`` synthetic articles of 12-18 paragraphs: about a third evidence, the rest background."""
    rng = random.Random(seed)
    articles = []
    for k in range(n):
        paragraphs = []
        for _ in range(rng.randint(12, 18)):
            kind = rng.random()
            person, _title = rng.choice(PEOPLE)
            slots = {
                "party": rng.choice(PARTIES),
                "party2": rng.choice(PARTIES),
                "person": person,
                "issue": rng.choice(ISSUES),
                "issue2": rng.choice(ISSUES),
                "n": rng.randint(2, 150),
                "m": rng.randint(1, 60),
                "city": rng.choice(CITIES),
                "day": rng.choice(DAYS),
            }
            if kind < 0.18:
                template = rng.choice(STANCE_SENTENCES)
            elif kind < 0.26:
                template = rng.choice(QUOTES)
            elif kind < 0.33:
                template = rng.choice(EVENTS)
            else:
                template = " ".join(rng.sample(BACKGROUND, 2))
            text = template.format(**slots)
            paragraphs.append(text[0].upper() + text[1:])
        title = f"Talks update {k}: {rng.choice(PARTIES).removeprefix('the ')} and {rng.choice(ISSUES)}"
        body = title + "\n\n" + "\n\n".join(paragraphs)
        articles.append(Article(source=f"generated-{k}.txt", title=title, text=body, raw=body))
    return articles


CHECKED = 1000  # articles whose evidence is compared item by item when timing goes through the pipeline


def _evidence_digest(evidence_dicts: list[dict]) -> str:
    return hashlib.sha256(json.dumps(evidence_dicts, sort_keys=True).encode()).hexdigest()


def _pin_one_core(mode: str) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[(0 if mode == "selective" else 1) % len(cores)]})


def run_mode(mode: str, n: int, seed: int) -> dict:
    """One measured run (in this process): returns figures and a digest of the extracted evidence."""
    _pin_one_core(mode)
    from zopa.extract import ExtractOptions, extract
    from zopa.extract._nlp import load_nlp

    codebook: Codebook = load_codebook(default_codebook_path())
    articles = generate(n, seed)
    words = sum(len(a.text.split()) for a in articles)
    options = ExtractOptions(parse_all=(mode == "baseline"))
    load_nlp()
    extract(articles[0], codebook, options=options)  # warm-up: model and compiled cues
    via = "extract"
    digest_items: list[dict] = []
    start = time.perf_counter()
    pipeline_ok = False
    try:
        from zopa.pipeline import AnalyzeOptions, analyze
        from zopa.store.db import open_db

        pipeline_ok = "extract_options" in AnalyzeOptions.__dataclass_fields__
    except ImportError:
        pipeline_ok = False
    if pipeline_ok:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "articles"
            folder.mkdir()
            for a in articles:
                (folder / a.source).write_text(a.text, encoding="utf-8")
            db = open_db(Path(tmp) / "bench.db")
            start, cpu_start = time.perf_counter(), time.process_time()
            analyze([folder], db, codebook=codebook, options=AnalyzeOptions(extract_options=options))
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            db.close()
            via = "zopa.pipeline.analyze"
        # identical output: the evidence itself, item by item (not timed)
        digest_items = [extract(a, codebook, options=options).as_dict() for a in articles[:CHECKED]]
    else:
        cpu_start = time.process_time()
        for a in articles:
            digest_items.append(extract(a, codebook, options=options).as_dict())
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mode": mode,
        "via": via,
        "articles": n,
        "words": words,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "articles_per_s": n / cpu,
        "words_per_s": words / cpu,
        "wall_articles_per_s": n / elapsed,
        "peak_mb": peak_mb,
        "digest": _evidence_digest(digest_items),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", choices=["both", "selective", "baseline"], default="both")
    args = parser.parse_args()
    if args.mode != "both":
        print(json.dumps(run_mode(args.mode, args.articles, args.seed)))
        return 0
    # both modes run at once, each in its own single-threaded process; rates are per CPU-second
    procs = {
        mode: subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--mode",
                mode,
                "--articles",
                str(args.articles),
                "--seed",
                str(args.seed),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for mode in ("selective", "baseline")
    }
    results = {}
    for mode, proc in procs.items():
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{mode} run failed with exit status {proc.returncode}")
        results[mode] = json.loads(out.strip().splitlines()[-1])
    sel, base = results["selective"], results["baseline"]
    print(f"{args.articles} generated articles ({sel['words']} words), one core each, via {sel['via']}")
    print("rates are per CPU-second of the process (one thread), so other load on the machine does not count")
    for r in (sel, base):
        print(
            f"  {r['mode']:9}  {r['articles_per_s']:7.1f} articles/s  {r['words_per_s']:9.0f} words/s  "
            f"peak {r['peak_mb']:.0f} MB  (CPU {r['cpu_seconds']:.1f} s, wall {r['seconds']:.1f} s, "
            f"{r['wall_articles_per_s']:.1f} articles/s by wall clock)"
        )
    speedup = base["cpu_seconds"] / sel["cpu_seconds"]
    print(f"selective parsing speed-up: {speedup:.2f}x CPU time (target >= 2x)")
    checked = args.articles if sel["via"] == "extract" else min(args.articles, CHECKED)
    print(f"identical extraction output on {checked} articles: {sel['digest'] == base['digest']}")
    print(f"target >= 20 articles/s/core: {'met' if sel['articles_per_s'] >= 20 else 'not met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
