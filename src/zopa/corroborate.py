"""Corroboration: the same quote and the same claim across articles, and how many independent sources
carry it.

Two kinds of group, each with the articles (carriers) that hold it, the outlets, the first and latest date and
the number of **independent sources**:

* a **quote group**: one speaker's near-identical words (word-level similarity >= ``quote_similarity``, or the
  shorter quote contained in the longer) in several articles;
* a **claim group**: one party's stance on one issue at one point (values within ``value_tolerance`` points,
  or both without a value; a conditional offer also by the issue it is conditional on), in several articles.

Carriers of a group are one source, not several, when (each link is shown as the carrier's ``why``):

* they are the same article, or near-duplicate articles (``duplicate_of``, from ingest's MinHash);
* they come from the same outlet within ``same_source_days`` of each other;
* their articles credit the same wire service within ``same_source_days`` (the services and how a credit is
  recognised: ``zopa/data/wire-services.yaml``);
* their sentences are copies: the words outside quotation marks (at least ``min_copy_words``) are
  near-identical (similarity >= ``copy_similarity``): a reporter's own sentence, repeated, is copy;
* their articles share at least ``shared_wording`` of their word 3-shingles (MinHash estimate), within
  ``same_source_days``: one text, rewritten.

Sources are the connected groups of these links. The negotiation build reads :meth:`Corroboration.source_keys`
(statement -> its source within its claim group), so copies of one source carry one source's weight.
A quote attributed to two speakers (neither speaking for the other in the codebook) is a
:class:`QuoteConflict`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from zopa.dedupe import similarity
from zopa.errors import InputError, ModelInputError
from zopa.records import _Record
from zopa.store.tracking import DocumentSource

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.negotiation.evidence import StatementRow
    from zopa.records import Position
    from zopa.store.db import Database
    from zopa.store.rows import PositionRow, QuoteRow

WIRES_FILE = Path(__file__).parent / "data" / "wire-services.yaml"
_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"[“\"«„‘][^“”\"«»„‘’]*[”\"»’“]")
_KEY_WORDS = 6  # words in the prefix and suffix keys that propose two texts for comparison
_MAX_KEY_SHARE = 50  # a prefix or suffix key held by more texts than this is not used

SourceLoader = Callable[[Iterable[int]], Mapping[int, DocumentSource]]


# --- options and wire services ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CorroborateOptions:
    """When two items are the same quote or claim, and when two carriers are one source."""

    quote_similarity: float = 0.9
    min_quote_words: int = 4
    value_tolerance: float = 10.0  # points on the 0-100 scale
    copy_similarity: float = 0.9
    min_copy_words: int = 8
    shared_wording: float = 0.3  # estimated Jaccard similarity of two articles' word 3-shingles
    same_source_days: int = 3
    wires_file: Path | None = None  # default: zopa/data/wire-services.yaml

    def __post_init__(self) -> None:
        for name in ("quote_similarity", "copy_similarity", "shared_wording"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ModelInputError(f"{name} must be in (0, 1], not {value}")
        if self.value_tolerance < 0 or self.same_source_days < 0:
            raise ModelInputError("value_tolerance and same_source_days must not be negative")


@dataclass(frozen=True, slots=True, kw_only=True)
class WireService(_Record):
    id: str
    names: tuple[str, ...]


@cache
def load_wires(path: Path | None = None) -> tuple[WireService, ...]:
    """The wire services of ``path`` (default: the shipped list); a malformed file is an InputError."""
    import yaml
    from pydantic import BaseModel, ConfigDict, ValidationError

    class _Wire(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str
        names: list[str]

    class _File(BaseModel):
        model_config = ConfigDict(extra="forbid")
        wires: list[_Wire]

    where = path or WIRES_FILE
    try:
        data = yaml.safe_load(where.read_text(encoding="utf-8"))
        parsed = _File.model_validate(data)
    except OSError as exc:
        raise InputError(str(where), f"cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(str(where), f"not valid YAML ({exc})") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise InputError(str(where), f"field {field}: {err['msg']}") from None
    return tuple(WireService(id=w.id, names=tuple(n for n in w.names if n.strip())) for w in parsed.wires)


@cache
def _credit_patterns(
    wires: tuple[WireService, ...],
) -> tuple[tuple[str, tuple[str, ...], re.Pattern[str], re.Pattern[str]], ...]:
    out = []
    for wire in wires:
        names = "|".join(re.escape(n) for n in sorted(wire.names, key=len, reverse=True))
        if not names:
            continue
        bare = re.compile(rf"(?<!\w)(?:{names})(?!\w)")
        credit = re.compile(
            rf"\((?:{names})\)|(?<!\w)(?:{names})(?!\w)\s+(?:reported|reports|news agency|contributed)"
            rf"|(?:according to|citing|told|cited by)\s+(?:the\s+)?(?:{names})(?!\w)"
        )
        out.append((wire.id, tuple(wire.names), bare, credit))
    return tuple(out)


def credits(source: DocumentSource, wires: tuple[WireService, ...]) -> frozenset[str]:
    """The wire services an article credits (see the module docstring and the wire-services file)."""
    found = set()
    body = source.head + "\n" + source.tail
    outlet = source.outlet or ""
    for wire_id, names, bare, credit in _credit_patterns(wires):
        # every pattern holds one of the names as written: most articles name no wire, so test for the
        # names first (a substring test) and run the patterns only where one occurs
        in_outlet = any(n in outlet for n in names)
        in_body = any(n in body for n in names)
        if (in_outlet and bare.search(outlet)) or (in_body and (bare.search(body) or credit.search(body))):
            found.add(wire_id)
    return frozenset(found)


# --- records ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Carrier(_Record):
    """One article's copy of a quote or claim, and which independent source of its group it belongs to."""

    item: int  # the position or quote id
    document: int
    title: str
    outlet: str | None
    published: datetime | None
    start: int
    end: int
    text: str  # the sentence (claims) or the quoted words (quotes)
    speaker: str | None
    stance: str | None = None
    value: float | None = None
    red_line: bool = False
    conditional_on: str | None = None
    source: int = 0  # index of its independent source in the group (0 = the earliest)
    copy_of: int | None = None  # the document it repeats, when it is not the first of its source
    why: str = ""  # why it counts with that document ("both credit reuters (doc 3)", ...)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Group(_Record):
    """What every group has: its carriers (oldest first, undated last), their outlets and sources."""

    id: str
    carriers: tuple[Carrier, ...]
    outlets: tuple[str, ...]
    independent_sources: int
    first: datetime | None
    latest: datetime | None

    @property
    def articles(self) -> int:
        return len({c.document for c in self.carriers})


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimGroup(_Group):
    """One party's stance on one issue at one point, across articles (id "actor/issue/stance/n")."""

    actor: str
    issue: str
    stance: str
    value: float | None  # the median of the carriers' values
    conditional_on: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteGroup(_Group):
    """One speaker's near-identical words, across articles."""

    speaker: str
    text: str  # the longest version


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteConflict(_Record):
    """The same words attributed to two speakers (neither speaks for the other)."""

    text: str
    first: Carrier
    second: Carrier


