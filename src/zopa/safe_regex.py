"""Regular expressions that cannot backtrack catastrophically on hostile text.

Python's ``re`` is a backtracking engine: ``(a+)+$`` takes time exponential in the length of a string of
``a`` that fails at the end. Codebook cues and zopa's own patterns run on every article, so a pattern must not
be *exponentially ambiguous*: able to read one stretch of text in exponentially many ways (``(a+)+``,
``(a|a)*``, ``(\\w+\\s?)*``, ``(?:aa|a)+``, ``(?:www\\.\\S+\\s*)+``), which is what makes a failing match
try them all.

:func:`backtracking_risk` decides it the way RXXR and Weideman et al. (2016) do: build the pattern's
position automaton (Glushkov: one state per character item, no empty moves), then look in the automaton of
pairs of states for a cycle that passes through a pair (q, q) and a pair (p, r) with p != r: from q, two
different paths read the same text back to q, so n rounds of that text have 2**n readings. Character sets
are compared on a fixed sample of characters (letters, digits, spaces, punctuation, a few non-Latin ones),
enough to see that ``\\w`` and ``\\d`` overlap and ``\\w`` and ``\\s`` do not. Lookarounds, anchors and
back-references are read as matching the empty string; a bounded repeat of more than 10 counts as unbounded
(which can only find more risk, never less). Polynomial cases (``\\w*\\w*\\w*``) are not reported.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import sys
from functools import cache
from pathlib import Path
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_PROBES = (*string.printable, "é", "ß", "Ж", "中", "\u00a0", "\u2019", "\u201c", "٣")
_PROBE_SET = frozenset(_PROBES)
MAX_STATES = 400  # character positions once repeats are expanded; larger patterns are refused
MAX_EXPANDED_REPEAT = 10  # a bounded repeat up to this many is expanded, a larger one counts as unbounded
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_CATEGORY_TESTS = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}
Chars = frozenset[str]


@cache
def _category(category: Any) -> Chars:
    test = _CATEGORY_TESTS.get(category)
    if test is None:
        return frozenset(_PROBES)
    return frozenset(ch for ch in _PROBES if re.fullmatch(test, ch))


def _in_set(items: list[tuple[Any, Any]]) -> Chars:
    out: set[str] = set()
    negate = False
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            out.add(chr(av))
        elif op is _c.RANGE:
            out.update(ch for ch in _PROBES if av[0] <= ord(ch) <= av[1])
        elif op is _c.CATEGORY:
            out |= _category(av)
        else:  # charset internals of compiled classes: be conservative
            out.update(_PROBES)
    return frozenset(_PROBES) - out if negate else frozenset(out)


def _single(op: Any, av: Any) -> Chars | None:
    """The characters one single-character item matches, or None when the item is not one."""
    if op is _c.LITERAL:
        return frozenset({chr(av)})
    if op is _c.NOT_LITERAL:
        return frozenset(_PROBES) - {chr(av)}
    if op is _c.ANY:
        return frozenset(_PROBES) - {"\n"}
    if op is _c.IN:
        return _in_set(av)
    if op is _c.CATEGORY:
        return _category(av)
    return None


class _Automaton:
    """A Glushkov automaton under construction: each character item of the pattern is one state."""

    def __init__(self, ignore_case: bool) -> None:
        self.chars: list[Chars] = []
        self.follow: list[set[int]] = []
        self.ignore_case = ignore_case
        self.loops = 0  # how many unbounded repeats the item being built is inside
        # Two alternatives that both match the empty string, inside a repeat: the automaton has no state for
        # the empty string, but the backtracking engine tries both ways on every round ("(a|a)*").
        self.empty_ambiguity = False

    def state(self, chars: Chars) -> int:
        if self.ignore_case:
            chars = frozenset(chars | {c.swapcase() for c in chars if c.swapcase() in _PROBE_SET})
        self.chars.append(chars)
        self.follow.append(set())
        if len(self.chars) > MAX_STATES:
            raise _TooLarge
        return len(self.chars) - 1

    # Each build returns (nullable, first states, last states) of a fresh copy of the item.
    def seq(self, items: list[tuple[Any, Any]]) -> tuple[bool, set[int], set[int]]:
        nullable, first, last = True, set[int](), set[int]()
        for op, av in items:
            n2, f2, l2 = self.item(op, av)
            for p in last:
                self.follow[p] |= f2
            if nullable:
                first |= f2
            last = (last | l2) if n2 else l2
            nullable = nullable and n2
        return nullable, first, last

    def item(self, op: Any, av: Any) -> tuple[bool, set[int], set[int]]:
        single = _single(op, av)
        if single is not None:
            q = self.state(single)
            return False, {q}, {q}
        if op is _c.SUBPATTERN:
            return self.seq(list(av[-1]))
        if op is getattr(_c, "ATOMIC_GROUP", None):
            return self.seq(list(av))
        if op is _c.BRANCH:
            nullable, first, last = False, set[int](), set[int]()
            empty = 0
            for branch in av[1]:
                n2, f2, l2 = self.seq(list(branch))
                empty += n2
                nullable, first, last = nullable or n2, first | f2, last | l2
            if empty >= 2 and self.loops:
                self.empty_ambiguity = True
            return nullable, first, last
        if op is _c.GROUPREF_EXISTS:
            nullable, first, last = False, set[int](), set[int]()
            for branch in av[1:]:
                n2, f2, l2 = self.seq(list(branch)) if branch is not None else (True, set(), set())
                nullable, first, last = nullable or n2, first | f2, last | l2
            return nullable, first, last
        if op in _REPEATS:
            low, high, body = av[0], av[1], list(av[2])
            unbounded = high == _c.MAXREPEAT or high > MAX_EXPANDED_REPEAT
            # X{m,} is read as max(m, 1) copies (3 at most) then a looping X, made optional when m is 0: the
            # same text, but the automaton then has the two states that "(X*)*" really chooses between.
            fixed = min(max(low, 1), 3) if unbounded else low
            kinds = ["once"] * fixed
            kinds += ["loop"] if unbounded else ["optional"] * (high - low)
            nullable, first, last = True, set[int](), set[int]()
            for kind in kinds:
                self.loops += kind == "loop"
                n2, f2, l2 = self.seq(body)
                self.loops -= kind == "loop"
                if kind == "loop":
                    for p in l2:
                        self.follow[p] |= f2
                n2 = n2 or kind != "once"
                for p in last:
                    self.follow[p] |= f2
                if nullable:
                    first |= f2
                last = (last | l2) if n2 else l2
                nullable = nullable and n2
            return nullable or low == 0, first, last
        return True, set(), set()  # anchors, lookarounds, back-references: the empty string


class _TooLarge(Exception):
    pass


def _exponentially_ambiguous(auto: _Automaton) -> bool:
    """A strongly connected part of the pair automaton holding a pair (q, q) and a pair (p, r), p != r."""
    n = len(auto.chars)

    def successors(pair: tuple[int, int]) -> list[tuple[int, int]]:
        p, r = pair  # pairs are unordered: (p, r) and (r, p) are one node
        return [
            (min(p2, r2), max(p2, r2))
            for p2 in auto.follow[p]
            for r2 in auto.follow[r]
            if auto.chars[p2] & auto.chars[r2]
        ]

    # Tarjan's algorithm, iterative, over the pairs reachable from the diagonal (unordered pairs suffice).
    index: dict[tuple[int, int], int] = {}
    low: dict[tuple[int, int], int] = {}
    on_stack: set[tuple[int, int]] = set()
    stack: list[tuple[int, int]] = []
    counter = 0
    for q in range(n):
        root = (q, q)
        if root in index:
            continue
        work = [(root, iter(successors(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in successors(node):
                    diagonal = any(a == b for a, b in component)
                    off = any(a != b for a, b in component)
                    if diagonal and off:
                        return True
    return False


def backtracking_risk(pattern: str, flags: int = 0) -> str | None:
    """Why ``pattern`` can backtrack exponentially on some text, or None when it cannot (see the module)."""
    parsed = _p.parse(pattern, flags)
    auto = _Automaton(ignore_case=bool(parsed.state.flags & re.IGNORECASE))
    try:
        auto.seq(list(parsed))
    except _TooLarge:
        return f"too complex to check (over {MAX_STATES} character positions once repeats are expanded)"
    if auto.empty_ambiguity or _exponentially_ambiguous(auto):
        return "it can read one stretch of text in exponentially many ways (nested or overlapping repeats)"
    return None


# The cues of zopa's grammar and shipped codebooks that check_cue passed, written by
# scripts/grammar_tables.py for this file's exact source under one Python version (its regular-expression
# parser): checking them again at each start costs about 0.2 CPU s. Any other cue, and every cue once this
# file or the Python version changes, is checked.
CHECKED_FILE = Path(__file__).parent / "data" / "checked-cues.json"


def checker_key() -> str:
    """What a verdict of :func:`check_cue` depends on: this file's source and the Python version."""
    source = Path(__file__).read_bytes()
    version = f"python {sys.version_info[0]}.{sys.version_info[1]}".encode()
    return hashlib.sha256(source + b"\0" + version).hexdigest()[:16]


@cache
def _checked() -> frozenset[str]:
    try:
        data = json.loads(CHECKED_FILE.read_text(encoding="utf-8"))
        if data.get("checker") == checker_key():
            return frozenset(data["cues"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no table (or an unreadable one): every cue is checked
    return frozenset()


def check_cue(cue: str) -> str:
    """A pattern a codebook or grammar gives (matched case-insensitively): valid, not able to backtrack
    exponentially, not matching the empty string; else ValueError saying which (pydantic reports it)."""
    if cue in _checked():
        return cue
    return check_cue_now(cue)


def check_cue_now(cue: str) -> str:
    """:func:`check_cue`, always computed."""
    try:
        re.compile(cue, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"cue '{cue}' is not a valid regular expression: {exc}") from exc
    risk = backtracking_risk(cue, re.IGNORECASE)
    if risk:
        raise ValueError(f"cue '{cue}' is unsafe on hostile text: {risk}; rewrite it without nested repeats")
    if re.fullmatch(cue, "", re.IGNORECASE) is not None:
        raise ValueError(f"cue '{cue}' matches the empty string, so it would match in every sentence")
    return cue


__all__ = ["backtracking_risk", "check_cue", "check_cue_now"]
