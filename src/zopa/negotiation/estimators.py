"""One estimator per field of the negotiation table, from a party's statements on an issue (each with its
time-decay weight): position, red lines, BATNA (the outcome expected if talks fail), salience, capability,
and the conditional offers. They write into an :class:`Estimates` (every value with its source, the
contradictions found, the statements left out). The rules are described in :mod:`zopa.negotiation.build`
and the README.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

from zopa.codebook import Codebook, Issue
from zopa.negotiation.evidence import EvidenceRef, StatementRow
from zopa.negotiation.records import (
    BATNA_STANCES,
    POSITION_STANCES,
    BuildOptions,
    Contradiction,
    LinkedOffer,
    SourcedValue,
    Value,
)
from zopa.records import Position


def _newest(stmts: Sequence[tuple[StatementRow, float]]) -> tuple[StatementRow, float]:
    return max(stmts, key=lambda s: (s[1], s[0].id or 0))


def source_shares(rows: Sequence[StatementRow], sources: Mapping[int, str] | None) -> dict[int, float]:
    """Statement id -> its share of one source's weight: 1 / the statements that carry that source."""
    if not sources:
        return {}
    keyed = {r.id: sources[r.id] for r in rows if r.id is not None and r.id in sources}
    counts = Counter(keyed.values())
    return {i: 1.0 / counts[key] for i, key in keyed.items()}


def _sources_note(independent: int, statements: int) -> str:
    plural = "s" if independent != 1 else ""
    if independent == statements:
        return f"; {independent} independent source{plural}"
    return (
        f"; {independent} independent source{plural} in {statements} statements "
        "(copies of one source share one source's weight)"
    )


def decay_weight(day: date | None, as_of: date | None, half_life_days: float) -> float:
    """``0.5 ** (age_days / half_life_days)``; 1 when either date is unknown, never above 1."""
    if as_of is None or day is None:
        return 1.0
    return float(0.5 ** (max((as_of - day).days, 0) / half_life_days))


def estimate_position(
    stmts: Sequence[tuple[StatementRow, float]], opts: BuildOptions
) -> tuple[float, str, str, list[tuple[StatementRow, float]]] | None:
    """A party's position on one issue from its (statement, decay weight) pairs, by the module's rules.

    Returns ``(value, source, rule, statements used)`` (source ``evidence`` or ``inferred``), or None when no
    statement carries a scale value.
    """
    valued = [
        (r, w) for r, w in stmts if r.position.stance in POSITION_STANCES and r.position.value is not None
    ]
    if valued:
        vals = [float(r.position.value) for r, _ in valued]  # type: ignore[arg-type]
        if opts.contradiction_rule == "latest" and max(vals) - min(vals) > opts.contradiction_gap:
            newest = _newest(valued)
            return float(newest[0].position.value), "evidence", "newest of contradictory statements", valued  # type: ignore[arg-type]
        ws = [w * r.position.confidence for r, w in valued]
        total = sum(ws)
        value = (
            sum(v * w for v, w in zip(vals, ws, strict=True)) / total if total > 0 else float(np.mean(vals))
        )
        rule = f"time-decayed mean of {len(valued)} stated value(s), half-life {opts.half_life_days:g} d"
        return value, "evidence", rule, valued
    inferring = [
        (r, w)
        for r, w in stmts
        if r.position.stance in ("reject", "conditional")
        and r.position.value is not None
        and r.position.value != 50
    ]
    if not inferring:
        return None
    row, w = _newest(inferring)
    v = float(row.position.value)  # type: ignore[arg-type]
    verb = "rejects" if row.position.stance == "reject" else "offers to concede to"
    rule = f"no stated position; the party {verb} {v:g}, so it holds the far end of the scale"
    return (0.0 if v > 50 else 100.0), "inferred", rule, [(row, w)]