@dataclass(frozen=True, slots=True, kw_only=True)
class Corroboration(_Record):
    claims: tuple[ClaimGroup, ...]  # every claim, singletons included
    quotes: tuple[QuoteGroup, ...]  # quotes carried by two or more articles
    conflicts: tuple[QuoteConflict, ...]

    def source_keys(self) -> dict[int, str]:
        """Position id -> its independent source ("claim-group-id#n"): what the negotiation build counts."""
        return {c.item: f"{g.id}#{c.source}" for g in self.claims for c in g.carriers}

    def corroborated(self, min_sources: int) -> tuple[ClaimGroup, ...]:
        """Claims carried by at least ``min_sources`` independent sources, the best corroborated first."""
        found = [g for g in self.claims if g.independent_sources >= min_sources]
        return tuple(sorted(found, key=lambda g: (-g.independent_sources, -g.articles, g.id)))


# --- text comparison -------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _narrative(sentence: str) -> list[str]:
    """The reporter's words: the sentence without its quoted passages."""
    return _words(_QUOTED.sub(" ", sentence))


def _same_words(a: list[str], b: list[str], threshold: float) -> bool:
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= _KEY_WORDS and f" {' '.join(short)} " in f" {' '.join(long)} ":
        return True
    if 2 * len(short) / (len(a) + len(b)) < threshold:  # the ratio cannot reach the threshold
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold


