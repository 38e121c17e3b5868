"""Reading negotiation tables: zopa's YAML and CSV formats, DEU III, and a dispatcher for KTAB and Decide.

zopa YAML (salience on 0-100 in files; positions on the issue's scale, 0-100 unless ``scale`` says
otherwise)::

    name: Harbour pilots' pay talks (fictional)
    issues:
      - id: pay-rise
        label: Annual pay rise
        scale: [0, 100]          # optional, default 0-100
        status_quo: 0            # optional: the outcome if talks fail
        anchors: {0: "no rise", 100: "8% a year"}
    actors:
      - name: Pilots' union
        capability: 30           # weight; per issue: {pay-rise: 30, hours: 10}
        capability_spread: 5     # optional standard deviation (or capability_range: [20, 40])
        risk: 0.2                # optional risk attitude in [-1, 1]
        positions:
          pay-rise:
            position: 80         # or a range [70, 90]: drawn uniformly by Monte Carlo, midpoint otherwise
            salience: 90         # 0-100, or a range
            red_line: [40, 100]  # outcomes this actor can accept (either bound may be null)
            batna: 10            # the outcome it expects if talks fail (default: the status quo)
            spread: 10           # standard deviation of the position (salience_spread for salience)

zopa CSV: one row per actor and issue, header naming the columns (``#`` lines are comments, ``# name: X``
names
the table). Required: ``actor, issue, position, salience, capability``; optional: ``status_quo`` (per issue,
repeated), ``red_line_lo, red_line_hi, batna, risk, position_spread, salience_spread, capability_spread``.
A blank position means the actor takes no part in that issue.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, RootModel

from zopa.errors import ModelInputError, ZopaError, describe
from zopa.models import FORMATS
from zopa.models.table import IssueSpec, Negotiation, Uncertainty
from zopa.yamlfile import read_yaml as read_yaml_file


def read_table_text(path: Path, *, what: str = "table", encoding: str = "utf-8") -> str:
    """A table file's text; one :class:`ModelInputError` naming the file when it cannot be read or is not
    UTF-8 (every reader goes through here, so none raises a decoding error of its own)."""
    try:
        return path.read_bytes().decode(encoding)
    except OSError as exc:
        raise ModelInputError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ModelInputError(
            f"{path}: not UTF-8 text (byte {exc.start:,}); re-save the {what} as UTF-8"
        ) from None


def _f(value: Any, where: str) -> float:
    if isinstance(value, bool) or value is None:
        raise ModelInputError(f"{where}: expected a number, got {value!r}")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ModelInputError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(out):
        raise ModelInputError(f"{where}: value is {'NaN' if math.isnan(out) else 'infinite'}")
    return out


def _value_or_range(value: Any, where: str) -> tuple[float, tuple[float, float] | None]:
    """A number, or a ``[lo, hi]`` range whose midpoint is the point value."""
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ModelInputError(f"{where}: a range must be [lo, hi], got {value!r}")
        lo, hi = _f(value[0], where), _f(value[1], where)
        if lo > hi:
            raise ModelInputError(f"{where}: range [{lo:g}, {hi:g}] has lo > hi")
        return (lo + hi) / 2, (lo, hi)
    return _f(value, where), None


# ---------------------------------------------------------------------------------------------- zopa YAML


def negotiation_from_dict(data: Mapping[str, Any], *, source: str = "<dict>") -> Negotiation:
    """Build a table from zopa's YAML structure (already parsed). Errors name the actor and issue."""
    if not isinstance(data, Mapping):
        raise ModelInputError(f"{source}: expected a mapping with 'issues' and 'actors'")
    name = str(data.get("name") or Path(source).stem)
    raw_issues = data.get("issues")
    raw_actors = data.get("actors")
    if not isinstance(raw_issues, list) or not raw_issues:
        raise ModelInputError(f"{source}: 'issues' must be a non-empty list")
    if not isinstance(raw_actors, list) or not raw_actors:
        raise ModelInputError(f"{source}: 'actors' must be a non-empty list")
    issues: list[IssueSpec] = []
    for k, it in enumerate(raw_issues):
        if not isinstance(it, Mapping) or not it.get("id"):
            raise ModelInputError(f"{source}: issue #{k + 1} needs an 'id'")
        iid = str(it["id"])
        where = f"{source}: issue {iid!r}"
        lo, hi = 0.0, 100.0
        if it.get("scale") is not None:
            sc = it["scale"]
            if not isinstance(sc, list | tuple) or len(sc) != 2:
                raise ModelInputError(f"{where}: scale must be [lo, hi]")
            lo, hi = _f(sc[0], where + " scale"), _f(sc[1], where + " scale")
        anchors = {_f(key, where + " anchor"): str(v) for key, v in (it.get("anchors") or {}).items()}
        sq = it.get("status_quo")
        issues.append(
            IssueSpec(
                id=iid,
                label=str(it.get("label") or ""),
                anchors=anchors,
                lo=lo,
                hi=hi,
                status_quo=None if sq is None else _f(sq, where + " status_quo"),
            )
        )
    ids = [i.id for i in issues]
    na, ni = len(raw_actors), len(issues)
    pos = np.full((na, ni), np.nan)
    sal = np.zeros((na, ni))
    cap = np.zeros((na, ni))
    red = np.full((na, ni, 2), np.nan)
    bat = np.full((na, ni), np.nan)
    risk = np.zeros(na)
    pos_sd = np.full((na, ni), np.nan)
    sal_sd = np.full((na, ni), np.nan)
    cap_sd = np.full(na, np.nan)
    pos_rng = np.full((na, ni, 2), np.nan)
    sal_rng = np.full((na, ni, 2), np.nan)
    cap_rng = np.full((na, 2), np.nan)
    actors: list[str] = []
    provenance: dict[str, str] = {}
    for a, ac in enumerate(raw_actors):
        if not isinstance(ac, Mapping) or not ac.get("name"):
            raise ModelInputError(f"{source}: actor #{a + 1} needs a 'name'")
        an = str(ac["name"])
        actors.append(an)
        where = f"{source}: actor {an!r}"
        rc = ac.get("capability", 1.0)
        if isinstance(rc, Mapping):
            for iid, v in rc.items():
                if str(iid) not in ids:
                    raise ModelInputError(f"{where}: capability for unknown issue {iid!r}")
                cap[a, ids.index(str(iid))] = _f(v, f"{where}, issue {iid!r}: capability")
        else:
            c, crange = _value_or_range(rc, where + ": capability")
            cap[a, :] = c
            if crange:
                cap_rng[a] = crange
        if ac.get("capability_range") is not None:
            _, crange = _value_or_range(ac["capability_range"], where + ": capability_range")
            cap_rng[a] = crange if crange else (np.nan, np.nan)
        if ac.get("capability_spread") is not None:
            cap_sd[a] = _f(ac["capability_spread"], where + ": capability_spread")
        if ac.get("risk") is not None:
            risk[a] = _f(ac["risk"], where + ": risk")
        positions = ac.get("positions") or {}
        if not isinstance(positions, Mapping):
            raise ModelInputError(f"{where}: 'positions' must map issue id -> position")
        for iid, entry in positions.items():
            iid = str(iid)
            w = f"{where}, issue {iid!r}"
            if iid not in ids:
                raise ModelInputError(f"{w}: unknown issue (known: {', '.join(ids)})")
            i = ids.index(iid)
            if not isinstance(entry, Mapping):
                entry = {"position": entry}
            if entry.get("position") is None:
                raise ModelInputError(f"{w}: missing position")
            pos[a, i], prange = _value_or_range(entry["position"], w + ": position")
            if prange:
                pos_rng[a, i] = prange
            if entry.get("salience") is None:
                raise ModelInputError(f"{w}: salience is missing (give a number 0-100 or a range [lo, hi])")
            s, srange = _value_or_range(entry["salience"], w + ": salience")
            if not 0 <= s <= 100:
                raise ModelInputError(f"{w}: salience {s:g} must be on 0-100 in files")
            sal[a, i] = s / 100.0
            if srange:
                sal_rng[a, i] = (srange[0] / 100.0, srange[1] / 100.0)
            if entry.get("red_line") is not None:
                rl = entry["red_line"]
                if not isinstance(rl, list | tuple) or len(rl) != 2:
                    raise ModelInputError(f"{w}: red_line must be [lo, hi] (null for an open side)")
                red[a, i] = [np.nan if v is None else _f(v, w + ": red_line") for v in rl]
            if entry.get("batna") is not None:
                bat[a, i] = _f(entry["batna"], w + ": batna")
            for key, arr in (("spread", pos_sd), ("position_spread", pos_sd)):
                if entry.get(key) is not None:
                    arr[a, i] = _f(entry[key], f"{w}: {key}")
            if entry.get("salience_spread") is not None:
                sal_sd[a, i] = _f(entry["salience_spread"], w + ": salience_spread") / 100.0
            if entry.get("source"):
                provenance[f"{an}/{iid}/position"] = str(entry["source"])
    unc = Uncertainty(
        position_sd=pos_sd,
        salience_sd=sal_sd,
        capability_sd=cap_sd,
        position_range=pos_rng,
        salience_range=sal_rng,
        capability_range=cap_rng,
    )
    inv = ~np.isnan(pos)
    capability: np.ndarray = cap[:, 0].copy() if np.all(cap == cap[:, :1]) else np.where(inv, cap, 0.0)
    table = Negotiation(
        name=name,
        actors=tuple(actors),
        issues=tuple(issues),
        position=pos,
        salience=sal,
        capability=capability,
        red_line=None if np.isnan(red).all() else red,
        batna=None if np.isnan(bat).all() else bat,
        risk=risk,
        provenance=provenance,
        meta={"source": source, "description": str(data.get("description") or "")},
        uncertainty=None if unc.is_empty() else unc,
    )
    try:
        return table.validate()
    except ModelInputError as exc:
        msg = str(exc)
        msg = msg[len(name) + 2 :] if msg.startswith(name + ": ") else msg
        raise ModelInputError(f"{source}: {msg}") from None