class Estimates:
    """What the estimators build up: every value with its source, the contradictions, the conditional
    offers, and what they leave out (``skipped``)."""

    def __init__(
        self,
        opts: BuildOptions,
        codebook: Codebook,
        skipped: list[str],
        sources: Mapping[int, str] | None = None,
    ) -> None:
        self.o = opts
        self.sources = sources  # statement id -> its independent source (zopa.corroborate), when known
        self.codebook = codebook
        self.skipped = skipped
        self.values: dict[tuple[str, str | None, str], SourcedValue] = {}
        self.raw_salience: dict[tuple[str, str], tuple[float, tuple[tuple[StatementRow, float], ...]]] = {}
        self.contradictions: list[Contradiction] = []
        self.linked_offers: list[LinkedOffer] = []
        self._batna_candidates: dict[tuple[str, str], list[tuple[float, StatementRow, float, str]]] = {}
        self.position_sd: dict[tuple[str, str], float] = {}
        self.resolved_rejects: dict[int, float] = {}
        self._ref_cache: dict[int, EvidenceRef] = {}

    def refs(self, stmts: Sequence[tuple[StatementRow, float]]) -> tuple[EvidenceRef, ...]:
        """One :class:`EvidenceRef` per statement (weight = its time-decay weight), made once and shared."""
        out = []
        for r, w in stmts:
            ref = self._ref_cache.get(id(r))
            if ref is None:
                ref = self._ref_cache[id(r)] = EvidenceRef.from_row(r, w)
            out.append(ref)
        return tuple(out)

    def put(
        self,
        actor: str,
        issue: str | None,
        field_name: str,
        value: Value,
        source: str,
        detail: str,
        support: Sequence[tuple[StatementRow, float]] = (),
        flags: tuple[str, ...] = (),
    ) -> None:
        independent = None
        if self.sources is not None and support:
            independent = len({self.sources.get(r.id or -1, f"row {id(r)}") for r, _ in support})
            detail += _sources_note(independent, len(support))
        self.values[(actor, issue, field_name)] = SourcedValue(
            actor=actor,
            issue=issue,
            field=field_name,
            value=value,
            source=source,
            detail=detail,
            support=tuple(support),
            flags=flags,
            independent_sources=independent,
        )

    def pos(self, actor: str, issue: str) -> float:
        v = self.values.get((actor, issue, "position"))
        return float(v.value) if v is not None and isinstance(v.value, float) else math.nan

    # position
    # red lines


def position(est: Estimates, actor: str, issue: str, stmts: list[tuple[StatementRow, float]]) -> None:
    """A party's position on an issue (:func:`estimate_position`), with its Monte Carlo spread and the
    contradictions among its statements."""
    found = estimate_position(stmts, est.o)
    if found is None:
        return
    value, source, detail, used = found
    flags: tuple[str, ...] = ()
    est.position_sd[(actor, issue)] = est.o.inferred_sd
    if source == "evidence":
        vals = [float(r.position.value) for r, _ in used]  # type: ignore[arg-type]
        ws = np.array([w * r.position.confidence for r, w in used])
        spread = (
            float(np.sqrt(np.average((np.array(vals) - value) ** 2, weights=ws))) if ws.sum() > 0 else 0.0
        )
        est.position_sd[(actor, issue)] = max(est.o.position_sd_floor, spread)
        if max(vals) - min(vals) > est.o.contradiction_gap:
            lo, hi = used[int(np.argmin(vals))], used[int(np.argmax(vals))]
            resolution = (
                f"took the newest statement ({value:g})"
                if est.o.contradiction_rule == "latest"
                else "time-decayed mean, flagged"
            )
            est.contradictions.append(
                Contradiction(
                    actor=actor,
                    issue=issue,
                    kind="positions",
                    values=(vals[used.index(lo)], vals[used.index(hi)]),
                    evidence=est.refs([lo, hi]),
                    resolution=resolution,
                )
            )
            flags = ("contradiction",)
        rejected = [
            (r, w)
            for r, w in stmts
            if r.position.stance == "reject"
            and r.position.value is not None
            and abs(float(r.position.value) - value) < est.o.reject_margin
        ]
        if rejected:
            pair = [_newest(used), _newest(rejected)]
            est.contradictions.append(
                Contradiction(
                    actor=actor,
                    issue=issue,
                    kind="demand-and-reject",
                    values=tuple(float(r.position.value) for r, _ in pair),  # type: ignore[arg-type]
                    evidence=est.refs(pair),
                    resolution="position kept from the positive statements, flagged",
                )
            )
            flags = ("contradiction",)
    est.put(actor, issue, "position", round(value, 6), source, detail, used, flags)


