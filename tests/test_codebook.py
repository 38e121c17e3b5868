"""Codebook schema: shipped codebooks validate; invalid ones raise CodebookError naming the field."""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml

from zopa.codebook import default_codebook_path, load_codebook, parse_codebook
from zopa.errors import CodebookError
from zopa.extract.actors import ActorResolver

CODEBOOKS = Path(__file__).resolve().parents[1] / "src" / "zopa" / "codebooks"
SHARED = Path(__file__).resolve().parents[2] / "shared"
REQUIRED_ISSUES = {
    "donetsk-control",
    "annexed-regions-recognition",
    "crimea-recognition",
    "other-territory",
    "nato-membership",
    "foreign-troops",
    "security-guarantees",
    "army-size",
    "sanctions",
    "frozen-assets",
    "ceasefire",
    "prisoner-exchange",
    "elections",
    "zaporizhzhia-npp",
    "root-causes",
    "talks-process",
    "peace-plan",
    "territorial-legitimacy",
    "no-deal-alternative",
}


@cache
def shipped():  # type: ignore[no-untyped-def]
    return load_codebook(default_codebook_path())


def _minimal() -> dict:
    return {
        "name": "t",
        "actors": [
            {"id": "a", "name": "Aland", "kind": "state"},
            {"id": "p", "name": "Pat Doe", "kind": "person", "speaks_for": [{"party": "a"}]},
        ],
        "issues": [{"id": "i", "label": "I", "cues": [r"\bthing\b"]}],
    }


@pytest.mark.parametrize("path", sorted(CODEBOOKS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_codebooks_validate(path: Path) -> None:
    codebook = load_codebook(path)
    assert codebook.actors and codebook.issues
    for issue in codebook.issues:
        for anchor in issue.anchors:
            assert 0 <= anchor.value <= 100 and anchor.meaning


def test_top_level_codebooks_folder_is_the_package_folder() -> None:
    top = Path(__file__).resolve().parents[1] / "codebooks" / "russia-ukraine.yaml"
    assert top.exists() and top.resolve() == default_codebook_path().resolve()


def test_russia_ukraine_has_required_issues_and_parties() -> None:
    codebook = load_codebook(default_codebook_path())
    assert {i.id for i in codebook.issues} >= REQUIRED_ISSUES
    names = {a.name for a in codebook.parties()}
    assert {"Russia", "Ukraine", "United States", "European Union", "NATO", "United Nations"} <= names
    for issue in codebook.issues:
        assert issue.cues, issue.id
        assert len(issue.anchors) >= 2, issue.id
        assert {a.value for a in issue.anchors} >= {0, 100}, issue.id
    no_deal = codebook.issue_by_id["no-deal-alternative"]
    assert no_deal.no_deal and no_deal.affects
    for key in (
        "demand",
        "reject",
        "accept",
        "offer",
        "conditional",
        "threat",
        "plan",
        "red_line",
        "statement",
    ):
        assert getattr(codebook.grammar.stance_cues, key), key
    for party in codebook.parties():
        assert party.capability is not None and party.capability_source, party.id


@pytest.mark.parametrize(
    ("title", "day", "who"),
    [
        ("the Russian president", date(2025, 12, 17), "putin"),
        ("Russian President", date(2005, 1, 1), "putin"),
        ("the Russian president", date(2010, 6, 1), "medvedev"),
        ("the U.S. president", date(2022, 3, 1), "biden"),
        ("the U.S. president", date(2025, 6, 1), "trump"),
        ("the Ukrainian foreign minister", date(2023, 1, 1), "kuleba"),
        ("the Ukrainian foreign minister", date(2025, 1, 1), "sybiha"),
        ("NATO Secretary General", date(2023, 1, 1), "stoltenberg"),
        ("NATO Secretary General", date(2025, 1, 1), "rutte"),
    ],
)
def test_titles_resolve_at_the_article_date(title: str, day: date, who: str) -> None:
    resolver = ActorResolver.for_codebook(shipped(), day)
    assert resolver.lookup(title) == who


def test_people_speak_for_their_party_only_in_office() -> None:
    codebook = shipped()
    assert codebook.actor_by_id["lavrov"].party_on(date(2024, 1, 1)) == "russia"
    assert codebook.actor_by_id["biden"].party_on(date(2025, 6, 1)) is None
    assert codebook.actor_by_id["trump"].party_on(date(2025, 6, 1)) == "united-states"


def test_state_capabilities_are_cinc_2016() -> None:
    nmc = SHARED / "benchmarks" / "cow-nmc" / "NMC-60-abridged.csv"
    if not nmc.exists():
        pytest.skip(f"{nmc} not found: the shared benchmarks folder must sit beside the repository")
    with nmc.open(encoding="utf-8") as fh:
        cinc = {r["stateabb"]: float(r["cinc"]) for r in csv.DictReader(fh) if r["year"] == "2016"}
    codebook = load_codebook(default_codebook_path())
    for actor in codebook.actors:
        source = actor.capability_source or ""
        m = re.search(r"CINC 2016 \(([A-Z]{3})\)", source)
        if m:
            assert actor.capability == pytest.approx(cinc[m.group(1)], abs=5e-5), actor.id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["actors"].append({"id": "a", "name": "Again", "kind": "state"}), "actors[2].id"),
        (lambda d: d["actors"][1]["speaks_for"].__setitem__(0, {"party": "nobody"}), "speaks_for[0].party"),
        (lambda d: d["issues"][0]["cues"].append("(unclosed"), "issues.0.cues"),
        (
            lambda d: d["issues"][0].__setitem__("anchors", [{"value": 150, "meaning": "x"}]),
            "issues.0.anchors.0.value",
        ),
        (lambda d: d["issues"][0].__setitem__("stance_map", {"offer": "surrender"}), "issues[0].stance_map"),
        (lambda d: d.__setitem__("grammar", {"stance_cues": {"demand": ["[bad"]}}), "stance_cues.demand"),
        (lambda d: d.__setitem__("grammar", {"stance_cues": {"wish": ["x"]}}), "grammar.stance_cues.wish"),
        (lambda d: d.__setitem__("grammar", {"verbs": ["x"]}), "grammar.verbs"),
        (lambda d: d.__setitem__("stance_cues", {"demand": ["x"]}), "belongs under 'grammar:'"),
        (lambda d: d["actors"][0].__setitem__("kind", "planet"), "actors.0.kind"),
        (lambda d: d["actors"][0].pop("name"), "actors.0.name"),
        (lambda d: d["actors"][0].__setitem__("nickname", "x"), "actors.0.nickname"),
    ],
)
def test_invalid_codebook_error_names_the_field(change, field: str) -> None:  # type: ignore[no-untyped-def]
    data = _minimal()
    change(data)
    with pytest.raises(CodebookError) as err:
        parse_codebook(data, source="bad.yaml")
    assert "bad.yaml" in str(err.value)
    assert field in str(err.value)