def read_yaml(path: str | Path) -> Negotiation:
    doc = read_yaml_file(path, what="negotiation", error=_model_input_error)
    return negotiation_from_dict(doc.data, source=str(doc.path))


def _model_input_error(where: str, problem: str) -> ModelInputError:
    return ModelInputError(f"{where}: {problem}")


def negotiation_to_dict(table: Negotiation) -> dict[str, Any]:
    """The table in zopa's YAML structure (salience back on 0-100)."""
    cap = table.capability_matrix()
    per_issue_cap = np.asarray(table.capability).ndim == 2
    issues = []
    for spec in table.issues:
        d: dict[str, Any] = {"id": spec.id}
        if spec.label:
            d["label"] = spec.label
        if (spec.lo, spec.hi) != (0.0, 100.0):
            d["scale"] = [spec.lo, spec.hi]
        if spec.status_quo is not None:
            d["status_quo"] = spec.status_quo
        if spec.anchors:
            d["anchors"] = {float(k): v for k, v in spec.anchors.items()}
        issues.append(d)
    actors = []
    for a, name in enumerate(table.actors):
        inv = table.involved()[a]
        entry: dict[str, Any] = {"name": name}
        if per_issue_cap:
            entry["capability"] = {
                table.issue_ids[i]: float(cap[a, i]) for i in range(table.n_issues) if inv[i]
            }
        else:
            entry["capability"] = float(cap[a, 0])
        if table.risk is not None and table.risk[a] != 0:
            entry["risk"] = float(table.risk[a])
        positions: dict[str, Any] = {}
        for i, iid in enumerate(table.issue_ids):
            if not inv[i]:
                continue
            pe: dict[str, Any] = {
                "position": float(table.position[a, i]),
                "salience": round(float(table.salience[a, i]) * 100, 10),
            }
            if table.red_line is not None and not np.isnan(table.red_line[a, i]).all():
                pe["red_line"] = [None if np.isnan(v) else float(v) for v in table.red_line[a, i]]
            if table.batna is not None and not np.isnan(table.batna[a, i]):
                pe["batna"] = float(table.batna[a, i])
            positions[iid] = pe
        entry["positions"] = positions
        actors.append(entry)
    return {"name": table.name, "issues": issues, "actors": actors}


