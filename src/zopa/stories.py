"""Stories: articles that cover the same event, found by the names, places and key terms they share.

Each document gets a small set of key terms (:func:`key_terms`): capitalised names (people, places,
organisations; sentence starts and title-case headings are not taken as names unless the word is capitalised
elsewhere) and content words that recur in the text or appear in the headline. Terms are stored in
``document_terms`` with their document frequency in ``term_counts``.

A new document is compared only with the documents that share one of its *rarer* terms (an indexed lookup,
capped per term), published within ``window_days`` of it (undated documents are compared with all
candidates). The score is the rarity-weighted overlap of the two term sets (rarity: ``log((N+1)/df)``, so a
term every document holds counts for nothing), divided by the smaller set's weight; with at least two shared
rare terms and a score at ``threshold`` or above, the documents join one story (two stories that a document
bridges are merged). The story label is made of the names and terms its documents share most.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from zopa.store import schema
from zopa.store.db import dialect_insert

DEFAULT_WINDOW_DAYS = 7
DEFAULT_THRESHOLD = 0.2
MIN_SHARED_RARE_TERMS = 2  # a match needs at least this many shared terms that fetch candidates
MAX_TERMS = 30
MIN_WORD_LENGTH = 5  # shorter lower-case words are never key terms
MAX_TERM_LENGTH = 100
# Only rarer terms fetch candidates (all shared terms still count in the score): a term held by more than
# CANDIDATE_TERM_MAX_DF documents fetches none. This bounds each lookup whatever the corpus size, so grouping
# costs the same per document in a large database as in a small one.
CANDIDATE_TERM_MAX_DF = 60
MAX_CANDIDATES = 20
LABEL_NAMES = 3
LABEL_KEYWORDS = 2

# English function words and frequent words (a data file): never key terms, never names at a sentence start.
STOPWORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "data" / "stopwords-en.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

_TOKEN = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_WORD_CHAR = re.compile(r"\w")
_SENTENCE_END_MARKS = ".!?:;…"
_CLOSERS = "\"'”’)]"
_OPENERS = '"“‘(•*-–—'


@dataclass(frozen=True, slots=True)
class StoryMatch:
    document_id: int
    score: float


_POSSESSIVE_ENDINGS = ("'s", "’s", "'", "’")  # longest first: "Roe's" loses "'s", "States'" its "'"


def _strip_possessive(token: str) -> str:
    if not token.endswith(_POSSESSIVE_ENDINGS):  # most tokens: one test
        return token
    for suffix in _POSSESSIVE_ENDINGS:
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _is_heading(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha()]
    if not words or len(words) > 14 or line.rstrip().endswith((".", "!", "?", "”", '"')):
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.6


def _starts_sentence(line: str, start: int, first_word: int) -> bool:
    """True when the token at ``start`` opens a sentence: nothing but punctuation before it on the line, or
    after sentence-final punctuation (and closing quotes) and a space, or after an opening quote or bullet.

    Looks back only over the spaces and punctuation just before the token (never the whole line before it),
    so a long paragraph costs linear time."""
    if start <= first_word:
        return True
    i = start
    while i > 0 and line[i - 1].isspace():
        i -= 1
    if i > 0 and line[i - 1] in _OPENERS:
        return True
    if i == start:
        return False
    while i > 0 and line[i - 1] in _CLOSERS:
        i -= 1
    return i > 0 and line[i - 1] in _SENTENCE_END_MARKS


def key_terms(title: str, text: str, *, limit: int = MAX_TERMS) -> dict[str, float]:
    """The terms that identify what a document is about: {term: weight}. Names keep their capitals."""
    name_counts: Counter[str] = Counter()
    heading_caps: set[str] = set()
    lower_seen: set[str] = set()
    word_counts: Counter[str] = Counter()
    for line in text.split("\n"):
        heading = _is_heading(line)
        first_char = _WORD_CHAR.search(line)
        first_word = first_char.start() if first_char else len(line)
        for match in _TOKEN.finditer(line):
            token = _strip_possessive(match.group())
            if len(token) < 2:
                continue
            low = token.lower()
            if token[0].isupper():
                if low in STOPWORDS:
                    continue
                if heading or _starts_sentence(line, match.start(), first_word):
                    heading_caps.add(token)
                else:
                    name_counts[token] += 1
            else:
                lower_seen.add(low)
                if low not in STOPWORDS and len(low) >= MIN_WORD_LENGTH and "-" not in low:
                    word_counts[low] += 1
    names = {n: c for n, c in name_counts.items() if n.lower() not in lower_seen}
    for token in heading_caps:  # a capitalised sentence start counts when it is a name elsewhere
        if token in names:
            names[token] += 1
    title_words = {_strip_possessive(t).lower() for t in _TOKEN.findall(title)}
    terms: dict[str, float] = {}
    for name, count in names.items():
        boost = 1.0 if name.lower() in title_words else 0.0
        terms[name[:MAX_TERM_LENGTH]] = 2.0 * (1.0 + math.log(count)) + boost
    for word, count in word_counts.items():
        in_title = word in title_words
        if count >= 2 or in_title:
            terms[word[:MAX_TERM_LENGTH]] = 1.0 + math.log(count) + (1.0 if in_title else 0.0)
    best = sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return dict(best)


def _upsert_counts(conn: Connection, terms: list[str]) -> None:
    if not terms:
        return
    rows = [{"term": t, "documents": 1} for t in terms]
    table = schema.term_counts
    stmt = dialect_insert(conn, table)
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["term"], set_={"documents": table.c.documents + 1}), rows
    )


def record_terms(conn: Connection, document_id: int, terms: dict[str, float]) -> None:
    """Store a document's key terms and count them (inside the document's transaction)."""
    if not terms:
        return
    conn.execute(
        insert(schema.document_terms),
        [{"term": t, "document_id": document_id, "weight": float(w)} for t, w in terms.items()],
    )
    _upsert_counts(conn, sorted(terms))


def _idf(df: int, n: int) -> float:
    """Rarity of a term held by ``df`` of ``n`` documents: 0 for a term every document holds."""
    return math.log((n + 1) / min(max(df, 1), n + 1))


def find_matches(
    conn: Connection,
    document_id: int,
    terms: dict[str, float],
    published: datetime | None,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[StoryMatch]:
    """Stored documents about the same event as ``document_id`` (whose terms are already recorded)."""
    if not terms:
        return []
    d = schema.documents
    dt = schema.document_terms
    tc = schema.term_counts
    n = int(conn.execute(select(func.coalesce(func.max(d.c.id), 0))).scalar_one())
    df = {
        row[0]: int(row[1])
        for row in conn.execute(select(tc.c.term, tc.c.documents).where(tc.c.term.in_(terms)))
    }
    rare = [t for t in terms if df.get(t, 1) <= CANDIDATE_TERM_MAX_DF]
    if not rare:
        return []
    conds: list[Any] = [dt.c.term.in_(rare), dt.c.document_id != document_id, d.c.duplicate_of.is_(None)]
    if published is not None:
        window = timedelta(days=window_days)
        conds.append(
            (d.c.published.is_(None))
            | and_(d.c.published >= published - window, d.c.published <= published + window)
        )
    candidates = [
        int(row[0])
        for row in conn.execute(
            select(dt.c.document_id, func.count().label("shared"))
            .select_from(dt.join(d, d.c.id == dt.c.document_id))
            .where(*conds)
            .group_by(dt.c.document_id)
            .order_by(func.count().desc(), dt.c.document_id.desc())
            .limit(MAX_CANDIDATES)
        )
    ]
    if not candidates:
        return []
    idf: dict[str, float] = {t: _idf(df.get(t, 1), n) for t in terms}
    their_terms: dict[int, dict[str, float]] = {c: {} for c in candidates}
    for row in conn.execute(
        select(dt.c.document_id, dt.c.term, dt.c.weight, tc.c.documents)
        .select_from(dt.join(tc, tc.c.term == dt.c.term))
        .where(dt.c.document_id.in_(candidates))
    ):
        their_terms[int(row[0])][row[1]] = float(row[2])
        if row[1] not in idf:
            idf[row[1]] = _idf(int(row[3]), n)
    own = sum(w * idf[t] for t, w in terms.items())
    matches = []
    rare_set = set(rare)
    for cand, ts in their_terms.items():
        if sum(1 for t in rare_set if t in ts) < MIN_SHARED_RARE_TERMS:
            continue
        shared = sum(min(w, ts[t]) * idf[t] for t, w in terms.items() if t in ts)
        smaller = min(own, sum(w * idf[t] for t, w in ts.items()))
        score = shared / smaller if smaller > 0 else 0.0
        if score >= threshold:
            matches.append(StoryMatch(cand, round(score, 4)))
    return sorted(matches, key=lambda m: (-m.score, m.document_id))


def story_label(conn: Connection, story_id: int) -> str:
    """A short label from the names and key terms the story's documents share most."""
    d = schema.documents
    dt = schema.document_terms
    rows = list(
        conn.execute(
            select(dt.c.term, func.count().label("n"), func.sum(dt.c.weight).label("w"))
            .select_from(dt.join(d, d.c.id == dt.c.document_id))
            .where(d.c.story_id == story_id)
            .group_by(dt.c.term)
            .order_by(func.count().desc(), func.sum(dt.c.weight).desc(), dt.c.term)
            .limit(40)
        )
    )
    names = [r[0] for r in rows if r[0][:1].isupper()][:LABEL_NAMES]
    words = [r[0] for r in rows if not r[0][:1].isupper()][:LABEL_KEYWORDS]
    if not names and not words:
        title = conn.execute(select(d.c.title).where(d.c.story_id == story_id).order_by(d.c.id)).scalar()
        return str(title or f"story {story_id}")
    label = ", ".join(names)
    if words:
        label = f"{label}: {', '.join(words)}" if label else ", ".join(words)
    return label