def red_lines(est: Estimates, actor: str, issue: str, stmts: list[tuple[StatementRow, float]]) -> None:
    """A party's acceptable range on an issue from its red-line statements and rejections."""
    p = est.pos(actor, issue)
    ranges: list[tuple[tuple[float, float], tuple[StatementRow, float], str]] = []
    for r, w in stmts:
        pos = r.position
        if pos.stance == "reject" and pos.value is not None and (pos.red_line or est.o.reject_is_red_line):
            v = float(pos.value)
            above = v > p if not math.isnan(p) else v > 50
            rng = (
                (0.0, max(v - est.o.reject_margin, 0.0))
                if above
                else (min(v + est.o.reject_margin, 100.0), 100.0)
            )
            ranges.append((rng, (r, w), f"rejects {v:g}: accepts only the side away from it"))
        elif pos.red_line and pos.stance in POSITION_STANCES | {"conditional"}:
            v = float(pos.value) if pos.value is not None else p
            if math.isnan(v):
                continue
            low_side = p < 50 if not math.isnan(p) else v < 50
            rng = (0.0, v) if low_side else (v, 100.0)
            what = (
                f"red line at {v:g}"
                if pos.value is not None
                else f"red line without a value: its position {v:g}"
            )
            ranges.append((rng, (r, w), f"{what}, accepts only its own side"))
    if not ranges:
        return
    lo = max(rng[0] for rng, _, _ in ranges)
    hi = min(rng[1] for rng, _, _ in ranges)
    stmts_used = sorted((s for _, s, _ in ranges), key=lambda s: (not s[0].position.red_line, -s[1]))
    detail = "; ".join(sorted({d for _, _, d in ranges}))
    flags: tuple[str, ...] = ()
    if lo > hi:
        newest_i = max(range(len(ranges)), key=lambda k: (ranges[k][1][1], ranges[k][1][0].id or 0))
        lo, hi = ranges[newest_i][0]
        est.contradictions.append(
            Contradiction(
                actor=actor,
                issue=issue,
                kind="red-lines",
                values=tuple(x for rng, _, _ in ranges for x in rng),
                evidence=est.refs(stmts_used),
                resolution=f"the ranges do not overlap; took the newest [{lo:g}, {hi:g}]",
            )
        )
        flags = ("contradiction",)
    est.put(
        actor,
        issue,
        "red_line",
        (round(lo, 6), round(hi, 6)),
        "evidence",
        detail,
        stmts_used,
        flags,
    )


def batna(est: Estimates, actor: str, issue: Issue, stmts: list[tuple[StatementRow, float]]) -> None:
    """Candidates for what a party expects if talks fail, from its threats and plans (see finish_batnas)."""
    threats = [(r, w) for r, w in stmts if r.position.stance in BATNA_STANCES]
    if not threats:
        return
    for r, w in threats:
        for target, outcome, how in _batna_targets(est, actor, issue, r.position):
            if math.isnan(outcome):
                est.skipped.append(f"statement {r.id}: {how}, but {actor!r} has no position on {target!r}")
                continue
            est._batna_candidates.setdefault((actor, target), []).append((outcome, r, w, how))


def _batna_targets(est: Estimates, actor: str, issue: Issue, pos: Position) -> list[tuple[str, float, str]]:
    """The issues and outcomes one threat or plan points at."""
    if not issue.no_deal:
        if pos.value is not None:
            return [(issue.id, float(pos.value), f"{pos.stance} of {pos.value:g} if talks fail")]
        return [(issue.id, est.pos(actor, issue.id), f"{pos.stance} to impose its position")]
    if pos.value is not None and issue.anchors:
        anchor = min(issue.anchors, key=lambda a: abs(a.value - float(pos.value)))  # type: ignore[arg-type]
        if anchor.implies:
            return [
                (t, float(v), f"{pos.stance}: {anchor.meaning!r} implies {v:g}")
                for t, v in anchor.implies.items()
            ]
    if not issue.affects:
        est.skipped.append(
            f"{actor}/{issue.id}: a {pos.stance} on the no-deal issue, but the codebook gives it no "
            "'affects' "
            "issues or anchor 'implies': add them to map it to outcomes"
        )
        return []
    return [
        (t, est.pos(actor, t), f"{pos.stance} to impose its position by other means") for t in issue.affects
    ]