def test_unreadable_codebook_files(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="no such codebook"):
        load_codebook(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(broken)
    listy = tmp_path / "list.yaml"
    listy.write_text(yaml.safe_dump([1, 2]), encoding="utf-8")
    with pytest.raises(CodebookError, match="must be a mapping"):
        load_codebook(listy)


def test_readme_codebook_example_validates() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("<!-- section:extraction -->"), readme.index("<!-- /section:extraction -->")
    section = readme[start:end]
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert example is not None
    codebook = parse_codebook(yaml.safe_load(example.group(1)), source="README")
    assert codebook.actor_by_id["putin"].party_on(date(2024, 1, 1)) == "russia"


def test_a_codebook_inherits_the_default_grammar_and_extends_it() -> None:
    bare = parse_codebook(_minimal(), source="bare.yaml")
    assert "say" in bare.grammar.speech_verbs and bare.grammar.stance_cues.reject
    data = _minimal()
    data["grammar"] = {
        "speech_verbs": ["quip"],
        "stance_cues": {"red_line": [r"\bnot one inch\b"]},
        "event_nouns": ["buses"],
        "replace": ["event_nouns"],
    }
    extended = parse_codebook(data, source="ext.yaml")
    assert {"say", "quip"} <= set(extended.grammar.speech_verbs)
    assert r"\bnot one inch\b" in extended.grammar.stance_cues.red_line
    assert set(bare.grammar.stance_cues.red_line) < set(extended.grammar.stance_cues.red_line)
    assert extended.grammar.event_nouns == ("buses",)


def test_speech_verbs_are_lemmas_with_every_inflection() -> None:
    from zopa.grammar import forms_of

    forms = forms_of(("brand", "call on", "according to"))
    assert {"branded", "brands", "called on", "calling on", "according to"} <= set(forms)
    assert forms["called on"] == "call on"


def test_a_measure_interpolates_between_its_points_and_clamps_at_the_ends() -> None:
    from zopa.codebook import Measure

    tariff = Measure(unit="%", points=((0, 0), (30, 50), (145, 100)))
    assert tariff.value_of(30) == 50 and tariff.value_of(-5) == 0 and tariff.value_of(500) == 100
    assert tariff.value_of(87.5) == pytest.approx(75.0)
    with pytest.raises(ValueError, match="increase"):
        Measure(unit="%", points=((30, 50), (10, 0)))
    with pytest.raises(ValueError, match="0-100"):
        Measure(unit="%", points=((0, 0), (10, 150)))


def test_grammar_read_with_libyaml_is_what_pyyaml_reads() -> None:
    """The shipped grammar is read by libyaml where PyYAML has it: the same data as PyYAML's own parser."""
    from zopa import grammar

    text = grammar.GRAMMAR_FILE.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=grammar._GRAMMAR_LOADER) == yaml.load(text, Loader=yaml.SafeLoader)
    assert grammar.default_grammar_data() == yaml.load(text, Loader=yaml.SafeLoader)


