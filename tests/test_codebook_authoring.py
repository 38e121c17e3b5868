"""Writing a codebook for another negotiation: the skeleton, ``codebook try``, the warnings of ``validate``,
``speaks_for`` on organisations and titles that ignore case and punctuation."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from cli_helpers import run_cli
from zopa.codebook import Codebook, load_codebook, parse_codebook
from zopa.codebook_tools import codebook_warnings, cue_problem, inflection_gap, skeleton
from zopa.extract.actors import ActorResolver, title_key
from zopa.grammar import default_grammar_data
from zopa.trial import try_text

CODEBOOKS = Path(__file__).resolve().parents[1] / "src" / "zopa" / "codebooks"

# A codebook of our own for the 2025 US-Iran talks. Its grammar reads "X is non-negotiable" as a refusal to
# give X up (a rejection of the demand to end it), which places Iran at the far end from that demand.
US_IRAN = {
    "name": "us-iran-2025",
    "actors": [
        {"id": "iran", "name": "Iran", "kind": "state", "metonyms": ["Tehran"], "capability": 0.0179},
        {"id": "united-states", "name": "United States", "kind": "state", "aliases": ["U.S.", "US"],
         "metonyms": ["Washington"], "capability": 0.1331},
        {"id": "aeoi", "name": "Atomic Energy Organization of Iran", "kind": "organisation",
         "aliases": ["AEOI"], "speaks_for": [{"party": "iran"}]},
        {"id": "araghchi", "name": "Abbas Araghchi", "kind": "person", "aliases": ["Araghchi"],
         "titles": [{"title": "Iran's foreign minister", "from": "2024-08-21"}],
         "speaks_for": [{"party": "iran", "from": "2024-08-21"}]},
        {"id": "witkoff", "name": "Steve Witkoff", "kind": "person", "aliases": ["Witkoff"],
         "titles": [{"title": "the U.S. special envoy", "from": "2025-01-20"}],
         "speaks_for": [{"party": "united-states", "from": "2025-01-20"}]},
    ],
    "issues": [
        {"id": "enrichment", "label": "Iran's uranium enrichment", "cues": [r"\benrichment\b"],
         "anchors": [{"value": 0, "meaning": "enrichment continues"},
                     {"value": 100, "meaning": "enrichment ends", "cues": [r"\bend\b", r"\bhalt\w*\b"]}]},
    ],
    "grammar": {"stance_cues": {"reject": [r"\bnon-?negotiable\b"]}},
}
NON_NEGOTIABLE = (
    "Iran's foreign minister said enrichment is non-negotiable, after the US special envoy said enrichment "
    "must end."
)


def us_iran() -> Codebook:
    return parse_codebook(US_IRAN, source="us-iran")


def test_non_negotiable_after_must_end_gives_two_positions_with_their_holders() -> None:
    trial = try_text(us_iran(), NON_NEGOTIABLE, day=date(2025, 5, 1))
    got = {(p.holder, p.stance): p for p in trial.positions}
    assert set(got) == {("iran", "reject"), ("united-states", "demand")}
    iran, us = got["iran", "reject"], got["united-states", "demand"]
    assert (iran.speaker, iran.red_line, iran.cue) == ("araghchi", True, "non-negotiable")
    assert (iran.issue_cue, iran.red_line_cue, iran.value, iran.rejected_value) == (
        "enrichment", "non-negotiable", None, None
    )
    assert (us.speaker, us.value, us.cue, us.point_cue) == ("witkoff", 100.0, "must", "end")
    # the titles were resolved at the date ("US special envoy" for the codebook's "the U.S. special envoy")
    how = {a.text: (a.actor, a.how, a.party) for a in trial.actors}
    assert how["Iran's foreign minister"] == ("araghchi", "title", "iran")
    assert how["the US special envoy"] == ("witkoff", "title", "united-states")


def test_codebook_try_prints_the_positions_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "us-iran.yaml"
    book.write_text(yaml.safe_dump(US_IRAN, sort_keys=False), encoding="utf-8")
    code, out, err = run_cli(["codebook", "try", str(book), NON_NEGOTIABLE, "--date", "2025-05-01"], capsys,
                             monkeypatch)
    assert code == 0, err
    table = out[out.index("Positions (2)") : out.index("Events")]
    # each position's first line, whatever the terminal's width: holder, stance, issue, point
    first_lines = [[c.strip() for c in r.split("│")[1:5]] for r in table.splitlines() if r.startswith("│ ")]
    assert ["Iran (araghchi)", "reject", "enrichment", "red line"] in first_lines, table
    us = ["demand", "enrichment", "100"]
    assert any(r[0].startswith("United States") and r[1:] == us for r in first_lines), table
    code, out, _ = run_cli(["codebook", "try", str(book), NON_NEGOTIABLE, "--date", "2025-05-01", "--json"],
                           capsys, monkeypatch)
    data = json.loads(out)
    assert {(p["holder"], p["stance"], p["value"]) for p in data["positions"]} == {
        ("iran", "reject", None), ("united-states", "demand", 100.0)
    }
    assert {"actors", "quotes", "events", "cues", "extractors"} <= set(data)
    code, _, err = run_cli(["codebook", "try", str(book), "x", "--date", "May 1"], capsys, monkeypatch)
    assert (code, err.strip()) == (1, "zopa: error: --date: 'May 1' is not a date (use YYYY-MM-DD)")


def test_an_organisation_speaks_for_its_state_and_is_no_party() -> None:
    book = us_iran()
    agency = book.actor_by_id["aeoi"]
    assert not agency.is_party and agency.party_on(date(2025, 5, 1)) == "iran"
    assert [a.id for a in book.parties()] == ["iran", "united-states"]
    trial = try_text(book, "The AEOI said enrichment must end.", day=date(2025, 5, 1))
    assert [(p.holder, p.stance) for p in trial.positions] == [("iran", "demand")]
    # what the negotiation build counts as parties (so the agency gets no capability of its own)
    from zopa.negotiation.build import build_negotiation

    model = build_negotiation([], book)
    assert "aeoi" not in model.table.actors


def test_titles_ignore_case_periods_hyphens_and_the() -> None:
    assert title_key("the U.S. Trade Representative") == title_key("US trade representative")
    assert title_key("NATO Secretary-General") == title_key("nato secretary general")
    resolver = ActorResolver.for_codebook(load_codebook(CODEBOOKS / "us-china-trade.yaml"), date(2025, 5, 1))
    spellings = ("US trade representative Greer", "the u.s. trade representative", "U.S Trade-representative")
    for text in spellings:
        found = resolver.find(text + " spoke.")
        assert [m.actor for m in found] == ["greer"], text
    # the period that ends a sentence is not part of a title ending in a short word
    codebook = parse_codebook(
        {"name": "t", "actors": [{"id": "e", "name": "Envoy", "kind": "person",
                                  "titles": [{"title": "the envoy of the US"}]}], "issues": []}
    )
    [mention] = ActorResolver.for_codebook(codebook, None).find("He met the envoy of the U.S.")
    assert mention.text == "the envoy of the U.S"


def test_the_skeleton_is_a_working_codebook_without_warnings(tmp_path: Path) -> None:
    text = skeleton("us-iran-2025")
    assert "name: us-iran-2025\n" in text and "zopa codebook try us-iran-2025.yaml" in text
    book = parse_codebook(yaml.safe_load(text), source="skeleton")
    assert codebook_warnings(book) == []
    # it inherits the whole default grammar and adds nothing to it
    assert list(book.grammar.stance_cues.reject) == default_grammar_data()["stance_cues"]["reject"]
    assert {a.kind for a in book.actors} == {"state", "organisation", "person"}
    assert any(a.titles and a.titles[0].start for a in book.actors)
    issue = book.issues[0]
    assert issue.anchors and issue.cues and issue.measure is not None
    # the sentence its comment tells the user to try
    trial = try_text(book, "Freedonia's trade minister said the grain tariff must end.", day=date(2026, 3, 2))
    assert [(p.holder, p.stance, p.value) for p in trial.positions] == [("freedonia", "demand", 0.0)]


def test_codebook_new_writes_the_skeleton_and_keeps_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["codebook", "new", "us-iran-2025"], capsys, monkeypatch)
    assert code == 0 and "wrote us-iran-2025.yaml" in out
    assert load_codebook(tmp_path / "us-iran-2025.yaml").name == "us-iran-2025"
    code, _, err = run_cli(["codebook", "new", "us-iran-2025"], capsys, monkeypatch)
    assert code == 1 and "already exists" in err
    code, _, _ = run_cli(["codebook", "new", "x", "-o", "us-iran-2025.yaml", "--force"], capsys, monkeypatch)
    assert code == 0 and load_codebook(tmp_path / "us-iran-2025.yaml").name == "x"


WARNED = """\
name: warned
actors:
  - {id: north, name: North, kind: state}
  - {id: ministry, name: North Ministry, kind: organisation, speaks_for: [{party: envoy}]}
  - {id: envoy, name: Envoy, kind: person}
