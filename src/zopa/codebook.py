"""The codebook: all knowledge of one negotiation, as validated data.

A codebook is a YAML file (see ``codebooks/russia-ukraine.yaml`` and the README's "Codebook" section):
actors with aliases, dated titles, metonyms and whom they speak for; issues with a 0-100 scale, anchor points
and cue phrases. The language (speech verbs, stance cues, negators, event words) is zopa's default grammar
(``zopa.grammar``), which a codebook's ``grammar:`` section extends. No actor, country or issue name is
written in Python code: extractors and the negotiation builder read them from here.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from zopa.errors import CodebookError
from zopa.grammar import Grammar, merged_grammar_data
from zopa.safe_regex import check_cue
from zopa.yamlfile import YamlFile, field_problem, read_yaml


def _non_empty(value: str) -> str:
    # an empty alias or title would match a zero-width span in every sentence
    if not value.strip():
        raise ValueError("must not be empty or only spaces")
    return value


Name = Annotated[str, AfterValidator(_non_empty)]
Cue = Annotated[str, AfterValidator(check_cue)]  # valid, case-insensitive, no catastrophic backtracking
Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
# capabilities are relative weights (e.g. CINC shares); larger ones overflow the models' products
Capability = Annotated[float, Field(ge=0, le=1e15, allow_inf_nan=False)]

ActorKind = Literal["person", "state", "organisation", "alliance", "group"]
STANCE_CUE_KEYS = ("demand", "reject", "accept", "offer", "conditional", "threat", "plan", "red_line")
# Language lists that a codebook once held at its top level; they live in its ``grammar:`` section now.
_MOVED_TO_GRAMMAR = ("stance_cues", "speech_verbs", "event_verbs", "event_nouns")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DatedRef(_Model):
    """A value that holds between two dates (inclusive start, exclusive end; open when missing)."""

    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")

    def holds_on(self, day: date | None) -> bool:
        """Whether the value holds on ``day``. On an unknown day (an undated article) only a value that holds
        at all times does: a dated title names nobody, since its holder then is not known."""
        if day is None:
            return self.start is None and self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


class Title(DatedRef):
    """A title that names this actor during a period: "the Russian president"."""

    title: Name


class SpeaksFor(DatedRef):
    """The party a person or an organisation (a ministry, an agency) speaks for during a period."""

    party: str


class Actor(_Model):
    id: Name
    name: Name
    kind: ActorKind
    aliases: tuple[Name, ...] = ()
    titles: tuple[Title, ...] = ()
    metonyms: tuple[Name, ...] = ()  # "Moscow", "the Kremlin" -> the state
    # Adjectives that stand for the actor before a people noun ("Russian officials", "European leaders").
    adjectives: tuple[Name, ...] = ()
    speaks_for: tuple[SpeaksFor, ...] = ()
    capability: Capability | None = None  # default weight in the negotiation (e.g. CINC for states)
    capability_source: str | None = None
    party: bool | None = None  # a negotiating party; default: every non-person actor that speaks for no one

    @property
    def is_party(self) -> bool:
        # a ministry that speaks for its state is the state's voice, not a party with a capability of its own
        return self.party if self.party is not None else self.kind != "person" and not self.speaks_for

    def party_on(self, day: date | None) -> str | None:
        """The party this actor speaks for on ``day``: the one its ``speaks_for`` names then (people and
        organisations alike), else itself when it is a party. On an unknown day (an undated article), the
        party it speaks for in every period listed (None when the periods name different parties)."""
        if day is None:
            parties = {ref.party for ref in self.speaks_for}
            if parties:
                return parties.pop() if len(parties) == 1 else None
            return self.id if self.is_party else None
        for ref in self.speaks_for:
            if ref.holds_on(day):
                return ref.party
        return self.id if self.is_party else None


class Anchor(_Model):
    """A point on an issue's 0-100 scale, its meaning, and phrases that put a statement there."""

    value: Score
    meaning: str
    cues: tuple[Cue, ...] = ()  # regular expressions (case-insensitive)
    # On a no-deal issue: what this outcome implies on other issues if talks fail (issue id -> 0-100), read by
    # the negotiation builder to turn threat/plan statements into each party's BATNA.
    implies: dict[str, Score] = Field(default_factory=dict)