def _text_keys(words: list[str]) -> list[str]:
    keys = [" ".join(words)]
    if len(words) >= _KEY_WORDS:
        keys += ["<" + " ".join(words[:_KEY_WORDS]), ">" + " ".join(words[-_KEY_WORDS:])]
    return keys


def _similar_pairs(texts: Sequence[list[str]], threshold: float) -> list[tuple[int, int]]:
    """Index pairs of near-identical word lists; candidates come from shared whole/prefix/suffix keys."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, words in enumerate(texts):
        for key in _text_keys(words):
            by_key[key].append(i)
    seen: set[tuple[int, int]] = set()
    out = []
    for key, members in by_key.items():
        if len(members) > _MAX_KEY_SHARE and key.startswith(("<", ">")):
            continue  # a formula many sentences open or close with proposes nothing
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pair = (min(i, j), max(i, j))
                if pair in seen or i == j:
                    continue
                seen.add(pair)
                if _same_words(texts[i], texts[j], threshold):
                    out.append(pair)
    return out


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


# --- independent sources ---------------------------------------------------------------------------------


def _with_source(c: Carrier, source: int, copy_of: int | None, why: str) -> Carrier:
    # dataclasses.replace() costs several times this on every copy of every claim
    return Carrier(
        item=c.item,
        document=c.document,
        title=c.title,
        outlet=c.outlet,
        published=c.published,
        start=c.start,
        end=c.end,
        text=c.text,
        speaker=c.speaker,
        stance=c.stance,
        value=c.value,
        red_line=c.red_line,
        conditional_on=c.conditional_on,
        source=source,
        copy_of=copy_of,
        why=why,
    )


def _order(item: Carrier) -> tuple[bool, datetime, int, int]:
    return (item.published is None, item.published or datetime.min, item.document, item.start)


class _Independence:
    """Links carriers that are one source (module docstring) and numbers the sources."""

    def __init__(self, sources: Mapping[int, DocumentSource], options: CorroborateOptions) -> None:
        self.sources = sources
        self.o = options
        self.wires = load_wires(options.wires_file)
        self._credits: dict[int, frozenset[str]] = {}
        self._wording: dict[tuple[int, int], float] = {}

    def credits_of(self, doc: int) -> frozenset[str]:
        if doc not in self._credits:
            src = self.sources.get(doc)
            self._credits[doc] = credits(src, self.wires) if src is not None else frozenset()
        return self._credits[doc]

    def wording(self, a: int, b: int) -> float:
        key = (min(a, b), max(a, b))
        if key not in self._wording:
            sa, sb = self.sources.get(a), self.sources.get(b)
            ok = sa is not None and sb is not None and sa.signature and sb.signature
            self._wording[key] = similarity(sa.signature, sb.signature) if ok else 0.0  # type: ignore[union-attr,arg-type]
        return self._wording[key]

    def root(self, doc: int) -> int:
        src = self.sources.get(doc)
        return doc if src is None else src.root

    def assign(self, items: list[Carrier], *, sentences: bool) -> list[Carrier]:
        items = sorted(items, key=_order)
        n = len(items)
        uf = _UnionFind(n)
        links: dict[int, list[tuple[int, str]]] = defaultdict(list)  # later index -> (earlier index, why)

        def link(i: int, j: int, why: str) -> None:
            i, j = min(i, j), max(i, j)
            uf.union(i, j)
            links[j].append((i, why))

        if n > 1:
            self._link_exact(items, link)
            self._link_in_window(items, link)
            if sentences:
                narratives = [_narrative(it.text) for it in items]
                usable = [k for k, words in enumerate(narratives) if len(words) >= self.o.min_copy_words]
                for a, b in _similar_pairs([narratives[k] for k in usable], self.o.copy_similarity):
                    i, j = usable[a], usable[b]
                    link(i, j, f"same sentence as doc {items[min(i, j)].document}")
        numbering: dict[int, int] = {}
        out = []
        for k, it in enumerate(items):
            root = uf.find(k)
            source = numbering.setdefault(root, len(numbering))
            if root == k and source == 0:
                out.append(it)
                continue
            copy_of, why = None, ""
            if root != k:
                earlier, why = min(links[k]) if links[k] else (root, "linked through another copy")
                copy_of = items[earlier].document
            out.append(_with_source(it, source, copy_of, why))
        return out

    def _link_exact(self, items: list[Carrier], link: Callable[[int, int, str], None]) -> None:
        first_doc: dict[int, int] = {}
        first_root: dict[int, int] = {}
        for k, it in enumerate(items):
            if it.document in first_doc:
                link(first_doc[it.document], k, "same article")
                continue
            first_doc[it.document] = k
            root = self.root(it.document)
            if root in first_root:
                link(first_root[root], k, f"near-duplicate of doc {root}")
            else:
                first_root[root] = k

    def _link_in_window(self, items: list[Carrier], link: Callable[[int, int, str], None]) -> None:
        """Same outlet, same wire or shared wording, within ``same_source_days`` (undated: with anyone)."""
        window = self.o.same_source_days
        dated = [k for k, it in enumerate(items) if it.published is not None]
        undated = [k for k, it in enumerate(items) if it.published is None]
        pairs: list[tuple[int, int]] = []
        for x, i in enumerate(dated):
            for j in dated[x + 1 :]:
                if (items[j].published - items[i].published).days > window:  # type: ignore[operator]
                    break
                pairs.append((i, j))
        pairs += [(i, j) for j in undated for i in range(j)]  # undated carriers sort last
        for i, j in pairs:
            a, b = items[min(i, j)], items[max(i, j)]
            if a.document == b.document:
                continue
            if a.outlet and b.outlet and a.outlet.casefold() == b.outlet.casefold():
                link(i, j, f"same outlet ({b.outlet}) as doc {a.document}")
                continue
            shared = sorted(self.credits_of(a.document) & self.credits_of(b.document))
            if shared:
                link(i, j, f"both credit {shared[0]} (doc {a.document})")
                continue
            share = self.wording(a.document, b.document)
            if share >= self.o.shared_wording:
                link(i, j, f"shares {share:.0%} of its wording with doc {a.document}")


# --- grouping --------------------------------------------------------------------------------------------


def _outlets(carriers: Sequence[Carrier]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for c in carriers:
        label = c.outlet or c.title
        seen.setdefault(label.casefold(), label)
    return tuple(seen.values())


def _dates(carriers: Sequence[Carrier]) -> tuple[datetime | None, datetime | None]:
    dated = [c.published for c in carriers if c.published is not None]
    return (min(dated), max(dated)) if dated else (None, None)


def _median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


ClaimKey = tuple[str, str, str, str]  # party, issue, stance, the issue a conditional offer depends on


def _claim_clusters(
    items: Sequence[tuple[ClaimKey, Carrier]], tolerance: float
) -> list[tuple[ClaimKey, list[Carrier]]]:
    """Claims by (party, issue, stance, conditional issue), then by value: a cluster spans at most
    ``tolerance`` points from its lowest value; unvalued claims form their own cluster."""
    buckets: dict[ClaimKey, list[Carrier]] = defaultdict(list)
    for key, carrier in items:
        buckets[key].append(carrier)
    out: list[tuple[ClaimKey, list[Carrier]]] = []
    for key in sorted(buckets):
        rows = buckets[key]
        unvalued = [r for r in rows if r.value is None]
        if unvalued:
            out.append((key, unvalued))
        current: list[Carrier] = []
        for r in sorted((r for r in rows if r.value is not None), key=lambda r: (r.value, r.item)):
            if current and float(r.value) - float(current[0].value) > tolerance:  # type: ignore[arg-type]
                out.append((key, current))
                current = []
            current.append(r)
        if current:
            out.append((key, current))
    return out


def _position_item(
    p: PositionRow | Position,
    *,
    item: int,
    document: int,
    title: str,
    outlet: str | None,
    published: datetime | None,
) -> Carrier:
    """A claim's carrier from a stored position row or a position record with its document."""
    return Carrier(
        item=item,
        document=document,
        title=title,
        outlet=outlet,
        published=published,
        start=p.start,
        end=p.end,
        text=p.evidence,
        speaker=p.speaker,
        stance=p.stance,
        value=p.value,
        red_line=p.red_line,
        conditional_on=p.conditional_on,
    )


