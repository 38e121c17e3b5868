"""Removing boilerplate from article text: general line rules, not rules for one site or one article.

News pages and copied articles carry lines that are not content: a byline or photo credit repeated on
consecutive lines, share widgets ("Share the Post:"), navigation blocks ("More News", "Related stories",
"Other Notable Stories"), newsletter and follow-us prompts, bare URLs, copyright notices. trafilatura drops
such widgets in HTML, but not when they are written as plain paragraphs, and plain-text copies keep them all.

:func:`clean_text` keeps the paragraphs of the article, drops those lines, normalises line endings and
whitespace, and reports what it removed. Paragraphs are separated by one blank line in the result; every span
stored later refers to this cleaned text (the original is stored beside it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

# Whole lines that are navigation, sharing or subscription furniture. Matched case-insensitively against the
# line with surrounding punctuation and whitespace removed.
_BOILERPLATE_LINES = re.compile(
    r"""^(?:
        share(?:\ (?:the|this)\ (?:post|article|story|page))?
      | share\ (?:on|via|to)\ \w+(?:\ \w+)?
      | (?:more|latest|top|other)(?:\ notable)?\ (?:news|stories|articles|posts|headlines)
      | more\ from\ [\w\ ]{1,40}
      | related(?:\ (?:news|stories|articles|posts|content|coverage|topics|reading))?
      | (?:read|see)\ (?:more|also|next|the\ full\ story)
      | recommended(?:\ for\ you)?(?:\ stories|\ articles)?
      | you\ (?:may|might)\ also\ (?:like|be\ interested\ in|enjoy)
      | (?:most\ (?:read|popular|viewed)|trending(?:\ now|\ stories)?|popular\ (?:stories|posts))
      | advertisement|sponsored(?:\ content)?|ad
      | (?:leave\ a\ (?:comment|reply)|comments?|\d+\ comments?)
      | (?:tags|filed\ under|categories|category|topics)(?::.*)?
      | (?:sign\ up|subscribe|register)\b.{0,80}
      | (?:join|get)\ our\ (?:newsletter|mailing\ list).{0,60}
      | (?:follow|like)\ us\ on\b.{0,60}
      | (?:click|tap)\ here\b.{0,80}
      | (?:copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)\s*\d{4}).{0,120}
      | all\ rights\ reserved.{0,40}
      | (?:photo|image|picture)\ (?:credit|courtesy|by)\b.{0,80}
      | (?:previous|next)\ (?:post|article|story)(?::.*)?
      | back\ to\ top|print(?:\ this)?(?:\ article|\ page)?|email(?:\ this)?(?:\ article)?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# A navigation label glued to a teaser headline, as copied from a page: "More NewsPutin Reveals ...",
# "Related: Ten things to know about ...". The label must start the line.
_GLUED_LABEL = re.compile(
    r"^(?:more\ news|related(?:\ (?:stories|articles|news))?|read\ more|other\ notable\ stories|"
    r"recommended|you\ may\ also\ like|see\ also|most\ read|trending)(?::\s*|\s*[-–—|]\s*|(?=[A-Z]))\S",
    re.IGNORECASE | re.VERBOSE,
)
# One whitespace-separated token of a line of bare URLs. A line is checked token by token: one repeated group
# over the whole line backtracks exponentially on "www.www.www..." that fails at the end.
_URL_TOKEN = re.compile(r"<?(?:https?://|www\.)\S+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_STRIP = " \t\"'“”‘’:;,.-–—|•*#>"

MAX_REPEATED_LINE_WORDS = 6  # a line this short repeated on consecutive lines is a byline or credit
MAX_GLUED_TEASER_WORDS = 25


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The cleaned text and the lines taken out (in order, as they appeared)."""

    text: str
    removed: tuple[str, ...]


def _key(line: str) -> str:
    return _SPACES.sub(" ", line).strip(_STRIP).strip()


def is_boilerplate_line(line: str) -> bool:
    """True for a line that is page furniture rather than article content (see the module docstring)."""
    key = _key(line)
    if not key:
        return False
    tokens = line.split()
    if tokens and all(_URL_TOKEN.fullmatch(token) for token in tokens):
        return True
    if len(key) <= 120 and _BOILERPLATE_LINES.match(key):
        return True
    words = key.split()
    return bool(
        _GLUED_LABEL.match(line.strip())
        and len(words) <= MAX_GLUED_TEASER_WORDS
        and not _SENTENCE_END.search(line.strip())
    )


def _normalise_line(line: str) -> str:
    line = _INVISIBLE.sub("", line)
    return _SPACES.sub(" ", line).strip()


def clean_text(text: str) -> CleanResult:
    """Drop boilerplate lines and repeated short bylines; keep paragraphs, one blank line between them.

    Removing lines can make two copies of a byline adjacent ("A, X, X, A"): those go too. One pass with a
    stack does it (a run is removed when the next different line arrives, and that line is then compared with
    the line before the run), so nested repeats cost linear time, not one pass per nesting level."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    removed: list[tuple[int, str]] = []
    # kept lines so far: [index, line, casefolded key, copies in the current run, blank line before it]
    stack: list[list[Any]] = []
    blank = False  # a blank line since the last kept line

    def close_run() -> bool:
        """Remove the top line if it is a repeated byline; True when it was removed."""
        if stack and stack[-1][3] >= 2:
            index, line, _, copies, before = stack.pop()
            removed.extend((index + k, line) for k in range(copies))
            nonlocal blank
            blank = blank or before
            return True
        return False

    for index, raw in enumerate(text.split("\n")):
        line = _normalise_line(raw)
        if not line:
            blank = bool(stack) or blank
            continue
        if is_boilerplate_line(line):
            removed.append((index, line))
            continue
        key = line.casefold()
        if stack and not blank and stack[-1][2] == key and _is_byline(line):
            stack[-1][3] += 1
            continue
        if close_run() and stack and not blank and stack[-1][2] == key and _is_byline(line):
            stack[-1][3] += 1
            continue
        stack.append([index, line, key, 1, blank and bool(stack)])
        blank = False
    close_run()
    kept: list[str] = []
    for _, line, _, _, before in stack:
        if before and kept:
            kept.append("")
        kept.append(line)
    return CleanResult(text="\n".join(kept), removed=tuple(line for _, line in sorted(removed)))


def _is_byline(line: str) -> bool:
    """A line short enough, and not a sentence, to be a byline or credit when it is repeated."""
    return len(line.split()) <= MAX_REPEATED_LINE_WORDS and not _SENTENCE_END.search(line)
