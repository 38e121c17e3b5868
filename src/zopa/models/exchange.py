"""``exchange.v1``: Stokman's exchange model, in Decide's equal-gain variant.

Actors trade positions across pairs of issues: actor *i* moves on the issue it cares less about (its *supply*
issue) towards *j*, and *j* does the same on the other issue, so that each gains on the issue it cares more
about (its *demand* issue). The outcome of an issue is its Nash bargaining solution (NBS), the capability x
salience weighted mean of positions; the shift of the NBS when actor *a* moves by ``dx`` is the *exchange
ratio* ``dx * s_a * c_a / sum(s * c)``.

One round (Decide's ``ModelLoop``), as implemented by ``foarsitter/decide-exchange-model``:

1. NBS per issue; an actor is *left* of an issue when its position is below the NBS.
2. For each pair of issues ``(p, q)`` (file order), actors are grouped by side (A: right on both, B: left on
   ``p`` only, C: left on ``q`` only, D: left on both); exchanges are possible between A and D, and B and C.
   The actor whose ratio ``s_p / s_q`` is larger demands ``p`` and supplies ``q``.
3. Equal gain: the demand-issue shift ``dp`` and supply-issue shift ``dq`` satisfy ``dp (s_ip + s_jp) = dq
   (s_iq + s_jq)``, so both gain ``dp s_ip - dq s_iq = dq s_jq - dp s_jp``. First *j* moves all the way to
   *i*'s position; if *i*'s matching move would overshoot *j*'s position, *i* moves all the way instead and
   *j* by the matching amount. A move must keep the position on the scale, be non-zero, and point the same way
   as the actor's earlier moves on that issue; if the exchange would push the NBS past the partner's position,
   the move is cut to bring the NBS exactly there. If the NBS (as this exchange records the issue) already
   lies at or past the partner's position in the direction of the move, before and after it, or reaching that
   position would take a move backwards, nothing is left to trade: both moves become 0 and the gain 0.
4. The exchange with the highest gain is realised; every other exchange sharing an actor's supply issue or
   demand position is recalculated (positions updated, NBS shifts recorded), and dropped if no longer valid.
   Repeat until no exchange is left, or until the best one left has gain 0: that one is listed (no move) and
   the round ends.
5. At the end of a round actors adopt their new positions; the next round starts from them.

Options (where reimplementations differ): ``rounds`` (Decide's command line runs several; default 1 round, the
published COP21 comparison), ``tie_break`` (exchanges with exactly equal gain; Decide flips an unseeded coin
between the first two of them, and its tie code can list an exchange twice, which is not reproduced),
``nbs_cut_from`` and ``nbs_past_partner`` (see :func:`exchange_model`). Decide's NBS cut
(``adjusted_nbs_by_position``) looks like it returns a position but, because a deep copy defeats its identity
test, it returns the *shift* that puts the NBS on the partner's position; the shift is what is used here
(:meth:`_Exchange._cut_shift`). Forecast: the NBS of every issue after the last round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.registry import ModelResult, register
from zopa.models.table import Negotiation

_EPS_MOVE = 1e-10
_TIE = 1e-12  # relative: gains this close are a tie (Decide compares Decimals exactly)
TieChooser = Callable[[list[dict[str, Any]], int], int]


@dataclass(slots=True, eq=False)
class _Side:
    """One actor in an exchange: it moves on ``supply`` and gains on ``demand``."""

    actor: int
    supply: int
    demand: int
    supply_pos: float
    demand_pos: float
    start_position: float
    y: float = 0.0
    move: float = 0.0
    moves: list[float] = field(default_factory=list)
    nbs_0: float = 0.0
    nbs_1: float = 0.0
    other: _Side | None = None


class _Round:
    """Shared data of one round: original positions, saliences, capabilities, NBS denominators."""

    def __init__(self, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray) -> None:
        self.pos, self.sal, self.cap = pos, sal, cap
        self.inv = ~np.isnan(pos)
        sc = np.where(self.inv, sal * cap, 0.0)
        self.sc = sc
        self.den = sc.sum(axis=0)
        self.nbs = np.where(
            self.den > 0,
            np.nansum(np.where(self.inv, pos, 0.0) * sc, axis=0) / np.where(self.den > 0, self.den, 1.0),
            np.nan,
        )

    def sc_of(self, s: _Side) -> float:
        return float(self.sc[s.actor, s.supply])


class _Exchange:
    def __init__(
        self,
        rnd: _Round,
        a: int,
        b: int,
        p: int,
        q: int,
        *,
        cut_from_start: bool = True,
        zero_when_past: bool = True,
    ) -> None:
        self.r = rnd
        self.cut_from_start = cut_from_start
        self.zero_when_past = zero_when_past
        self.zeroed = False
        self.p, self.q = p, q
        self.gain = 0.0
        self.is_valid = True
        self.dp = 0.0
        self.dq = 0.0
        self.updates: dict[int, dict[int, float]] = {}
        s = rnd.sal
        if s[a, p] / s[a, q] < s[b, p] / s[b, q]:
            self.i, self.j = self._side(b, supply=q, demand=p), self._side(a, supply=p, demand=q)
        else:
            self.i, self.j = self._side(a, supply=q, demand=p), self._side(b, supply=p, demand=q)
        self.i.other, self.j.other = self.j, self.i

    def _side(self, actor: int, *, supply: int, demand: int) -> _Side:
        x = float(self.r.pos[actor, supply])
        return _Side(actor, supply, demand, x, float(self.r.pos[actor, demand]), x)

    # -- helpers mirroring Decide's calculations -------------------------------------------------------
    def _nbs_with(self, s: _Side, position: float) -> float:
        """NBS of ``s``'s supply issue with recorded updates, ``s`` placed at ``position``."""
        r, k = self.r, s.supply
        x = np.where(r.inv[:, k], r.pos[:, k], 0.0).copy()
        for actor, value in self.updates.get(k, {}).items():
            if r.inv[actor, k]:
                x[actor] = value
        x[s.actor] = position
        return float((x * r.sc[:, k]).sum() / r.den[k])

    def _cut_shift(self, s: _Side, target_nbs: float, ref: float) -> float:
        """Shift of ``s`` from ``ref`` that brings its supply issue's NBS exactly to ``target_nbs``."""
        r, k = self.r, s.supply
        x = np.where(r.inv[:, k], r.pos[:, k], 0.0).copy()
        x[s.actor] = ref
        for actor, value in self.updates.get(k, {}).items():
            if r.inv[actor, k]:
                x[actor] = value
        total = float((x * r.sc[:, k]).sum())
        return (target_nbs * float(r.den[k]) - total) / r.sc_of(s)

    def _ratio(self, s: _Side, shift: float) -> float:
        """NBS shift (exchange ratio) when ``s`` moves by ``shift``."""
        return shift * self.r.sc_of(s) / float(self.r.den[s.supply])

    def _reverse(self, s: _Side, ratio: float) -> float:
        return ratio * float(self.r.den[s.supply]) / self.r.sc_of(s)

    def _matching(self, s: _Side, ratio: float) -> float:
        """Equal-gain ratio on the partner's supply issue given ``s``'s supply ratio."""
        o = s.other
        assert o is not None
        sal = self.r.sal
        return (
            (sal[s.actor, s.supply] + sal[o.actor, o.demand])
            / (sal[s.actor, s.demand] + sal[o.actor, o.supply])
            * ratio
        )

    def _eu(self, s: _Side, own_supply_ratio: float, other_ratio: float) -> float:
        sal = self.r.sal
        return abs(other_ratio * sal[s.actor, s.demand] - own_supply_ratio * sal[s.actor, s.supply])

    @staticmethod
    def _valid(s: _Side, move: float) -> bool:
        if abs(move) > 100 or abs(move) <= _EPS_MOVE:
            return False
        if not -_EPS_MOVE <= s.supply_pos + move <= 100 + _EPS_MOVE:
            return False
        if sum(s.moves) > 100 + _EPS_MOVE:  # Decide works in Decimal, where 44.13 + 55.87 is exactly 100
            return False
        lo, hi = min(s.moves), max(s.moves)
        return (lo < 0 and hi < 0) or (lo > 0 and hi > 0)

    # -- Decide's EqualGainExchange.calculate ---------------------------------------------------------
    def calculate(self) -> None:
        i, j = self.i, self.j
        self.dp = self._ratio(j, abs(i.demand_pos - j.supply_pos))
        self.dq = self._matching(j, self.dp)
        i.move = self._reverse(i, self.dq)
        j.move = abs(i.demand_pos - j.supply_pos)
        if abs(i.move) > abs(j.demand_pos - i.supply_pos) + _EPS_MOVE:  # exact in Decide's Decimals
            self.dq = self._ratio(i, abs(j.demand_pos - i.supply_pos))
            self.dp = self._matching(i, self.dq)
            i.move = abs(j.demand_pos - i.supply_pos)
            j.move = self._reverse(j, self.dp)
        if i.supply_pos > j.demand_pos:
            i.move *= -1
        if j.supply_pos > i.demand_pos:
            j.move *= -1
        i.moves.append(i.move)
        j.moves.append(j.move)
        i.y, j.y = i.supply_pos + i.move, j.supply_pos + j.move
        self.gain = self._eu(i, self.dq, self.dp)
        self.is_valid = self._valid(i, i.move) and self._valid(j, j.move)
        if self.gain < 1e-10:
            self.is_valid = False
        self.zeroed = False
        if not self.is_valid:
            return
        self._check_nbs(i)
        if not self.zeroed:
            self._check_nbs(j)
        # a zeroed exchange stays on the list with gain 0 (Decide's published run realises one, its last)
        self.is_valid = self.zeroed or (self._valid(i, i.move) and self._valid(j, j.move))

    def _zero(self, s: _Side) -> None:
        """The NBS is already at or past the partner's position: nothing is left to trade, gain 0."""
        o = s.other
        assert o is not None
        s.move = o.move = 0.0
        s.moves[-1] = o.moves[-1] = 0.0
        s.y, o.y = s.supply_pos, o.supply_pos
        self.dp = self.dq = self.gain = 0.0
        self.zeroed = True

    def _check_nbs(self, s: _Side) -> None:
        """Cut the exchange when it would push ``s``'s supply-issue NBS past the partner's position."""
        o = s.other
        assert o is not None
        ref = s.start_position if self.cut_from_start else s.supply_pos
        s.nbs_0 = self._nbs_with(s, ref)
        s.nbs_1 = self._nbs_with(s, s.y)
        x = o.demand_pos
        # Decide compares Decimals, where an NBS landing exactly on x is exactly x; ignore float noise
        d0 = 0.0 if abs(x - s.nbs_0) < _EPS_MOVE else x - s.nbs_0
        d1 = 0.0 if abs(x - s.nbs_1) < _EPS_MOVE else x - s.nbs_1
        if self.zero_when_past and d0 * s.move < 0 and d1 * s.move < 0:
            # before and after the move the NBS lies beyond x, seen in the direction of the move
            self._zero(s)
            return
        if (d0 >= 0 and d1 >= 0) or (d0 <= 0 and d1 <= 0):
            return
        shift = self._cut_shift(s, x, ref)
        if self.zero_when_past and shift * s.move <= 0:
            # reaching x would take a move backwards: the recorded positions already put the NBS past x
            self._zero(s)
            return
        delta = abs(shift)
        if self.cut_from_start and delta >= abs(s.move):
            # measured from the start, the "crossing" is the actor's earlier move: a cut never lengthens
            return
        ratio_s = self._ratio(s, delta)
        ratio_o = self._matching(s, ratio_s)
        self.dp, self.dq = ratio_s, ratio_o
        o.move = abs(self._reverse(o, ratio_o))
        s.move = delta
        if o.supply_pos > s.demand_pos:
            o.move *= -1
        if s.supply_pos > o.demand_pos:
            s.move *= -1
        o.moves[-1] = o.move
        s.moves[-1] = s.move
        o.y, s.y = o.supply_pos + o.move, s.supply_pos + s.move
        self.gain = self._eu(o, ratio_o, ratio_s)
        self.is_valid = self._valid(o, o.move) and self._valid(s, s.move)
        s.nbs_1 = self._nbs_with(s, s.y)

    # -- Decide's AbstractExchange.recalculate --------------------------------------------------------
    def _drop_last_moves(self) -> None:
        self.i.moves.pop()
        self.j.moves.pop()

    def _take_supply(self, done: _Exchange) -> bool:
        """Adopt the realised move of an actor on the same supply issue: its last tentative move is replaced
        by the realised one (the move history Decide's published COP21 run used; a later Decide refactor
        appends before dropping and so loses the realised move, which rejects exchange 37 of that run)."""
        hit = False
        for mine in (self.i, self.j):
            for theirs in (done.i, done.j):
                if mine.actor == theirs.actor and mine.supply == theirs.supply:
                    mine.supply_pos = theirs.y
                    self._drop_last_moves()
                    mine.moves.append(theirs.moves[-1])
                    hit = True
                    break
        return hit

    def _record(self, mover: _Side, issue: int) -> None:
        upd = self.updates.setdefault(issue, {})
        if mover.actor in upd:
            old = upd[mover.actor]
            if mover.start_position <= old:
                upd[mover.actor] = old if old < mover.y else mover.y
            else:
                upd[mover.actor] = old if old > mover.y else mover.y
        else:
            upd[mover.actor] = mover.y

    def recalculate(self, done: _Exchange) -> None:
        again = self._take_supply(done)
        for partner, mover in ((done.j, done.i), (done.i, done.j)):
            if any(
                partner.actor == mine.actor and partner.demand == mine.demand for mine in (self.i, self.j)
            ):
                self._record(mover, partner.demand)
                if not again:
                    self._drop_last_moves()
                    again = True
        if again:
            self.calculate()

    def as_row(self, names: tuple[str, ...], issues: tuple[str, ...]) -> dict[str, Any]:
        i, j = self.i, self.j
        return {
            "actor_i": names[i.actor],
            "issue_i": issues[i.supply],
            "actor_j": names[j.actor],
            "issue_j": issues[j.supply],
            "gain": self.gain,
            "i_from": i.supply_pos,
            "i_shift": i.move,
            "i_to": i.y,
            "j_from": j.supply_pos,
            "j_shift": j.move,
            "j_to": j.y,
        }