def _quote_item(q: QuoteRow) -> Carrier:
    return Carrier(
        item=q.id,
        document=q.document,
        title=q.title,
        outlet=q.outlet,
        published=q.published,
        start=q.start,
        end=q.end,
        text=q.text,
        speaker=q.speaker,
    )


def quote_keys(text: str, options: CorroborateOptions | None = None) -> list[str]:
    """The keys that propose a quote for comparison with another (none when it is too short to compare):
    quotes that share none are never grouped (:mod:`zopa.store.aggregates` keeps them per quote)."""
    words = _words(text)
    return _text_keys(words) if len(words) >= (options or CorroborateOptions()).min_quote_words else []


def _quote_clusters(quotes: Sequence[QuoteRow], options: CorroborateOptions) -> list[list[QuoteRow]]:
    """Quotes with near-identical words (any speaker), two or more to a cluster."""
    usable = [q for q in quotes if len(_words(q.text)) >= options.min_quote_words]
    words = [_words(q.text) for q in usable]
    uf = _UnionFind(len(usable))
    for i, j in _similar_pairs(words, options.quote_similarity):
        uf.union(i, j)
    clusters: dict[int, list[QuoteRow]] = defaultdict(list)
    for k, q in enumerate(usable):
        clusters[uf.find(k)].append(q)
    return [c for _, c in sorted(clusters.items()) if len(c) > 1]