def finish_batnas(est: Estimates) -> None:
    """Each party's expected outcome per issue if talks fail: the decay-weighted mean of its candidates."""
    for (actor, target), cands in est._batna_candidates.items():
        if target not in est.codebook.issue_by_id:
            est.skipped.append(f"BATNA of {actor!r}: the codebook maps to unknown issue {target!r}")
            continue
        ws = [w * r.position.confidence for _, r, w, _ in cands]
        total = sum(ws)
        value = (
            sum(o * w for (o, _, _, _), w in zip(cands, ws, strict=True)) / total if total else cands[0][0]
        )
        detail = "; ".join(sorted({how for _, _, _, how in cands}))
        support = [(r, w) for _, r, w, _ in sorted(cands, key=lambda c: (c[1].position.value is None, -c[2]))]
        est.put(actor, target, "batna", round(value, 6), "evidence", detail, support)


def salience_raw(est: Estimates, actor: str, issue: str, stmts: list[tuple[StatementRow, float]]) -> None:
    """A party's raw salience on an issue: decay x force summed over its statements."""
    weights = [w * est.o.force(r.position) for r, w in stmts]
    est.raw_salience[(actor, issue)] = (sum(weights), tuple(stmts))


def normalise_salience(est: Estimates) -> None:
    """Salience per party on 0-1: raw salience over the party's largest (BATNAs finished first)."""
    finish_batnas(est)
    top: dict[str, float] = defaultdict(float)
    issues = est.codebook.issue_by_id
    for (actor, issue), (raw, _) in est.raw_salience.items():
        if not issues[issue].no_deal:
            top[actor] = max(top[actor], raw)
    for (actor, issue), (raw, refs) in est.raw_salience.items():
        if issues[issue].no_deal or top[actor] <= 0:
            continue
        detail = (
            f"sum of decay x force over {len(refs)} statement(s) = {raw:.3g}, divided by the party's "
            f"largest ({top[actor]:.3g})"
        )
        est.put(actor, issue, "salience", round(raw / top[actor], 6), "evidence", detail, refs)


def linked(est: Estimates, actor: str, issue: str, stmts: list[tuple[StatementRow, float]]) -> None:
    """The conditional offers a party makes on an issue (linked to another issue)."""
    groups: dict[str, list[tuple[StatementRow, float]]] = defaultdict(list)
    for r, w in stmts:
        if r.position.conditional_on and r.position.stance in ("conditional", "offer", "accept"):
            groups[r.position.conditional_on].append((r, w))
    for linked_issue, group in groups.items():
        row, _ = _newest(group)
        req = est.pos(actor, linked_issue)
        est.linked_offers.append(
            LinkedOffer(
                actor=actor,
                issue=issue,
                value=row.position.value,
                conditional_on=linked_issue,
                requires=None if math.isnan(req) else req,
                evidence=est.refs(group),
            )
        )


def capabilities(est: Estimates, actors: list[str]) -> None:
    """Each party's capability: the codebook's, else the mean of the known ones."""
    known = [a.capability for a in est.codebook.actors if a.capability is not None and a.id in actors]
    mean = float(np.mean(known)) if known else 1.0
    for actor in actors:
        cb = est.codebook.actor_by_id.get(actor)
        if cb is not None and cb.capability is not None:
            src = f" ({cb.capability_source})" if cb.capability_source else ""
            est.put(
                actor,
                None,
                "capability",
                float(cb.capability),
                "codebook",
                f"actors.{actor}.capability{src}",
            )
        else:
            est.put(
                actor,
                None,
                "capability",
                round(mean, 6),
                "default",
                "no capability in the codebook: the mean of the parties that have one"
                if known
                else "no capability in the codebook for any party: 1",
            )