def _one_round(
    pos: np.ndarray,
    sal: np.ndarray,
    cap: np.ndarray,
    rng: np.random.Generator | None,
    cut_from_start: bool,
    zero_when_past: bool,
    chooser: TieChooser | str,
    names: tuple[str, ...],
    issues: tuple[str, ...],
) -> tuple[list[_Exchange], _Round]:
    rnd = _Round(pos, sal, cap)
    ni = pos.shape[1]
    left = np.where(rnd.inv, pos < rnd.nbs - _EPS_MOVE, False)  # exactly on the NBS is not left of it
    pending: list[_Exchange] = []
    for p in range(ni):
        for q in range(p + 1, ni):
            both = rnd.inv[:, p] & rnd.inv[:, q]
            group = np.where(both, left[:, p].astype(int) | (left[:, q].astype(int) * 2), -1)
            for g1, g2 in ((0, 3), (1, 2)):
                for a in np.flatnonzero(group == g1):
                    for b in np.flatnonzero(group == g2):
                        ex = _Exchange(
                            rnd,
                            int(a),
                            int(b),
                            p,
                            q,
                            cut_from_start=cut_from_start,
                            zero_when_past=zero_when_past,
                        )
                        ex.calculate()
                        pending.append(ex)
    realised: list[_Exchange] = []
    while pending:
        # gains equal up to float noise keep creation order (Decide's Decimals tie exactly)
        pending.sort(key=lambda e: round(e.gain, 12), reverse=True)
        pick = 0
        if len(pending) > 1 and abs(pending[0].gain - pending[1].gain) <= _TIE * max(1.0, pending[0].gain):
            tied = [
                k for k, e in enumerate(pending) if abs(e.gain - pending[0].gain) <= _TIE * max(1.0, e.gain)
            ]
            if callable(chooser):
                rows = [e.as_row(names, issues) for e in (pending[k] for k in tied)]
                pick = tied[int(chooser(rows, len(realised)))]
            elif rng is not None:
                # Decide's coin: the first or the second of the tied exchanges, never a later one
                pick = tied[1] if rng.random() >= 0.5 else tied[0]
        done = pending.pop(pick)
        if not done.is_valid:
            continue
        keep = []
        for ex in pending:
            if ex.is_valid:
                ex.recalculate(done)
                if ex.is_valid:
                    keep.append(ex)
        pending = keep
        realised.append(done)
        if done.zeroed:
            # the best exchange left has gain 0: Decide lists it and the round ends
            break
    return realised, rnd