def _speaks_for(codebook: Codebook | None) -> dict[str, set[str]]:
    """Speaker -> the parties they speak for (ever), from the codebook."""
    if codebook is None:
        return {}
    return {a.id: {ref.party for ref in a.speaks_for} for a in codebook.actors if a.speaks_for}


def corroborate(
    positions: Sequence[PositionRow],
    quotes: Sequence[QuoteRow],
    sources: SourceLoader,
    *,
    options: CorroborateOptions | None = None,
    codebook: Codebook | None = None,
) -> Corroboration:
    """Claim groups, quote groups and misattributed quotes. ``sources(ids)`` gives the documents
    (:func:`zopa.store.tracking.document_sources`); it is asked only for those of groups with two or more
    carriers."""
    claims = [
        (
            (p.actor, p.issue, p.stance, p.conditional_on or ""),
            _position_item(
                p, item=p.id, document=p.document, title=p.title, outlet=p.outlet, published=p.published
            ),
        )
        for p in positions
    ]
    return _corroborate(claims, quotes, sources, options=options, codebook=codebook)


def _corroborate(
    positions: Sequence[tuple[ClaimKey, Carrier]],
    quotes: Sequence[QuoteRow],
    sources: SourceLoader,
    *,
    options: CorroborateOptions | None,
    codebook: Codebook | None,
) -> Corroboration:
    opts = options or CorroborateOptions()
    claim_clusters = _claim_clusters(positions, opts.value_tolerance)
    quote_clusters = _quote_clusters(quotes, opts)
    needed = {p.document for _, c in claim_clusters if len(c) > 1 for p in c}
    needed |= {q.document for c in quote_clusters for q in c}
    independence = _Independence(sources(needed) if needed else {}, opts)

    groups_of_claims = []
    numbers: dict[tuple[str, str, str], int] = defaultdict(int)
    for (actor, issue, stance, conditional_on), cluster in claim_clusters:
        carriers = independence.assign(cluster, sentences=True)
        values = [float(p.value) for p in cluster if p.value is not None]
        base = (actor, issue, stance)
        numbers[base] += 1
        first, latest = _dates(carriers)
        groups_of_claims.append(
            ClaimGroup(
                id=f"{actor}/{issue}/{stance}/{numbers[base]}",
                actor=actor,
                issue=issue,
                stance=stance,
                value=_median(values) if values else None,
                conditional_on=conditional_on or None,
                carriers=tuple(carriers),
                outlets=_outlets(carriers),
                independent_sources=len({c.source for c in carriers}),
                first=first,
                latest=latest,
            )
        )

    groups: list[QuoteGroup] = []
    conflicts: list[QuoteConflict] = []
    parties = _speaks_for(codebook)
    for quoted in quote_clusters:
        by_speaker: dict[str, list[QuoteRow]] = defaultdict(list)
        for q in quoted:
            if q.speaker is not None:
                by_speaker[q.speaker].append(q)
        earliest: dict[str, Carrier] = {}
        for speaker in sorted(by_speaker):
            carriers = independence.assign([_quote_item(q) for q in by_speaker[speaker]], sentences=False)
            earliest[speaker] = carriers[0]
            if len(carriers) < 2:
                continue
            first, latest = _dates(carriers)
            groups.append(
                QuoteGroup(
                    id=f"quote/{carriers[0].item}",
                    speaker=speaker,
                    text=max((c.text for c in carriers), key=len),
                    carriers=tuple(carriers),
                    outlets=_outlets(carriers),
                    independent_sources=len({c.source for c in carriers}),
                    first=first,
                    latest=latest,
                )
            )
        names = sorted(earliest, key=lambda s: _order(earliest[s]))
        for x, a in enumerate(names):
            for b in names[x + 1 :]:
                if b in parties.get(a, set()) or a in parties.get(b, set()):
                    continue  # a person and the party they speak for: one attribution, not two
                conflicts.append(QuoteConflict(text=earliest[a].text, first=earliest[a], second=earliest[b]))
    groups.sort(key=lambda g: (-g.independent_sources, -g.articles, g.id))
    return Corroboration(claims=tuple(groups_of_claims), quotes=tuple(groups), conflicts=tuple(conflicts))