_REWRITE = "the shipped table is out of date: run python scripts/grammar_tables.py"


def _tables_script():  # type: ignore[no-untyped-def]
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / "grammar_tables.py"
    spec = importlib.util.spec_from_file_location("zopa_grammar_tables_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_verb_forms_are_lemminflects_for_every_shipped_lemma() -> None:
    """The shipped inflection table is what LemmInflect (the version installed) gives for every verb lemma of
    the grammar and the shipped codebooks, written as scripts/grammar_tables.py writes it: a changed verb
    list or LemmInflect fails here until the table is written again."""
    from zopa.grammar import VERB_FORMS_FILE

    script = _tables_script()
    assert VERB_FORMS_FILE.read_text(encoding="utf-8") == script.render(script.verb_forms_table()), _REWRITE


def test_verb_forms_outside_the_shipped_table_or_of_another_lemminflect_come_from_lemminflect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.metadata

    from zopa import grammar

    assert "retweet" not in grammar._shipped_forms()
    assert grammar.verb_forms("Retweet") == grammar.inflect("retweet")
    assert "retweeted" in grammar.verb_forms("retweet")
    assert grammar.verb_forms("call  on") == grammar._shipped_forms()["call on"] == grammar.inflect("call on")
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0.1")
    assert grammar._shipped_forms.__wrapped__() == {}  # type: ignore[attr-defined]


def test_checked_cues_are_the_shipped_cues_the_checker_passes() -> None:
    """The table of cues checked ahead of time holds exactly the shipped grammar's and codebooks' cues that
    check_cue passes, under the key of this checker (its source, this Python): a changed cue list or
    checker fails here until scripts/grammar_tables.py writes it again (another Python does not use it)."""
    import json

    from zopa import safe_regex

    shipped = json.loads(safe_regex.CHECKED_FILE.read_text(encoding="utf-8"))
    if shipped["checker"] != safe_regex.checker_key():
        assert safe_regex._checked() == frozenset()
        return
    script = _tables_script()
    shipped_text = safe_regex.CHECKED_FILE.read_text(encoding="utf-8")
    assert shipped_text == script.render(script.checked_cues_table()), _REWRITE
    assert safe_regex._checked() == frozenset(shipped["cues"]) != frozenset()


def test_cues_outside_the_checked_table_or_under_another_checker_are_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from zopa import safe_regex

    with pytest.raises(ValueError, match="unsafe on hostile text"):
        safe_regex.check_cue(r"(\w+\s?)*$")
    with pytest.raises(ValueError, match="empty string"):
        safe_regex.check_cue(r"(?:ceasefire)?")
    monkeypatch.setattr(safe_regex, "checker_key", lambda: "another checker")
    assert safe_regex._checked.__wrapped__() == frozenset()  # type: ignore[attr-defined]


def test_a_codebook_whose_alias_holds_itself_is_one_clear_error(tmp_path: Path) -> None:
    # "&x [*x]": a list that contains itself; reading its line marks once looped for ever
    book = tmp_path / "loop.yaml"
    book.write_text("name: loop\nactors: &x [*x]\nissues: []\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"loop\.yaml:2:\d+: field actors\.0"):
        load_codebook(book)