def negotiation_to_yaml(table: Negotiation) -> str:
    return yaml.safe_dump(negotiation_to_dict(table), sort_keys=False, allow_unicode=True)


# ---------------------------------------------------------------------------------------------- zopa CSV

_CSV_REQUIRED = ("actor", "issue", "position", "salience", "capability")
_CSV_OPTIONAL = (
    "status_quo",
    "red_line_lo",
    "red_line_hi",
    "batna",
    "risk",
    "position_spread",
    "salience_spread",
    "capability_spread",
)


def read_csv(path: str | Path) -> Negotiation:
    p = Path(path)
    text = read_table_text(p, encoding="utf-8-sig")
    name = p.stem
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            body = line.lstrip()[1:].strip()
            if body.lower().startswith("name:"):
                name = body[5:].strip()
            continue
        if line.strip():
            lines.append(line)
    try:
        rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    except csv.Error as exc:
        raise ModelInputError(f"{p}: not valid CSV ({exc})") from None
    if not rows:
        raise ModelInputError(f"{p}: no rows")
    for n, row in enumerate(rows, start=2):
        if None in row:  # DictReader puts a row's cells beyond the header under None
            raise ModelInputError(f"{p}: line {n}: more cells than the header has columns")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in _CSV_REQUIRED if c not in header]
    if missing:
        raise ModelInputError(f"{p}: missing column(s) {', '.join(missing)}")
    unknown = [h for h in header if h not in _CSV_REQUIRED + _CSV_OPTIONAL]
    if unknown:
        raise ModelInputError(f"{p}: unknown column(s) {', '.join(unknown)}")
    actors: dict[str, dict[str, Any]] = {}
    issue_sq: dict[str, float | None] = {}
    for n, row in enumerate(rows, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        an, iid = row["actor"], row["issue"]
        where = f"{p}: line {n}, actor {an!r}, issue {iid!r}"
        if not an or not iid:
            raise ModelInputError(f"{p}: line {n}: actor and issue are required")
        sq = row.get("status_quo", "")
        if iid not in issue_sq:
            issue_sq[iid] = None
        if sq:
            v = _f(sq, where + ": status_quo")
            if issue_sq[iid] is not None and issue_sq[iid] != v:
                raise ModelInputError(
                    f"{where}: status quo {v:g} differs from {issue_sq[iid]:g} given before"
                )
            issue_sq[iid] = v
        ac = actors.setdefault(an, {"name": an, "capability": {}, "positions": {}})
        if iid in ac["positions"]:
            raise ModelInputError(f"{where}: duplicate row")
        if not row["position"]:
            continue
        for key in ("salience", "capability"):
            if not row[key]:
                raise ModelInputError(
                    f"{where}: {key} is blank (give a number; leave the position blank for an actor "
                    "not involved)"
                )
        entry: dict[str, Any] = {
            "position": _f(row["position"], where + ": position"),
            "salience": _f(row["salience"], where + ": salience"),
        }
        if row.get("red_line_lo") or row.get("red_line_hi"):
            entry["red_line"] = [
                _f(row[k], where + f": {k}") if row.get(k) else None for k in ("red_line_lo", "red_line_hi")
            ]
        for key in ("batna", "position_spread", "salience_spread"):
            if row.get(key):
                entry[key] = _f(row[key], f"{where}: {key}")
        ac["positions"][iid] = entry
        ac["capability"][iid] = _f(row["capability"], where + ": capability")
        for key in ("risk", "capability_spread"):
            if row.get(key):
                ac[key] = _f(row[key], f"{where}: {key}")
    for ac in actors.values():
        caps = set(ac["capability"].values())
        if len(caps) == 1:
            ac["capability"] = caps.pop()
    data = {
        "name": name,
        "issues": [{"id": i, "status_quo": sq} for i, sq in issue_sq.items()],
        "actors": list(actors.values()),
    }
    return negotiation_from_dict(data, source=str(p))


# ---------------------------------------------------------------------------------------------- DEU III

CapabilityFn = Callable[[Sequence[str], Mapping[str, Any]], np.ndarray]


def _deu_num(cell: str) -> float:
    cell = cell.strip()
    if not cell:
        return np.nan
    try:
        v = float(cell)
    except ValueError:
        return np.nan
    return v if 0 <= v <= 100 else np.nan  # values above 100 (999) mark missing data


def read_deu3(
    path: str | Path, *, capability: str | CapabilityFn = "gdp", min_actors: int = 2
) -> list[Negotiation]:
    """DEU III's wide table: one single-issue Negotiation per issue with a valid outcome.

    Tab-separated and quoted; row 2 holds a GDP figure per actor. Columns ``p<actor>`` positions, ``s<actor>``
    saliences (0-100); blank = not involved, above 100 = missing; an actor counts as involved when both its
    position and salience are present. ``rp`` is the status quo, ``out`` the outcome (``meta["outcome"]``).
    ``capability``: ``"gdp"`` (row 2), ``"equal"``, or a function ``(actor_codes, meta) -> capabilities``
    (e.g. Council voting weights of the treaty regime in force). Issues with fewer than ``min_actors``
    involved
    actors or no valid outcome are skipped (their count is in each table's ``meta["skipped"]``).
    """
    p = Path(path)
    try:
        rows = list(csv.reader(read_table_text(p, what="DEU III table").splitlines(), delimiter="\t"))
    except csv.Error as exc:
        raise ModelInputError(f"{p}: not a valid tab-separated table ({exc})") from None
    if len(rows) < 3 or "out" not in rows[0]:
        raise ModelInputError(
            f"{p}: not a DEU III table (needs a header with p<actor>, s<actor>, rp and out)"
        )
    header = rows[0]
    col = {h: k for k, h in enumerate(header)}
    codes = [
        h[1:]
        for h in header
        if h.startswith("p") and "s" + h[1:] in col and h not in ("prnr", "prname", "proc", "proccde")
    ]
    gdp = np.array(
        [_deu_num(rows[1][col["p" + c]]) if rows[1][col["p" + c]].strip() else np.nan for c in codes]
    )
    gdp_raw = np.array(
        [float(rows[1][col["p" + c]]) if rows[1][col["p" + c]].strip() else np.nan for c in codes]
    )
    out: list[Negotiation] = []
    skipped = 0
    meta_keys = ("prnr", "prname", "isnr", "type", "council", "proc", "counvte", "proccde", "intro", "finact")
    for row in rows[2:]:
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        outcome = _deu_num(row[col["out"]])
        pos = np.array([_deu_num(row[col["p" + c]]) for c in codes])
        sal = np.array([_deu_num(row[col["s" + c]]) for c in codes])
        inv = ~np.isnan(pos) & ~np.isnan(sal)
        if np.isnan(outcome) or inv.sum() < min_actors:
            skipped += 1
            continue
        meta: dict[str, Any] = {k: row[col[k]].strip() for k in meta_keys if k in col}
        meta.update(outcome=float(outcome), source=str(p))
        act = [c for c, keep in zip(codes, inv, strict=True) if keep]
        if capability == "gdp":
            cap = gdp_raw[inv]
            if np.isnan(cap).any():
                raise ModelInputError(f"{p}: issue {meta.get('isnr')!r}: no GDP figure for an actor in row 2")
        elif capability == "equal":
            cap = np.ones(len(act))
        elif callable(capability):
            cap = np.asarray(capability(act, meta), dtype=float)
        else:
            raise ModelInputError(
                f"DEU III capability must be 'gdp', 'equal' or a function, not {capability!r}"
            )
        rp = _deu_num(row[col["rp"]])
        iid = meta.get("isnr") or f"issue-{len(out) + 1}"
        table = Negotiation(
            name=iid,
            actors=tuple(act),
            issues=(
                IssueSpec(
                    id=iid, label=meta.get("prname", ""), status_quo=None if np.isnan(rp) else float(rp)
                ),
            ),
            position=pos[inv][:, None],
            salience=(sal[inv] / 100.0)[:, None],
            capability=cap,
            meta=meta,
        )
        out.append(table)
    for t in out:
        t.meta["skipped"] = skipped
        t.meta["capability"] = (
            capability if isinstance(capability, str) else getattr(capability, "__name__", "fn")
        )
    del gdp
    return out


# ---------------------------------------------------------------------------------------------- dispatch


def detect_format(path: str | Path) -> str:
    """Guess a table's format from its suffix and first line."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".xml":
        return "ktab-xml"
    try:
        with p.open(encoding="utf-8-sig", errors="replace") as fh:
            head = [fh.readline() for _ in range(3)]
    except OSError as exc:
        raise ModelInputError(f"{p}: cannot read: {exc.strerror}") from None
    first = head[0].strip()
    if first.startswith('"prnrnmc"') or ("\t" in first and '"out"' in first):
        return "deu3"
    if first.startswith(("#A", "'#A", "#O", "#/", "#P", "#D")):
        return "decide"
    if suffix == ".tsv":
        return "decide"
    body = [h for h in head if not h.lstrip().startswith("#")]
    if body and {"actor", "issue", "position"} <= {c.strip().lower() for c in body[0].split(",")}:
        return "csv"
    if suffix == ".csv":
        return "ktab-csv"
    raise ModelInputError(f"{p}: cannot tell the format; pass format= one of {', '.join(FORMATS)}")


def read_negotiations(path: str | Path, *, format: str | None = None) -> list[Negotiation]:
    """Every table in a file: one for most formats, one per issue for DEU III."""
    fmt = format or detect_format(path)
    if fmt == "deu3":
        with _one_error(Path(path)):
            return read_deu3(path)
    return [read_negotiation(path, format=fmt)]


@contextmanager
def _one_error(path: Path) -> Iterator[None]:
    """Whatever a parser raises on a malformed file becomes one :class:`ModelInputError` naming it."""
    try:
        yield
    except ZopaError:
        raise
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError, RecursionError) as exc:
        raise ModelInputError(f"{path}: cannot read the table ({describe(exc)})") from None


def read_negotiation(path: str | Path, *, format: str | None = None) -> Negotiation:
    """Read one negotiation table; ``format`` (see :data:`FORMATS`) is guessed from the file if not given."""
    with _one_error(Path(path)):
        table = _read_negotiation(Path(path), format=format)
    try:
        return table.validate()  # every format, so a reader never hands on a table no model can run
    except ModelInputError as exc:
        message = str(exc)
        raise ModelInputError(message if message.startswith(str(path)) else f"{path}: {message}") from None


def _read_negotiation(path: Path, *, format: str | None) -> Negotiation:
    p = path
    if not p.exists():
        raise ModelInputError(f"{p}: no such file")
    fmt = format or detect_format(p)
    if fmt == "yaml":
        return read_yaml(p)
    if fmt == "csv":
        return read_csv(p)
    if fmt == "ktab-csv":
        from zopa.models.ktab import read_ktab_csv

        return read_ktab_csv(p)
    if fmt == "ktab-xml":
        from zopa.models.ktab import read_ktab_xml

        return read_ktab_xml(p)[0]
    if fmt == "decide":
        from zopa.models.decide import read_decide

        return read_decide(p)
    if fmt == "deu3":
        raise ModelInputError(f"{p}: a DEU III file holds one table per issue; use read_negotiations()")
    raise ModelInputError(f"{p}: unknown format {fmt!r}; known: {', '.join(FORMATS)}")


class PlanOutcomes(RootModel[dict[str, float]]):
    """A plan: issue id -> outcome on the issue's scale."""


class NestedPlan(BaseModel):
    """The same under ``plan:`` (the negotiation's plan files hold more fields beside it)."""

    plan: dict[str, float]


def read_plan(path: str | Path) -> dict[str, float]:
    """A plan (proposal): YAML mapping issue id -> outcome, either at top level or under ``plan:``; errors
    name the file, line and column, and the issue."""
    from zopa.errors import InputError
    from zopa.yamlfile import validate_model

    doc = read_yaml_file(path, what="plan", error=_model_input_error)
    p, data = doc.path, doc.data
    nested = isinstance(data, Mapping) and isinstance(data.get("plan"), Mapping)
    outcomes = data["plan"] if nested else data
    if not isinstance(outcomes, Mapping) or not outcomes:
        raise ModelInputError(f"{p}: a plan maps issue id -> outcome, e.g. 'pay-rise: 45'")
    try:
        if nested:
            plan = validate_model({"plan": outcomes}, NestedPlan, source=str(p), lines=doc, what="plan").plan
        else:
            plan = validate_model(dict(outcomes), PlanOutcomes, source=str(p), lines=doc, what="plan").root
    except InputError as exc:
        raise ModelInputError(str(exc)) from None
    return {str(k): float(v) for k, v in plan.items()}