class Measure(_Model):
    """Numbers that place a statement on the scale: a quantity with its unit ("145%", "12 million tonnes")
    next to the issue's cue, mapped by straight lines between ``points`` (quantity -> scale value), clamped
    at the ends: a 54% tariff lands between the 30% and 145% points."""

    unit: str  # regular expression (case-insensitive) for the unit right after the number: '%|percent'
    points: tuple[tuple[float, float], ...]  # (quantity, 0-100 value), quantities increasing

    @field_validator("unit")
    @classmethod
    def _unit_compiles(cls, unit: str) -> str:
        return check_cue(unit)

    @field_validator("points")
    @classmethod
    def _points_in_order(cls, points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        if len(points) < 2:
            raise ValueError("needs at least two (quantity, value) points")
        for (q1, _), (q2, _) in pairwise(points):
            if not q2 > q1:
                raise ValueError(f"quantities must increase ({q1} then {q2})")
        for _, v in points:
            if not 0 <= v <= 100:
                raise ValueError(f"value {v} is outside the 0-100 scale")
        return points

    def value_of(self, quantity: float) -> float:
        """The scale value of a quantity: linear between the points around it, the end value beyond them."""
        points = self.points
        if quantity <= points[0][0]:
            return points[0][1]
        for (q1, v1), (q2, v2) in pairwise(points):
            if quantity <= q2:
                return v1 + (v2 - v1) * (quantity - q1) / (q2 - q1)
        return points[-1][1]


class Issue(_Model):
    id: Name
    label: str
    description: str = ""
    cues: tuple[Cue, ...] = ()  # regular expressions (case-insensitive) that tie a sentence to the issue
    anchors: tuple[Anchor, ...] = ()
    measure: Measure | None = None  # numbers with a unit that place a statement on the scale
    # The point a demand, offer, acceptance or plan means when its words name the issue and no point on it
    # ("accepted a truce": the truce itself); a rejection of it turns that point down. Leave it out
    # where naming the issue says nothing of the point ("sanctions" alone: kept or lifted?).
    plain_value: Score | None = None
    status_quo: Score | None = None
    # The alternative to agreement ("what happens if talks fail"), not an issue to negotiate: statements on it
    # set BATNAs on the issues in ``affects`` (or in its anchors' ``implies``), never a table position.
    no_deal: bool = False
    affects: tuple[str, ...] = ()
    # How a stance on this issue is read (extraction): e.g. on a no-deal issue, "prepared to keep fighting"
    # (offer) or "said the war will go on" (statement) is a threat. Keys and values are stances.
    stance_map: dict[str, str] = Field(default_factory=dict)
    # A catch-all issue ("the talks"): chosen only when no other issue is cued in a sentence.
    catch_all: bool = False


class Codebook(_Model):
    name: str
    description: str = ""
    version: str = "1"
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    # The language layer: zopa's default English grammar with this codebook's ``grammar:`` additions applied
    # (see zopa.grammar); after validation it is the whole grammar the extractors read.
    grammar: Grammar = Grammar()
    # Parties are the codebook's own (default). True: any named actor the text introduces (a person, an
    # organisation, a state found by NER) may hold positions too: for exploring a negotiation before its
    # codebook lists the parties, or for event-coding benchmarks.
    open_parties: bool = False

    @model_validator(mode="before")
    @classmethod
    def _inherit_grammar(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for old in _MOVED_TO_GRAMMAR:
            if old in data:
                raise ValueError(
                    f"{old}: belongs under 'grammar:' now (the default English grammar is inherited; list "
                    f"only what this negotiation adds, e.g. grammar: {{{old}: [...]}})"
                )
        if isinstance(data.get("grammar"), Grammar):
            return data
        return {**data, "grammar": merged_grammar_data(data.get("grammar"))}

    @model_validator(mode="after")
    def _check_references(self) -> Codebook:
        seen: set[str] = set()
        for i, actor in enumerate(self.actors):
            if actor.id in seen:
                raise ValueError(f"actors[{i}].id: duplicate actor id {actor.id!r}")
            seen.add(actor.id)
        for i, actor in enumerate(self.actors):
            for j, ref in enumerate(actor.speaks_for):
                if ref.party not in seen:
                    raise ValueError(
                        f"actors[{i}].speaks_for[{j}].party: {ref.party!r} is not an actor id in this "
                        "codebook"
                    )
        issue_ids: set[str] = set()
        for i, issue in enumerate(self.issues):
            if issue.id in issue_ids:
                raise ValueError(f"issues[{i}].id: duplicate issue id {issue.id!r}")
            issue_ids.add(issue.id)
        stances = (*STANCE_CUE_KEYS[:-1], "statement")
        for i, issue in enumerate(self.issues):
            for key, value in issue.stance_map.items():
                if key not in stances or value not in stances:
                    raise ValueError(
                        f"issues[{i}].stance_map: {key!r} -> {value!r}: "
                        f"both must be one of {', '.join(stances)}"
                    )
            for other in issue.affects:
                if other not in issue_ids:
                    raise ValueError(f"issues[{i}].affects: {other!r} is not an issue id in this codebook")
            for j, anchor in enumerate(issue.anchors):
                for other in anchor.implies:
                    if other not in issue_ids:
                        raise ValueError(
                            f"issues[{i}].anchors[{j}].implies: {other!r} is not an issue id in this codebook"
                        )
        return self

    @cached_property
    def actor_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    @cached_property
    def issue_by_id(self) -> dict[str, Issue]:
        return {i.id: i for i in self.issues}

    def parties(self) -> list[Actor]:
        return [a for a in self.actors if a.is_party]


# every field name a codebook can hold, for "did you mean" on a misspelt one
_FIELD_NAMES = frozenset(
    info.alias or key
    for model in (Codebook, Actor, Title, SpeaksFor, Issue, Anchor, Measure)
    for key, info in model.model_fields.items()
)


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file; raise :class:`CodebookError` naming the file, the line and the
    field."""
    doc = read_yaml(path, what="codebook", error=lambda where, problem: CodebookError(f"{where}: {problem}"))
    return parse_codebook(doc.data, source=str(doc.path), lines=doc)


def parse_codebook(data: object, *, source: str = "<codebook>", lines: YamlFile | None = None) -> Codebook:
    """Validate codebook data; ``lines`` (the file it was read from) adds the line of a bad field."""
    if not isinstance(data, dict):
        raise CodebookError(f"{source}: a codebook must be a mapping with 'name', 'actors' and 'issues'")
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        raise CodebookError(field_problem(exc, source, lines, _FIELD_NAMES)) from None


def codebook_hash(codebook: Codebook) -> str:
    """A stable hash of a codebook's content: stored with extraction runs to know what a change affects."""
    import hashlib

    return hashlib.sha256(codebook.model_dump_json(by_alias=True).encode()).hexdigest()


def default_codebook_path() -> Path:
    """The shipped Russia-Ukraine codebook."""
    return Path(__file__).parent / "codebooks" / "russia-ukraine.yaml"