issues:
  - id: fees
    label: Port fees
    cues: ["\\bfees\\b", '\\\\bport\\\\b', '\\bfees\\.\\b']
    anchors:
      - {value: 100, meaning: full fees}
      - {value: 0, meaning: no fees}
  - id: ships
    label: Ships
"""


def test_validate_warns_about_what_cannot_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "warned.yaml"
    book.write_text(WARNED, encoding="utf-8")
    code, out, err = run_cli(["codebook", "validate", str(book), "--json"], capsys, monkeypatch)
    assert code == 0
    warnings = json.loads(out)["warnings"]
    found = {(w["field"], w["where"].removeprefix(f"{book}:")): w["message"] for w in warnings}
    assert list(found) == [  # in file order
        ("actors.0", "3:5"), ("actors.1.speaks_for.0.party", "4:76"), ("issues.0.cues", "9:5"),
        ("issues.0.cues.0", "9:12"), ("issues.0.cues.1", "9:24"), ("issues.0.cues.2", "9:38"),
        ("issues.0.anchors.1", "12:9"), ("issues.1", "13:5"),
    ]
    assert "party 'north' has no capability" in found["actors.0", "3:5"]
    assert "speaks for 'envoy', which is not a party" in found["actors.1.speaks_for.0.party", "4:76"]
    assert "has no cue that can match" in found["issues.0.cues", "9:5"]
    assert found["issues.0.cues.0", "9:12"].startswith(
        "cue '\\x08fees\\x08' holds a control character: in YAML double quotes \\b is a backspace"
    )
    assert "looks for a backslash" in found["issues.0.cues.1", "9:24"]
    assert "can never match running text" in found["issues.0.cues.2", "9:38"]
    assert "anchor 0 comes after 100" in found["issues.0.anchors.1", "12:9"]
    assert "'ships' has no cues" in found["issues.1", "13:5"]
    code, out, err = run_cli(["codebook", "validate", str(book), "--strict"], capsys, monkeypatch)
    assert code == 1 and "8 warning(s)" in out and err.count("warning: ") == 8


def test_shipped_codebooks_and_default_grammar_raise_no_warnings() -> None:
    for path in sorted(CODEBOOKS.glob("*.yaml")):
        assert codebook_warnings(load_codebook(path)) == [], path.name
    for stance, cues in default_grammar_data()["stance_cues"].items():
        for cue in cues:
            assert cue_problem(cue) is None, (stance, cue)
            assert inflection_gap(cue) is None, (stance, cue)


def test_a_verb_stem_kept_with_its_final_e_misses_its_ing_form() -> None:
    assert inflection_gap(r"\bpause\w*\b") == (
        "matches 'pause' but not 'pausing': write '\\bpaus(?:e|es|ed|ing)\\b' or '\\bpaus\\w*\\b'"
    )
    assert inflection_gap(r"\bpaus(?:e|es|ed|ing)\b") is None
    assert inflection_gap(r"\bfree\w*\b") is None  # "freeing" keeps the e
    assert inflection_gap(r"\bimmediate\w*\b") is None  # no verb


@pytest.mark.parametrize(
    ("cue", "problem"),
    [
        (r"\btariffs?\b", None),
        (r"(?:^|[:;]\s*)No\b", None),
        (r"\b(?:U\.?S\.?|American)\s+(?:\w+\s+){0,2}tariffs?\b", None),
        (r"\bdeterr\w+\b(?=.{0,60}\b(?:attack|aggression)\b)", None),
        (r"[^\W\d_]+ fees", None),
        ("\bfees\b", "control character"),
        (r"\\bfees\\b", "backslash"),
        (r"\bU\.S\.\b", "can never match"),
        (r"\b\d+%\b", "can never match"),
        (r"fees$x", "can never match"),
    ],
)
def test_cue_problem(cue: str, problem: str | None) -> None:
    got = cue_problem(cue)
    assert (got is None) if problem is None else (got is not None and problem in got), got


def test_the_readme_walkthrough_shows_the_codebook_and_what_try_prints() -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("<!-- section:own-codebook -->"), readme.index("<!-- /section:own-codebook -->")
    section = readme[start:end]
    excerpt = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])[0]
    shipped = yaml.safe_load((CODEBOOKS / "us-china-trade.yaml").read_text(encoding="utf-8"))
    issue = next(i for i in shipped["issues"] if i["id"] == excerpt["id"])
    for key, value in excerpt.items():
        if key == "cues":
            assert set(value) <= set(issue["cues"])
        else:
            assert value == issue[key], key
    sentence = re.search(r"try codebooks/us-china-trade\.yaml '(.+?)' --date (\S+)", section)
    assert sentence is not None
    trial = try_text(load_codebook(CODEBOOKS / "us-china-trade.yaml"), sentence.group(1),
                     day=date.fromisoformat(sentence.group(2)))
    [p] = trial.positions
    shown = f"{p.holder_name} │ {p.stance} │ {p.issue} │ {p.value:g}"
    assert shown in re.sub(r" +│ +", " │ ", section)
    fired = f"stance '{p.cue}', issue '{p.issue_cue}', point '{p.point_cue}', condition '{p.condition_cue}'"
    assert fired in section
