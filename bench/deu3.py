"""DEU III: mean absolute error of every registered model against the actual outcomes of EU decisions.

Run: ``python bench/deu3.py [--models compromise.v1 nash.v1] [--no-proposals]`` (reads
``../shared/benchmarks/deu3/deu3.csv``; compromise, median and the cross-validation take a minute, every model
on every table far longer: smp.v1 and bdm.v1 dominate).

Capability definitions (printed with each figure):
- ``council``: Council voting power of the treaty regime in force at the decision date (``bench/
  eu_council_weights.yaml``: Amsterdam weights to 31 Oct 2004, Nice weights to 31 Oct 2014, then population
  under
  Lisbon's double majority); Commission and Parliament = the largest member state. Decision date = ``finact``;
  this copy stores some as ``YYYY-MM-DD`` with day and two-digit year swapped (e.g. ``1930-05-01`` = 30 May
  2001),
  decoded here; where it is missing (``999``) the proposal's ``intro`` date stands in.
- ``gdp``: the GDP row of the file; ``equal``: capability 1 for everyone.
Issues: every issue with a valid outcome and at least two actors with position and salience (353); the
published 22.99 used 351 (at least three actors); both are printed for the compromise model.

Then a cross-validated variant: ``compromise.v1`` with ``salience_power``, ``capability_power`` and
``status_quo_weight`` chosen on a grid by minimising the MAE on the training proposals, 10-fold
cross-validation
grouped by proposal (issues of one proposal never straddle training and test), folds assigned by a seeded
shuffle
of proposals. The held-out MAE is the mean over all issues of the error of the fold's model.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from zopa.errors import ModelInputError
from zopa.models.readers import read_deu3
from zopa.models.registry import get_model, model_names
from zopa.models.table import IssueSpec, Negotiation

HERE = Path(__file__).resolve().parent
DEU = HERE.parents[1] / "shared" / "benchmarks" / "deu3" / "deu3.csv"
WEIGHTS = yaml.safe_load((HERE / "eu_council_weights.yaml").read_text())


def decision_date(meta: Mapping[str, Any]) -> dt.date:
    """Decode ``finact`` (dd-mm-yy, or the swapped YYYY-MM-DD form), else ``intro``."""
    for key in ("finact", "intro"):
        raw = str(meta.get(key, "")).strip().strip('"')
        parts = raw.split("-")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            continue
        a, b, c = (int(p) for p in parts)
        if len(parts[0]) == 4:  # YYYY-MM-DD written from dd-mm-yy read as yy-mm-dd
            day, month, yy = a % 100, b, c
        else:
            day, month, yy = a, b, c
        year = 1900 + yy if yy >= 90 else 2000 + yy
        try:
            return dt.date(year, month, min(day, 28) if month == 2 else min(day, 30))
        except ValueError:
            continue
    raise ModelInputError(f"DEU III issue {meta.get('isnr')!r}: no decision or introduction date")


def regime(date: dt.date) -> str:
    for name, spec in WEIGHTS["regimes"].items():
        if date <= spec["until"]:
            return str(name)
    raise ModelInputError(f"no treaty regime covers {date}")


def council_capability(actors: Sequence[str], meta: Mapping[str, Any]) -> np.ndarray:
    w = WEIGHTS["regimes"][regime(decision_date(meta))]["weights"]
    top = max(w.values())
    out = []
    for a in actors:
        if a in WEIGHTS["institutions"]:
            out.append(top)
        elif a in w:
            out.append(w[a])
        else:
            raise ModelInputError(
                f"DEU III issue {meta.get('isnr')!r}: actor {a!r} has no weight in "
                f"the {regime(decision_date(meta))} regime"
            )
    return np.array(out, dtype=float)


def mae(tables: list[Negotiation], model: str, **params: Any) -> tuple[float, int, list[str]]:
    fn = get_model(model)
    errs: list[float] = []
    refused: list[str] = []
    for t in tables:
        try:
            fc = fn(t, **params).forecast[t.issue_ids[0]]
        except ModelInputError as exc:
            refused.append(str(exc))
            continue
        errs.append(abs(fc - t.meta["outcome"]))
    return (float(np.mean(errs)) if errs else float("nan")), len(errs), refused


def by_proposal(tables: list[Negotiation]) -> list[Negotiation]:
    """Issues of one proposal merged into one multi-issue table (for models that bargain across issues)."""
    groups: dict[str, list[Negotiation]] = {}
    for t in tables:
        groups.setdefault(str(t.meta.get("prnr")), []).append(t)
    out = []
    for prnr, ts in groups.items():
        actors = sorted({a for t in ts for a in t.actors})
        pos = np.full((len(actors), len(ts)), np.nan)
        sal = np.zeros_like(pos)
        cap = np.zeros_like(pos)
        for i, t in enumerate(ts):
            for k, a in enumerate(t.actors):
                j = actors.index(a)
                pos[j, i], sal[j, i] = t.position[k, 0], t.salience[k, 0]
                cap[j, i] = t.capability_matrix()[k, 0]
        issues = tuple(IssueSpec(id=t.issue_ids[0], status_quo=t.issues[0].status_quo) for t in ts)
        out.append(
            Negotiation(
                name=prnr,
                actors=tuple(actors),
                issues=issues,
                position=pos,
                salience=sal,
                capability=cap,
                meta={"outcome": {t.issue_ids[0]: t.meta["outcome"] for t in ts}},
            )
        )
    return out


def mae_by_proposal(groups: list[Negotiation], model: str, **params: Any) -> tuple[float, int]:
    fn = get_model(model)
    errs = []
    for g in groups:
        try:
            fc = fn(g.validate(), **params).forecast
        except ModelInputError:
            continue
        errs += [abs(fc[i] - o) for i, o in g.meta["outcome"].items()]
    return (float(np.mean(errs)) if errs else float("nan")), len(errs)


def cross_validated(tables: list[Negotiation], *, folds: int = 10, seed: int = 0) -> dict[str, Any]:
    grid = list(itertools.product([0.0, 0.5, 1.0, 2.0, 3.0], [0.0, 0.5, 1.0, 1.5], [0.0, 0.1, 0.25, 0.5]))
    fn = get_model("compromise.v1")
    outcome = np.array([t.meta["outcome"] for t in tables])
    fc = np.array(
        [
            [
                fn(t, salience_power=s, capability_power=c, status_quo_weight=q).forecast[t.issue_ids[0]]
                for (s, c, q) in grid
            ]
            for t in tables
        ]
    )  # (issues, grid)
    err = np.abs(fc - outcome[:, None])
    props = sorted({str(t.meta.get("prnr")) for t in tables})
    rng = np.random.default_rng(seed)
    rng.shuffle(props)
    fold_of = {p: k % folds for k, p in enumerate(props)}
    fold = np.array([fold_of[str(t.meta.get("prnr"))] for t in tables])
    held = np.empty(len(tables))
    chosen = []
    for k in range(folds):
        train, test = fold != k, fold == k
        best = int(np.argmin(err[train].mean(axis=0)))
        chosen.append(grid[best])
        held[test] = err[test, best]
    in_sample = int(np.argmin(err.mean(axis=0)))
    return {
        "held_out_mae": float(held.mean()),
        "chosen": chosen,
        "in_sample_best": grid[in_sample],
        "in_sample_mae": float(err[:, in_sample].mean()),
        "grid_size": len(grid),
        "folds": folds,
        "proposals": len(props),
    }


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description="DEU III benchmark of the registered models")
    ap.add_argument("--models", nargs="*", help="models to run (default: every registered model)")
    ap.add_argument("--no-proposals", action="store_true", help="skip the one-table-per-proposal runs (slow)")
    args = ap.parse_args()
    models = args.models or model_names()
    if not DEU.exists():
        print(
            f"DEU III not found at {DEU}: needs ../shared/benchmarks beside the repository", file=sys.stderr
        )
        return 1
    t0 = time.perf_counter()
    tables = {
        cap: read_deu3(DEU, capability=fn)
        for cap, fn in (("council", council_capability), ("gdp", "gdp"), ("equal", "equal"))
    }
    n = len(tables["council"])
    regimes: dict[str, int] = {}
    for t in tables["council"]:
        r = regime(decision_date(t.meta))
        regimes[r] = regimes.get(r, 0) + 1
    print(f"DEU III: {n} valid issues (outcome known, >= 2 actors); regimes by decision date: {regimes}")
    print("\nMean absolute error vs actual outcome (0-100 scale), one table per issue:")
    print(f"{'model':<16}{'council':>10}{'gdp':>10}{'equal':>10}   issues run (council)")
    for model in models:
        t1 = time.perf_counter()
        row = [mae(tables[c], model) for c in ("council", "gdp", "equal")]
        note = f"   {row[0][1]}" + (
            f" ({len(row[0][2])} refused: {row[0][2][0][:70]}...)" if row[0][2] else ""
        )
        note += f"  [{time.perf_counter() - t1:.0f} s]"
        print(f"{model:<16}" + "".join(f"{r[0]:>10.2f}" for r in row) + note, flush=True)
    three = [t for t in tables["council"] if t.n_actors >= 3]
    print(
        f"\ncompromise.v1, council weights, {len(three)} issues with >= 3 actors: "
        f"{mae(three, 'compromise.v1')[0]:.2f} (published 22.99 on 351)"
    )
    print(
        f"compromise.v1, GDP row, {n} issues: {mae(tables['gdp'], 'compromise.v1')[0]:.2f} (published 23.22)"
    )
    for opts in ({"disagreement": "conflict"}, {"disagreement": "status_quo"}):
        m = mae(
            [
                t
                for t in tables["council"]
                if t.issues[0].status_quo is not None or opts["disagreement"] == "conflict"
            ],
            "nash.v1",
            **opts,
        )
        print(f"nash.v1 {opts}: {m[0]:.2f} on {m[1]} issues")
    groups = by_proposal(tables["council"])
    if not args.no_proposals:
        print(
            f"\nOne table per proposal ({len(groups)} proposals; models bargain across a proposal's issues):"
        )
        for model in models:
            t1 = time.perf_counter()
            m = mae_by_proposal(groups, model)
            print(
                f"{model:<16}{m[0]:>10.2f}   on {m[1]} issues  [{time.perf_counter() - t1:.0f} s]", flush=True
            )
    cv = cross_validated(tables["council"])
    print(
        "\nCross-validated compromise variant (salience_power x capability_power x status_quo_weight, "
        f"{cv['grid_size']} settings, {cv['folds']}-fold CV grouped by proposal over "
        f"{cv['proposals']} proposals):"
    )
    print(
        f"  held-out MAE {cv['held_out_mae']:.2f} vs compromise.v1 "
        f"{mae(tables['council'], 'compromise.v1')[0]:.2f}"
        f" on the same {n} issues"
    )
    print(f"  settings chosen per fold: {sorted(set(cv['chosen']))}")
    print(f"  (in-sample best {cv['in_sample_best']}: {cv['in_sample_mae']:.2f}, optimistic, not a result)")
    print(f"\n[{time.perf_counter() - t0:.0f} s]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