def corroborate_db(
    db: Database,
    *,
    options: CorroborateOptions | None = None,
    codebook: Codebook | None = None,
    actor: str | None = None,
    issue: str | None = None,
    quotes: bool = True,
) -> Corroboration:
    """:func:`corroborate` over the stored evidence (near-duplicate articles included: they are carriers
    that count with their original); ``actor`` / ``issue`` restrict the claims, ``quotes=False`` skips
    quotes."""
    from zopa.store.queries import EVERYTHING, EvidenceFilter, listing
    from zopa.store.rows import PositionRow, QuoteRow
    from zopa.store.tracking import document_sources

    claims = EvidenceFilter(actor=actor, issue=issue, include_duplicates=True)
    positions = listing(db, PositionRow, claims).items
    found = listing(db, QuoteRow, EVERYTHING).items if quotes else ()
    return corroborate(
        positions, found, lambda ids: document_sources(db, ids), options=options, codebook=codebook
    )


def independent_sources(
    db: Database, rows: Sequence[StatementRow], *, options: CorroborateOptions | None = None
) -> dict[int, str]:
    """Statement id -> its independent source, for the negotiation build's ``sources`` argument: the
    claims of the build's own ``rows`` (:func:`zopa.negotiation.evidence.load_statements`) corroborated
    with each other, the documents read from ``db``."""
    from zopa.store.tracking import document_sources

    claims = [
        (
            (p.actor, p.issue, p.stance, p.conditional_on or ""),
            _position_item(
                p, item=r.id, document=r.document_id, title=r.title, outlet=r.outlet, published=r.published
            ),
        )
        for r in rows
        if r.id is not None and r.document_id is not None
        for p in (r.position,)
    ]
    found = _corroborate(claims, (), lambda ids: document_sources(db, ids), options=options, codebook=None)
    return found.source_keys()
