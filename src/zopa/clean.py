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
_BARE_URL = re.compile(r"^(?:<?(?:https?://|www\.)\S+>?\s*)+$", re.IGNORECASE)
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
    if _BARE_URL.match(line.strip()):
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

    Removing a line can make two copies of a byline adjacent, so the rules run until nothing changes."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    removed: list[str] = []
    while True:
        result = _clean_once(text)
        removed.extend(result.removed)
        if not result.removed:
            return CleanResult(text=result.text, removed=tuple(removed))
        text = result.text


def _clean_once(text: str) -> CleanResult:
    lines = [_normalise_line(line) for line in text.split("\n")]
    drop = [False] * len(lines)

    # A short line repeated on consecutive non-blank lines (a byline or photo credit pasted twice): drop all.
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and lines[j] and lines[j].casefold() == lines[i].casefold():
            j += 1
        line = lines[i]
        if (
            j - i >= 2
            and line
            and len(line.split()) <= MAX_REPEATED_LINE_WORDS
            and not _SENTENCE_END.search(line)
        ):
            for k in range(i, j):
                drop[k] = True
        i = j

    for idx, line in enumerate(lines):
        if line and not drop[idx] and is_boilerplate_line(line):
            drop[idx] = True

    kept: list[str] = []
    removed: list[str] = []
    blank_pending = False
    for idx, line in enumerate(lines):
        if drop[idx]:
            removed.append(line)
            continue
        if not line:
            blank_pending = bool(kept)
            continue
        if blank_pending:
            kept.append("")
            blank_pending = False
        kept.append(line)
    return CleanResult(text="\n".join(kept).strip("\n"), removed=tuple(removed))
