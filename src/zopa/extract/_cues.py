"""Fast matching of many cue patterns: a literal trigger word per pattern, found in one pass.

Python's regular expressions try every alternative at every position, so one big alternation of a codebook's
cues is slow. Each cue pattern is reduced to the literal words it must start with (its triggers: ``demand``
for ``\\bdemand(?:s|ed)?\\b``, ``cede``/``ceding`` for ``\\b(?:cede|ceding)\\s+...``); one prefix-sharing
regular expression finds the triggers in a text, and only the patterns whose trigger occurs are run. A pattern
with no literal start is always run. The result is exactly what running every pattern would give.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

_LITERAL = re.compile(r"[A-Za-z0-9' -]")


def _split_top(body: str) -> list[str] | None:
    """Split a group body on top-level ``|``; None if brackets do not balance."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            cur.append(body[i : i + 2])
            i += 2
            continue
        if ch == "[":
            end = body.find("]", i + 1)
            if end < 0:
                return None
            cur.append(body[i : end + 1])
            i = end + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def triggers(pattern: str) -> list[str] | None:
    """Lower-case literal prefixes one of which every match of ``pattern`` starts with (None: no such set)."""
    p = pattern
    while p.startswith("\\b"):
        p = p[2:]
    if p.startswith("(?:"):
        depth, end = 0, -1
        i = 0
        while i < len(p):
            if p[i] == "\\":
                i += 2
                continue
            if p[i] == "[":
                close = p.find("]", i + 1)
                if close < 0:
                    return None
                i = close + 1
                continue
            if p[i] == "(":
                depth += 1
            elif p[i] == ")":
                depth -= 1
                if depth == 0:
                    end = i
                    break
            i += 1
        if end < 0 or p[end + 1 : end + 2] in {"?", "*", "{"}:
            return None
        alternatives = _split_top(p[3:end])
        if alternatives is None:
            return None
        out: list[str] = []
        for alternative in alternatives:
            got = triggers(alternative + p[end + 1 :]) if not alternative else triggers(alternative)
            if not got:
                return None
            out.extend(got)
        return out
    literal = []
    i = 0
    while i < len(p) and _LITERAL.match(p[i]):
        literal.append(p[i])
        i += 1
    if i < len(p) and p[i] in "?*{" and literal:
        literal.pop()  # the last character is optional
    word = "".join(literal).lower().rstrip()
    if " " in word:
        word = word.split(" ", 1)[0]
    return [word] if len(word) >= 2 else None


def _trie(words: Iterable[str]) -> str:
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


def trie_regex(words: list[str], piece: Callable[[str], str] | None = None) -> str:
    """One regular expression for many literal forms, sharing prefixes (much faster than a flat alternation);
    longer forms are tried first at every branch, and a space matches any run of whitespace (``piece``, if
    given, is the pattern of each character instead)."""
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            pattern = piece(ch) if piece is not None else r"\s+" if ch == " " else re.escape(ch)
            branches.append(pattern + build(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


_MEMO_TEXTS = 4096  # texts a cue set remembers what it found in (more than an article's sentences)
_T = TypeVar("_T")


def _remember(memo: dict[str, _T], text: str, found: _T) -> _T:
    if len(memo) >= _MEMO_TEXTS:
        memo.clear()  # a new batch of articles: the old texts are not asked about again
    memo[text] = found
    return found


class CueSet:
    """Named groups of case-insensitive cue patterns, matched through their trigger words."""

    def __init__(self, groups: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.keys: list[str] = []
        self._patterns: dict[str, list[re.Pattern[str]]] = {}
        self._by_trigger: dict[str, set[tuple[str, int]]] = {}
        self._always: set[tuple[str, int]] = set()
        for key, cues in groups:
            if key not in self._patterns:
                self.keys.append(key)
                self._patterns[key] = []
            for cue in cues:
                index = len(self._patterns[key])
                self._patterns[key].append(re.compile(cue, re.IGNORECASE))
                found = triggers(cue) if cue.startswith("\\b") else None  # the finder is \b-anchored
                if found is None:
                    self._always.add((key, index))
                else:
                    for word in found:
                        self._by_trigger.setdefault(word, set()).add((key, index))
        self._order = {key: i for i, key in enumerate(self.keys)}
        prefixes = sorted(self._by_trigger)
        self._finder = re.compile(r"\b(?:" + _trie(prefixes) + ")", re.IGNORECASE) if prefixes else None
        self._closure: dict[str, frozenset[tuple[str, int]]] = {}
        for word in prefixes:
            closure: set[tuple[str, int]] = set()
            for n in range(2, len(word) + 1):
                closure |= self._by_trigger.get(word[:n], set())
            self._closure[word] = frozenset(closure)
        # the same sentence is matched by several stages (candidate selection, mentions, positions): what a
        # text holds is found once and remembered, for the last few thousand texts
        self._active_of: dict[str, frozenset[tuple[str, int]]] = {}
        self._matches_of: dict[str, tuple[tuple[str, re.Match[str]], ...]] = {}

    def _active(self, text: str) -> frozenset[tuple[str, int]]:
        found = self._active_of.get(text)
        if found is not None:
            return found
        active = set(self._always)
        if self._finder is not None:
            for m in self._finder.finditer(text):
                # the finder takes the longest trigger; shorter triggers it starts with count too
                active |= self._closure.get(m.group().lower(), frozenset())
        return _remember(self._active_of, text, frozenset(active))

    def finditer(self, text: str) -> Iterator[tuple[str, re.Match[str]]]:
        """(key, match) for every match of every pattern, grouped by key in declaration order."""
        found = self._matches_of.get(text)
        if found is None:
            active = sorted(self._active(text), key=lambda ki: (self._order[ki[0]], ki[1]))
            found = tuple((key, m) for key, i in active for m in self._patterns[key][i].finditer(text))
            _remember(self._matches_of, text, found)
        return iter(found)

    def search(self, text: str) -> bool:
        """Whether any pattern matches."""
        active = self._active(text)
        return any(self._patterns[key][index].search(text) for key, index in active)

    def patterns(self, key: str) -> list[re.Pattern[str]]:
        """The compiled patterns of one key."""
        return self._patterns.get(key, [])

    def pattern_matches(self, key: str, text: str) -> bool:
        active = self._active(text)
        return any(self._patterns[k][i].search(text) for k, i in active if k == key)