def _refresh_story(conn: Connection, story_id: int) -> None:
    d = schema.documents
    size, first, last = conn.execute(
        select(func.count(), func.min(d.c.published), func.max(d.c.published)).where(d.c.story_id == story_id)
    ).one()
    values: dict[str, Any] = {"first_published": first, "last_published": last}
    if size < 64 or (size & (size - 1)) == 0:  # relabel while small, then at each doubling
        values["label"] = story_label(conn, story_id)
    conn.execute(update(schema.stories).where(schema.stories.c.id == story_id).values(**values))


def assign_story(
    conn: Connection,
    document_id: int,
    terms: dict[str, float],
    published: datetime | None,
    *,
    duplicate_of: int | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    threshold: float = DEFAULT_THRESHOLD,
) -> int | None:
    """Put a stored document into the story of the documents it matches (creating or merging stories)."""
    d = schema.documents
    s = schema.stories
    if duplicate_of is not None:
        matched = [duplicate_of]
    else:
        matched = [
            m.document_id
            for m in find_matches(
                conn, document_id, terms, published, window_days=window_days, threshold=threshold
            )
        ]
    if not matched:
        return None
    existing = sorted(
        {
            int(r[0])
            for r in conn.execute(select(d.c.story_id).where(d.c.id.in_(matched), d.c.story_id.is_not(None)))
        }
    )
    if existing:
        target = existing[0]
        others = existing[1:]
        if others:
            conn.execute(update(d).where(d.c.story_id.in_(others)).values(story_id=target))
            conn.execute(delete(s).where(s.c.id.in_(others)))
    else:
        target = int(conn.execute(insert(s).returning(s.c.id), {"label": ""}).scalar_one())
    conn.execute(
        update(d).where(d.c.id.in_([document_id, *matched]), d.c.story_id.is_(None)).values(story_id=target)
    )
    _refresh_story(conn, target)
    return target