@register("exchange.v1")
def exchange_model(
    table: Negotiation,
    *,
    rounds: int = 1,
    tie_break: Literal["random", "first"] | TieChooser = "first",
    nbs_cut_from: Literal["start", "current"] = "start",
    nbs_past_partner: Literal["zero", "ignore"] = "zero",
    seed: int | None = None,
) -> ModelResult:
    """Stokman's exchange model, Decide's equal-gain variant (see the module docstring).

    ``rounds``: rounds of exchanges; each starts from the positions the previous one ended with (Decide's
    ``ModelLoop``; the published COP21 comparison is one round). ``tie_break``: what happens when exchanges
    have exactly equal gain: ``"first"`` (creation order), ``"random"`` (Decide's coin flip, drawn from
    ``seed``), or a callable ``(tied_rows, n_realised) -> index`` that picks one of the tied exchanges (e.g.
    to replay the coin flips of a published run); ``"random"`` is Decide's coin between the first two tied
    exchanges, drawn from ``seed`` (so a run is reproducible). ``nbs_cut_from``: where the test "would this
    exchange push the NBS past the partner's position" and the cut are measured from, for an actor that
    already moved on its supply issue this round: ``"start"`` (default; the round's start position, and a cut
    never lengthens a move; inferred from the published COP21 run, whose exchange 100 (EU28/AOSIS, shift
    3.1106) only follows from AOSIS at 100, not at its current 81.63) or ``"current"`` (its current position,
    as Decide's present source reads). ``nbs_past_partner``: what happens to an exchange whose supply-issue
    NBS already lies at or past the partner's position (in the direction of the move, before and after it), or
    whose cut would have to move backwards: ``"zero"`` (default; it stays listed with no move and gain 0, and
    the round ends once it is the best left; inferred from the published COP21 run: it never realises
    EIG/AOSIS (amb2100/amb2050, gain 0.0223 otherwise, at exchange 105) and Decide's repository copy of the
    run ends with exactly that exchange at gain 0) or ``"ignore"`` (such exchanges go ahead uncut, as the
    previous reading did: 104 published exchanges instead of 128). See ``bench/exchange_cop21.py``.
    """
    if nbs_cut_from not in ("start", "current"):
        raise ModelInputError(f"exchange.v1: nbs_cut_from must be 'start' or 'current', got {nbs_cut_from!r}")
    if nbs_past_partner not in ("zero", "ignore"):
        raise ModelInputError(
            f"exchange.v1: nbs_past_partner must be 'zero' or 'ignore', got {nbs_past_partner!r}"
        )
    if rounds < 1:
        raise ModelInputError(f"exchange.v1: rounds must be >= 1, got {rounds}")
    if not callable(tie_break) and tie_break not in ("random", "first"):
        raise ModelInputError(f"exchange.v1: tie_break must be 'random' or 'first', got {tie_break!r}")
    pos = np.array(table.position, dtype=float)
    sal = np.array(table.salience, dtype=float)
    cap = table.capability_matrix().copy()
    zero = ~np.isnan(pos) & (sal <= 0)
    pos[zero] = np.nan  # Decide drops rows with salience 0
    emptied = np.flatnonzero(np.isnan(pos).all(axis=0) & ~np.isnan(table.position).all(axis=0))
    if emptied.size:
        raise ModelInputError(
            f"{table.name}: issue {table.issue_ids[emptied[0]]!r}: every salience is 0, and exchange.v1 "
            "(like Decide) leaves out actors with salience 0, so it has nothing to forecast"
        )
    rng = np.random.default_rng(seed) if tie_break == "random" else None
    chooser: TieChooser | str = tie_break
    ids = table.issue_ids
    history: list[dict[str, Any]] = []
    rnd = _Round(pos, sal, cap)
    history.append(
        {"round": 0, "positions": pos.copy(), "nbs": dict(zip(ids, rnd.nbs.tolist(), strict=True))}
    )
    all_rows: list[dict[str, Any]] = []
    for r in range(1, rounds + 1):
        realised, _ = _one_round(
            pos,
            sal,
            cap,
            rng,
            nbs_cut_from == "start",
            nbs_past_partner == "zero",
            chooser,
            table.actors,
            ids,
        )
        rows = [e.as_row(table.actors, ids) for e in realised]
        all_rows.extend({"round": r, **row} for row in rows)
        for e in realised:
            pos[e.i.actor, e.i.supply] = e.i.y
            pos[e.j.actor, e.j.supply] = e.j.y
        rnd = _Round(pos, sal, cap)
        history.append(
            {
                "round": r,
                "positions": pos.copy(),
                "nbs": dict(zip(ids, rnd.nbs.tolist(), strict=True)),
                "exchanges": rows,
            }
        )
        if not realised:
            break
    forecast = {k: float(v) for k, v in zip(ids, rnd.nbs, strict=True)}
    return ModelResult(
        model="exchange.v1",
        params={
            "rounds": rounds,
            "tie_break": tie_break if isinstance(tie_break, str) else "callable",
            "nbs_cut_from": nbs_cut_from,
            "nbs_past_partner": nbs_past_partner,
            "seed": seed,
        },
        forecast=forecast,
        history=history,
        diagnostics={"exchanges": all_rows, "n_exchanges": len(all_rows), "start_nbs": history[0]["nbs"]},
        inputs=table.name,
    )
