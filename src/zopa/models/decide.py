"""Reader for Decide's input files (Stokman's exchange model, ``foarsitter/decide-exchange-model``).

Rows are tagged in the first column (semicolon CSV, or the tab format with ``'``-quoted cells):

- ``#A;id;name;comment``: an actor; ``#P;id;name;comment``: an issue (dimension);
- ``#M;issue;value;meaning``: a point of the issue's scale and what it means (a real codebook). The lowest and
  highest ``#M`` values define the scale, which is mapped onto 0-100 (Decide's own normalisation); the
  meanings become :attr:`IssueSpec.anchors` keyed by the normalised value;
- ``#D;actor;issue;position;salience;power``: an actor's position, salience and power on an issue. A salience
  of exactly ``0`` means the actor takes no part in the issue (Decide skips such rows); salience on 0-1 is
  kept, on 0-100 (any value above 1) divided by 100. Power is per actor and issue (capability ``(actors,
  issues)``);
- ``#/`` comments and ``#O`` the scenario title.

Actors and issues are matched as Decide does: by their id with everything but letters and digits removed,
lower-cased (``African_grp`` == ``Africangrp``).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.table import IssueSpec, Negotiation


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name).lower()


def _num(text: str, where: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ModelInputError(f"{where}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ModelInputError(f"{where}: {text.strip()!r} is not a finite number")
    return value


def read_decide(path: str | Path) -> Negotiation:
    """Read a Decide ``#A/#P/#M/#D`` file (semicolon CSV or tab format) into a :class:`Negotiation`."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError as exc:
        raise ModelInputError(f"{path}: cannot read Decide file ({exc})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # old Mac line ends, or a stray CR
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delim = "\t" if "\t" in first else (";" if ";" in first else ",")
    quote = "'" if first.startswith("'") else '"'
    actors: dict[str, str] = {}  # key -> display name
    issues: dict[str, tuple[str, str]] = {}  # key -> (id, label)
    scale: dict[str, list[tuple[float, str]]] = {}
    data: list[tuple[int, str, str, float, float, float]] = []
    title = ""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delim, quotechar=quote))
    except csv.Error as exc:
        raise ModelInputError(f"{path}: not a valid Decide file ({exc})") from None
    for n, row in enumerate(rows, start=1):
        row = [c.strip() for c in row]
        if not row or not row[0]:
            continue
        tag = row[0]
        where = f"{path}:{n}"
        if tag in ("#A", "#P", "#M", "#D") and len(row) < {"#A": 2, "#P": 2, "#M": 3, "#D": 6}[tag]:
            raise ModelInputError(f"{where}: {tag} row has too few fields")
        if tag == "#O":
            title = row[1] if len(row) > 1 else ""
        elif tag == "#A":
            k = _key(row[1])
            if k in actors:
                raise ModelInputError(f"{where}: duplicate actor {row[1]!r}")
            actors[k] = row[1]
        elif tag == "#P":
            k = _key(row[1])
            if k in issues:
                raise ModelInputError(f"{where}: duplicate issue {row[1]!r}")
            label = row[2] if len(row) > 2 and row[2] else row[1]
            issues[k] = (row[1], label)
        elif tag == "#M":
            meaning = row[3] if len(row) > 3 else ""
            scale.setdefault(_key(row[1]), []).append((_num(row[2], where + " scale value"), meaning))
        elif tag == "#D":
            a, i = _key(row[1]), _key(row[2])
            if a not in actors:
                raise ModelInputError(f"{where}: actor {row[1]!r} is not declared in an #A row")
            if i not in issues:
                raise ModelInputError(f"{where}: issue {row[2]!r} is not declared in a #P row")
            if row[4] == "0":
                continue
            s_val = _num(row[4], f"{where}: actor {row[1]!r}, issue {row[2]!r} salience")
            data.append(
                (
                    n,
                    a,
                    i,
                    _num(row[3], f"{where}: actor {row[1]!r}, issue {row[2]!r} position"),
                    s_val,
                    _num(row[5], f"{where}: actor {row[1]!r}, issue {row[2]!r} power"),
                )
            )
    if not actors or not issues:
        raise ModelInputError(f"{path}: no #A actors or no #P issues found; is this a Decide file?")
    a_idx = {k: n for n, k in enumerate(actors)}
    i_idx = {k: n for n, k in enumerate(issues)}
    na, ni = len(actors), len(issues)
    pos = np.full((na, ni), np.nan)
    sal = np.zeros((na, ni))
    cap = np.zeros((na, ni))
    prov: dict[str, str] = {}
    raw_lo: dict[str, float] = {}
    raw_hi: dict[str, float] = {}
    for _, _, i, p, _, _ in data:
        raw_lo[i] = min(raw_lo.get(i, p), p)
        raw_hi[i] = max(raw_hi.get(i, p), p)
    saliences_0_100 = any(s > 1 for *_, s, _ in data)
    specs = []
    bounds: dict[str, tuple[float, float]] = {}
    for k, (iid, label) in issues.items():
        pts = scale.get(k, [])
        lo = min((v for v, _ in pts), default=raw_lo.get(k, 0.0))
        hi = max((v for v, _ in pts), default=raw_hi.get(k, 100.0))
        if hi <= lo:
            lo, hi = lo, lo + 100.0
        k_scale = 100.0 / (hi - lo)
        anchors = {round((v - lo) * k_scale, 6): m for v, m in pts if m}
        specs.append(IssueSpec(id=iid, label=label, anchors=anchors))
        bounds[k] = (lo, hi)
    for n, a, i, p, s, c in data:
        lo, hi = bounds[i]
        r, j = a_idx[a], i_idx[i]
        pos[r, j] = (p - lo) * 100.0 / (hi - lo)
        sal[r, j] = s / 100.0 if saliences_0_100 else s
        cap[r, j] = c
        prov[f"{actors[a]}/{issues[i][0]}/position"] = f"{path}:{n}"
    return Negotiation(
        name=title or path.stem,
        actors=tuple(actors.values()),
        issues=tuple(specs),
        position=pos,
        salience=sal,
        capability=cap,
        provenance=prov,
        meta={
            "source": str(path),
            "format": "decide",
            "salience_scale": "0-100" if saliences_0_100 else "0-1",
        },
    )
