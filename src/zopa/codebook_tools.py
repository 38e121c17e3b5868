"""Writing a codebook: a commented skeleton to start from, and warnings about what a valid codebook gets
wrong.

:func:`skeleton` is ``zopa codebook new``: ``src/zopa/data/codebook-skeleton.yaml`` with the new name, a
complete small codebook (two parties, an organisation and a person who speak for one, an issue with anchors,
a measure and cues) whose comments say what each field does.

:func:`codebook_warnings` is what ``zopa codebook validate`` adds to validation: things that load but cannot
work as meant. A cue that can never match running text (a double-quoted ``"\\b"``, which YAML reads as a
backspace; a doubled backslash; ``\\b`` against punctuation), anchors out of order on the scale, a party
without a capability, an issue no cue can reach, and an actor that speaks for one that is not a party.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from zopa.codebook import Codebook, codebook_hash, parse_codebook
from zopa.errors import CodebookError
from zopa.grammar import STANCE_KEYS, default_grammar_data
from zopa.records import _Record
from zopa.yamlfile import YamlFile, read_yaml

SKELETON_FILE = Path(__file__).parent / "data" / "codebook-skeleton.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class CodebookWarning(_Record):
    """Something in a valid codebook that will not work as its author means."""

    where: str  # file:line:column when the file is known, else the field
    field: str  # e.g. "issues.2.cues.0"
    message: str


def skeleton(name: str, file_name: str | None = None) -> str:
    """The text of a new codebook called ``name`` (its commands name ``file_name``, default ``NAME.yaml``)."""
    if not name.strip() or "\n" in name:
        raise CodebookError(f"{name!r}: a codebook name is one line of text, e.g. us-iran-2025")
    text = SKELETON_FILE.read_text(encoding="utf-8")
    shown = name if re.fullmatch(r"[\w][\w .-]*", name) else json.dumps(name)  # quoted if YAML needs it
    text = re.sub(r"(?m)^name: .*$", lambda _: f"name: {shown}", text, count=1)
    return text.replace("NAME.yaml", file_name or f"{name}.yaml")


def new_codebook(name: str, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the skeleton for ``name`` to ``path``; an existing file is kept unless ``overwrite``."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise CodebookError(f"{path}: already exists (choose another --output, or --force to replace it)")
    text = skeleton(name, str(path))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CodebookError(f"{path}: cannot write it ({exc.strerror})") from None
    return path


@dataclass(frozen=True, slots=True, kw_only=True)
class CodebookCheck(_Record):
    """A codebook file that validated, and its warnings (``zopa codebook validate``)."""

    file: str
    name: str
    actors: int
    parties: int
    issues: int
    hash: str
    warnings: tuple[CodebookWarning, ...]


def check_codebook_file(path: str | Path) -> CodebookCheck:
    """Validate a codebook file (raising :class:`CodebookError` with file, line and field) and list what
    would not work as meant."""
    doc = read_yaml(path, what="codebook", error=lambda where, problem: CodebookError(f"{where}: {problem}"))
    book = parse_codebook(doc.data, source=str(doc.path), lines=doc)
    return CodebookCheck(
        file=str(doc.path),
        name=book.name,
        actors=len(book.actors),
        parties=len(book.parties()),
        issues=len(book.issues),
        hash=codebook_hash(book),
        warnings=tuple(codebook_warnings(book, doc)),
    )


def codebook_warnings(codebook: Codebook, lines: YamlFile | None = None) -> list[CodebookWarning]:
    """Every warning for ``codebook``, in file order; ``lines`` (the file it was read from) adds lines."""
    found: list[tuple[tuple[Any, ...], str]] = []
    for i, issue in enumerate(codebook.issues):
        reachable = False
        for j, cue in enumerate(issue.cues):
            problem = cue_problem(cue)
            if problem is None:
                reachable = True
                problem = inflection_gap(cue)
            if problem is not None:
                found.append((("issues", i, "cues", j), f"cue '{_shown(cue)}' {problem}"))
        if not reachable:
            why = "has no cues" if not issue.cues else "has no cue that can match"
            found.append(
                (("issues", i, "cues") if issue.cues else ("issues", i),
                 f"issue '{issue.id}' {why}, so no sentence is ever about it (anchor cues only place a "
                 "statement once a cue of the issue is in the sentence)")
            )
        for j, anchor in enumerate(issue.anchors):
            for k, cue in enumerate(anchor.cues):
                problem = cue_problem(cue) or inflection_gap(cue)
                if problem is not None:
                    found.append((("issues", i, "anchors", j, "cues", k), f"cue '{_shown(cue)}' {problem}"))
        values = [a.value for a in issue.anchors]
        for j, (before, after) in enumerate(pairwise(values)):
            if after <= before:
                same = "twice" if after == before else f"after {before:g}"
                found.append(
                    (("issues", i, "anchors", j + 1),
                     f"issue '{issue.id}': anchor {after:g} comes {same}; list anchors from the low end of "
                     "the scale to the high end, each value once")
                )
        if issue.measure is not None and (problem := cue_problem(issue.measure.unit, alone=True)):
            found.append((("issues", i, "measure", "unit"), f"unit '{issue.measure.unit}' {problem}"))
    default = default_grammar_data().get("stance_cues", {})
    for stance in STANCE_KEYS:
        for j, cue in enumerate(getattr(codebook.grammar.stance_cues, stance)):
            if cue not in default.get(stance, []) and (problem := cue_problem(cue)) is not None:
                found.append((("grammar", "stance_cues", stance, j), f"cue '{_shown(cue)}' {problem}"))
    parties = {a.id for a in codebook.actors if a.is_party}
    for i, actor in enumerate(codebook.actors):
        if actor.is_party and actor.capability is None:
            found.append(
                (("actors", i),
                 f"party '{actor.id}' has no capability; the negotiation models give it the mean of the "
                 "others (shown as 'default')")
            )
        for j, ref in enumerate(actor.speaks_for):
            if ref.party not in parties:
                found.append(
                    (("actors", i, "speaks_for", j, "party"),
                     f"'{actor.id}' speaks for '{ref.party}', which is not a party, so its statements count "
                     "for no one")
                )
    if lines is not None:
        found.sort(key=lambda f: lines.mark(f[0]) or (0, 0))
    return [
        CodebookWarning(
            where=lines.where(loc) if lines is not None else ".".join(str(p) for p in loc),
            field=".".join(str(p) for p in loc),
            message=message,
        )
        for loc, message in found
    ]


# --- can a cue match at all? ---------------------------------------------------------------------------

# Where a cue is tried: alone, between words, after a word, in brackets and quotation marks, before a period.
_CONTEXTS = ("{}", "The {} said it.", "said {}", "({})", "“{}”", "{}.")
_MAX_EXAMPLES = 48


def cue_problem(cue: str, *, alone: bool = False) -> str | None:
    """Why ``cue`` can never match news text, or None. ``alone``: the pattern is a unit after a number."""
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in cue):
        return (
            "holds a control character: in YAML double quotes \\b is a backspace; write patterns in single "
            "quotes ('\\bword\\b')"
        )
    if "\\\\" in cue:
        return (
            "looks for a backslash, which news text does not hold: in single quotes write one backslash "
            "('\\bword\\b')"
        )
    try:
        pattern = re.compile(cue, re.IGNORECASE)
        examples = _examples(_parse(cue))
    except (re.error, _Unsupported):
        return None  # invalid patterns are validation's; constructs we cannot sample are given the benefit
    contexts = ("7{}", "7 {}", *_CONTEXTS) if alone else _CONTEXTS
    for example in examples:
        if any(pattern.search(c.format(example)) for c in contexts):
            return None
    return (
        "can never match running text (a \\b beside punctuation needs a letter or digit on its other "
        "side; ^ and $ are the ends of the sentence)"
    )


_STEM_E = re.compile(r"\\b([a-z]+e)\\w\*")  # "\bpause\w*": a stem that keeps its final e


def inflection_gap(cue: str) -> str | None:
    """A stem written with its final "e" before ``\\w*`` ('\\bpause\\w*') misses the "-ing" form
    ("pausing"); None when the cue matches that form or has no such stem."""
    stem = _STEM_E.search(cue)
    if stem is None:
        return None
    from lemminflect import getAllInflections  # only a verb has the form ("immediate" has none)

    word = stem.group(1)
    forms = getAllInflections(word, upos="VERB").get("VBG")
    if not forms:
        return None
    form = forms[0]
    try:
        if re.search(cue, f"They said {form} it.", re.IGNORECASE):
            return None
    except re.error:
        return None
    stem_only = word[:-1]
    return (
        f"matches '{word}' but not '{form}': write '\\b{stem_only}(?:e|es|ed|ing)\\b' or "
        f"'\\b{stem_only}\\w*\\b'"
    )


class _Unsupported(Exception):
    pass


def _parse(cue: str) -> Any:
    from re import _parser  # type: ignore[attr-defined]  # Python's own regex parser (3.11+)

    return _parser.parse(cue, re.IGNORECASE)


def _shown(cue: str) -> str:
    """A cue as its author would write it: control characters (a YAML escape gone wrong) as escapes."""
    return re.sub(r"[\x00-\x1f]", lambda m: f"\\x{ord(m.group()):02x}", cue)


def _examples(items: Iterable[tuple[Any, Any]]) -> list[str]:
    """Texts that a sequence of parsed regex items can match (boundaries and look-arounds left to the
    context), at most _MAX_EXAMPLES."""
    from re import _constants as c  # type: ignore[attr-defined]

    outs = [""]
    for op, av in items:
        if op is c.LITERAL:
            options = [chr(av)]
        elif op is c.NOT_LITERAL:
            options = ["a" if av != ord("a") else "b"]
        elif op is c.ANY:
            options = ["a"]
        elif op is c.IN:
            options = [_member(av)]
        elif op is c.BRANCH:
            options = [x for alternative in av[1] for x in _examples(alternative)]
        elif op is c.SUBPATTERN:
            options = _examples(av[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            inner = _examples(sub)
            counts = sorted({lo, min(lo + 1, hi)} | ({1} if lo == 0 and hi >= 1 else set()))
            options = [inner[0] * n for n in counts] + [x * max(lo, 1) for x in inner[1:]]
        elif op is c.ASSERT and av[0] < 0:
            options = _examples(av[1])  # a look-behind: the text it needs stands before the match
        elif op is c.AT or op is c.ASSERT_NOT:
            options = [""]  # boundaries and negative look-arounds: the context decides
        else:
            raise _Unsupported(str(op))
        outs = [o + x for o in outs for x in dict.fromkeys(options)][:_MAX_EXAMPLES]
    return outs


def _member(items: list[tuple[Any, Any]]) -> str:
    """A character of a ``[...]`` set."""
    from re import _constants as c  # type: ignore[attr-defined]

    categories = {
        c.CATEGORY_DIGIT: str.isdigit,
        c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdigit(),
        c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
        c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
        c.CATEGORY_SPACE: str.isspace,
        c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    }

    def member(ch: str) -> bool:  # case-insensitively, as cues are matched
        for op, av in items:
            for x in {ch, ch.lower(), ch.upper()}:
                if (op is c.LITERAL and ord(x) == av) or (op is c.RANGE and av[0] <= ord(x) <= av[1]):
                    return True
            if op is c.CATEGORY and categories.get(av, lambda _: False)(ch):
                return True
        return False

    negated = bool(items) and items[0][0] is c.NEGATE
    if negated:
        items = items[1:]
    for ch in "a7 -.’'%e":
        if member(ch) != negated:
            return ch
    for op, av in items:
        if op is c.LITERAL:
            return chr(av)
        if op is c.RANGE:
            return chr(av[0])
    raise _Unsupported("set")
