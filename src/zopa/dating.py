"""An article's date when its metadata has none: from a front-matter header, a date line, a dateline, its URL
or the dates its lead mentions; each date says where it came from.

Used by :mod:`zopa.ingest`. The rules, most trusted first (the first that finds a date wins):

1. ``front-matter``: a plain-text file may open with a YAML header between ``---`` lines holding ``title``,
   ``date`` (or ``published``), ``outlet`` and ``url`` (:func:`front_matter`).
2. ``date-line``: in the first lines of the text (:data:`HEAD_LINES`), a line that starts with a label
   (``date``, ``dated``, ``published``, ``posted``, ``updated``) followed by a date, else a short line holding
   a full date (``Reuters; 2025-04-08``, ``World March 19, 2026``, ``By A. Writer · June 11, 2025``).
3. ``dateline``: the body opens with a place and a full date (``KYIV, Dec. 3, 2025 (Reuters) -``).
4. ``url``: a date in the article's URL path (``/2025/10/31/``, ``2025-10-21``).
5. ``text``: the first full date in the lead (the first :data:`LEAD_CHARS` characters of the body); news
   writing dates its peg there ("on Dec. 2, 2025"), so this is the date of the event reported, at least.

A full date has a day, a month and a year (ISO ``2025-04-08``, ``April 8, 2025``, ``8 April 2025``,
``Apr. 8 2025``); a date without a year ("on November 27") is never guessed, and years outside 1990 to next
year are ignored. Nothing found: the article is undated, and listings say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

HEAD_LINES = 8  # the first non-empty lines searched for a date line
SHORT_LINE = 120  # a line this short (characters) that holds a full date is a date line
LEAD_CHARS = 800

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE_FORMS = (
    re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d])"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
)
_LABEL = re.compile(
    r"^\W*(?:date[d]?|published(?:\s+on)?|posted(?:\s+on)?|(?:last\s+)?updated(?:\s+on)?)\b[:\s]*",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^[A-Z][A-Za-z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z .'’-]{1,30})?,\s*")
_URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d\d)[/-](?P<month>[01]?\d)[/-](?P<day>[0-3]?\d)(?=[/-]|\.|$)")
_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date and where it came from (``source``: front-matter | date-line | dateline | url | text), with the
    words it was read from."""

    when: datetime
    source: str
    detail: str


def parse_date(text: str) -> date | None:
    """The first full date in ``text`` (see the module docstring for the forms), or None."""
    found = _first_date(text)
    return found[0] if found else None


def _first_date(text: str) -> tuple[date, int, int] | None:
    best: tuple[date, int, int] | None = None
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            day = _to_date(m.group("year"), m.group("month"), m.group("day"))
            if day is not None and (best is None or m.start() < best[1]):
                best = (day, m.start(), m.end())
                break
    return best


def _to_date(year: str, month: str, day: str) -> date | None:
    month_no = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    if month_no is None:
        return None
    try:
        found = date(int(year), month_no, int(day))
    except ValueError:
        return None
    return found if 1990 <= found.year <= date.today().year + 1 else None


FRONT_MATTER_LINES = 60  # a header longer than this is text, not front matter
FRONT_MATTER_CHARS = 4000
_SCALARS = (str, int, float, date, datetime)


def front_matter(text: str) -> tuple[dict[str, Any], str] | None:
    """A ``---`` YAML header at the very start of a text: (its fields, the text after it); None without one
    (or when the block is not a YAML mapping, which is then left as text)."""
    head = text.lstrip("\ufeff")
    if not head.startswith("---"):
        return None
    lines = head.split("\n")
    if lines[0].strip() != "---":
        return None
    for k in range(1, min(len(lines), FRONT_MATTER_LINES)):
        if lines[k].strip() in ("---", "..."):
            block = "\n".join(lines[1:k])
            if len(block) > FRONT_MATTER_CHARS:
                return None
            try:
                fields = yaml.safe_load(block)
            except (yaml.YAMLError, RecursionError, ValueError):  # hostile input: one bad header, no crash
                return None
            if not isinstance(fields, dict):
                return None
            # only plain values (title, date, outlet, url): a list or mapping (or an alias to one) is dropped
            kept = {str(key).lower(): value for key, value in fields.items() if isinstance(value, _SCALARS)}
            return kept, "\n".join(lines[k + 1 :])
    return None


def date_line(lines: list[str]) -> tuple[date, str] | None:
    """A labelled or short line holding a full date among the first :data:`HEAD_LINES` non-empty ``lines``:
    (the date, the line)."""
    seen = 0
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if seen > HEAD_LINES:
            break
        label = _LABEL.match(stripped)
        if label and label.end() > 0:
            found = _first_date(stripped[label.end() : label.end() + 40])
            if found and found[1] == 0:
                return found[0], stripped[: label.end() + found[2]]
        if len(stripped) <= SHORT_LINE and not _URL.match(stripped):
            found = _first_date(stripped)
            if found:
                return found[0], stripped
    return None


def source_line_outlet(line: str) -> str | None:
    """The outlet of a source line under a URL, ``Outlet; 2025-04-08`` (or ``|``, ``·`` before the date);
    None when the line is the date alone or has no such separator."""
    found = _first_date(line)
    if found is None:
        return None
    before = line[: found[1]].rstrip()
    if not before or before[-1] not in ";|·":
        return None
    return before[:-1].strip() or None


def leading_url(lines: list[str]) -> tuple[str, int] | None:
    """A bare URL as the first non-empty line: (the URL, the index of the line)."""
    for k, line in enumerate(lines):
        if line.strip():
            return (line.strip(), k) if _URL.match(line.strip()) else None
    return None


def find_date(text: str, *, url: str | None = None) -> FoundDate | None:
    """Rules 2 to 5 of the module docstring on an article's text (and URL)."""
    lines = text.split("\n")
    found = date_line(lines)
    if found:
        return FoundDate(_midnight(found[0]), "date-line", found[1][:200])
    body = text.lstrip()
    opening = _DATELINE.match(body)
    if opening:
        m = _first_date(body[opening.end() : opening.end() + 40])
        if m and m[1] == 0:
            return FoundDate(_midnight(m[0]), "dateline", body[: opening.end() + m[2]])
    if url:
        u = _URL_DATE.search(url)
        if u:
            day = _to_date(u.group("year"), u.group("month"), u.group("day"))
            if day is not None:
                return FoundDate(_midnight(day), "url", url)
        iso = _DATE_FORMS[0].search(url)
        if iso:
            day = _to_date(iso.group("year"), iso.group("month"), iso.group("day"))
            if day is not None:
                return FoundDate(_midnight(day), "url", url)
    lead = _first_date(body[:LEAD_CHARS])
    if lead:
        return FoundDate(_midnight(lead[0]), "text", body[max(0, lead[1] - 60) : lead[2]].strip())
    return None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)
