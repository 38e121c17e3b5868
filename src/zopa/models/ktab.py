"""Readers for KTAB's Spatial Model of Politics inputs (CSV and XML) -> :class:`Negotiation`.

KTAB CSV (``smpc --csv``): line 1 ``scenario name, description, nActors, nDims``; line 2 a header ``Actor,
Description, Influence, <dim> Position, <dim> Salience, ...``; then one line per actor. Positions and
saliences are on 0-100; saliences are divided by 100 here (zopa's convention). Trailing commas are allowed.

KTAB XML (``smpc --xml``, schema ``smpSchema.xsd``): ``<Scenario>`` with ``name``, ``desc``, ``prngSeed``,
optional ``<ModelParameters>`` (the SMP options: ``VictoryProbModel``, ``PCEModel``, ``StateTransitions``,
``VotingRule``, ``BigRAdjust``, ``BigRRange``, ``ThirdPartyCommit``, ``InterVecBrgn``, ``BargnModel``),
``<Dimensions>`` and ``<Actors>``; an empty ``<dCoord>`` means the actor takes no part in that dimension
(NaN). ``<IdealAdjustment>`` pairs are returned in the parameters (``ideal_adjust``) for reference.

The model parameters found in a file are returned as keyword options of ``smp.v1`` (see
:mod:`zopa.models.smp`) and kept in ``table.meta["smp_params"]``; the scenario's seed in
``table.meta["seed"]``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.readers import read_table_text
from zopa.models.table import IssueSpec, Negotiation

# XML element -> smp.v1 keyword option
MAX_COUNT = 100_000  # actors or dimensions a KTAB file may announce
_XML_PARAMS = {
    "VictoryProbModel": "victory_prob",
    "PCEModel": "pce_model",
    "StateTransitions": "state_transitions",
    "VotingRule": "voting_rule",
    "BigRAdjust": "big_r_adjust",
    "BigRRange": "big_r_range",
    "ThirdPartyCommit": "third_party_commit",
    "InterVecBrgn": "inter_vec_bargain",
    "BargnModel": "bargain_model",
}


def _num(text: str, where: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ModelInputError(f"{where}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ModelInputError(f"{where}: {text.strip()!r} is not a finite number")
    return value


def _count(text: str, where: str, *, most: int) -> int:
    """A count announced in a file (actors, dimensions): a whole number from 1 to ``most``."""
    value = _num(text, where)
    if value != int(value) or not 1 <= value <= most:
        raise ModelInputError(f"{where}: {text.strip()!r} must be a whole number from 1 to {most:,}")
    return int(value)


def _dim_name(header: str) -> str:
    name = re.sub(r"\s*position\s*$", "", header.strip(), flags=re.IGNORECASE)
    return name or header.strip()


def read_ktab_csv(path: str | Path) -> Negotiation:
    """Read a KTAB SMP CSV file; salience / 100, capability per actor, provenance ``file:line``."""
    path = Path(path)
    text = read_table_text(path, what="KTAB CSV", encoding="utf-8-sig")
    try:
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise ModelInputError(f"{path}: not valid CSV ({exc})") from None
    rows = [r for r in rows if any(r)]
    if len(rows) < 3:
        raise ModelInputError(f"{path}: a KTAB CSV needs a scenario line, a header and at least one actor")
    head = [c for c in rows[0]]
    while head and head[-1] == "":
        head.pop()
    if len(head) < 4:
        raise ModelInputError(f"{path}: line 1 must be 'scenario, description, nActors, nDims'")
    n_act = _count(head[2], f"{path}: line 1 nActors", most=MAX_COUNT)
    n_dim = _count(head[3], f"{path}: line 1 nDims", most=MAX_COUNT)
    name, desc = head[0], head[1]
    header = rows[1]
    if len(header) < 3 + 2 * n_dim:
        raise ModelInputError(
            f"{path}: header has {len(header)} columns, {3 + 2 * n_dim} needed for {n_dim} dims"
        )
    dims = [_dim_name(header[3 + 2 * d]) for d in range(n_dim)]
    body = rows[2:]
    if len(body) != n_act:
        raise ModelInputError(f"{path}: line 1 announces {n_act} actors but the file has {len(body)}")
    actors, cap = [], np.zeros(n_act)
    pos = np.full((n_act, n_dim), np.nan)
    sal = np.zeros((n_act, n_dim))
    prov: dict[str, str] = {}
    for a, row in enumerate(body):
        line = a + 3
        if len(row) < 3 + 2 * n_dim:
            raise ModelInputError(f"{path}:{line}: actor row has {len(row)} columns, {3 + 2 * n_dim} needed")
        actors.append(row[0])
        cap[a] = _num(row[2], f"{path}:{line}: actor {row[0]!r} capability")
        for d in range(n_dim):
            where = f"{path}:{line}: actor {row[0]!r}, dimension {dims[d]!r}"
            p, s = row[3 + 2 * d], row[4 + 2 * d]
            if p == "":
                continue
            pos[a, d] = _num(p, where + " position")
            sal[a, d] = _num(s, where + " salience") / 100.0
            prov[f"{row[0]}/{dims[d]}/position"] = f"{path}:{line}"
    return Negotiation(
        name=name,
        actors=tuple(actors),
        issues=tuple(IssueSpec(id=d, label=d) for d in dims),
        position=pos,
        salience=sal,
        capability=np.repeat(cap[:, None], len(dims), axis=1),
        provenance=prov,
        meta={
            "description": desc,
            "source": str(path),
            "format": "ktab-csv",
            "descriptions": [r[1] for r in body],
            "smp_params": {},
        },
    )


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def read_ktab_xml(path: str | Path) -> tuple[Negotiation, dict[str, Any]]:
    """Read a KTAB SMP XML scenario; returns the table and the ``smp.v1`` options it names."""
    path = Path(path)
    try:
        root = ET.fromstring(path.read_bytes().lstrip(b"\xef\xbb\xbf"))
    except OSError as exc:
        raise ModelInputError(f"{path}: cannot read KTAB XML ({exc.strerror or exc})") from None
    except (ET.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown declared encoding
        raise ModelInputError(f"{path}: cannot parse KTAB XML ({exc})") from None
    if root.tag != "Scenario":
        raise ModelInputError(f"{path}: root element is <{root.tag}>, expected <Scenario>")
    params: dict[str, Any] = {}
    mp = root.find("ModelParameters")
    if mp is not None:
        for tag, key in _XML_PARAMS.items():
            if mp.find(tag) is not None:
                params[key] = _text(mp.find(tag))
    dims = [_text(d) for d in root.iterfind("Dimensions/dName")]
    if not dims:
        raise ModelInputError(f"{path}: <Dimensions> lists no <dName>")
    actors_el = list(root.iterfind("Actors/Actor"))
    if not actors_el:
        raise ModelInputError(f"{path}: <Actors> lists no <Actor>")
    na, nd = len(actors_el), len(dims)
    pos = np.full((na, nd), np.nan)
    sal = np.zeros((na, nd))
    cap = np.zeros(na)
    names, descs = [], []
    for a, el in enumerate(actors_el):
        nm = _text(el.find("name"))
        names.append(nm)
        descs.append(_text(el.find("description")))
        cap[a] = _num(_text(el.find("capability")), f"{path}: actor {nm!r} capability")
        coords = [_text(c) for c in el.iterfind("Position/dCoord")]
        sals = [_text(c) for c in el.iterfind("Salience/dSal")]
        if len(coords) != nd or len(sals) != nd:
            raise ModelInputError(
                f"{path}: actor {nm!r} has {len(coords)} dCoord and {len(sals)} dSal, expected {nd} each"
            )
        for d in range(nd):
            where = f"{path}: actor {nm!r}, dimension {dims[d]!r}"
            if coords[d] == "":
                continue
            pos[a, d] = _num(coords[d], where + " position")
            sal[a, d] = _num(sals[d], where + " salience") / 100.0
    ideal = [
        (
            _text(p.find("adjustingIdeal")),
            _text(p.find("referencePos")),
            _num(_text(p.find("adjust")), str(path)),
        )
        for p in root.iterfind("IdealAdjustment/iaPair")
    ]
    if ideal:
        params["ideal_adjust"] = ideal
    seed = _text(root.find("prngSeed"))
    table = Negotiation(
        name=_text(root.find("name")) or path.stem,
        actors=tuple(names),
        issues=tuple(IssueSpec(id=d, label=d) for d in dims),
        position=pos,
        salience=sal,
        capability=np.repeat(cap[:, None], len(dims), axis=1),
        provenance={f"{n}/{d}/position": str(path) for n in names for d in dims},
        meta={
            "description": _text(root.find("desc")),
            "source": str(path),
            "format": "ktab-xml",
            "descriptions": descs,
            "seed": seed,
            "smp_params": dict(params),
        },
    )
    return table, params


def read_ktab(path: str | Path) -> Negotiation:
    """Read a KTAB CSV or XML file by its suffix; XML parameters land in ``table.meta["smp_params"]``."""
    p = Path(path)
    if p.suffix.lower() == ".xml":
        return read_ktab_xml(p)[0]
    if p.suffix.lower() == ".csv":
        return read_ktab_csv(p)
    raise ModelInputError(f"{p}: not a KTAB input (expected .csv or .xml)")
