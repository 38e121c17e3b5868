"""Analyst overrides: applied after the evidence, shown as such with the replaced value, logged, validated."""

from __future__ import annotations

import contextlib
import logging
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_fixtures import codebook, talks_rows
from zopa.errors import InputError
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.overrides import load_overrides, parse_overrides

OVERRIDES = """\
overrides:
  - actor: north
    issue: valley
    field: salience
    value: 0.5
    reason: "Coverage overstates the valley; the north's budget speech puts sanctions first"
    by: AB
  - actor: broker
    field: capability
    value: 0.2
    reason: "The broker's leverage (aid) is larger than its CINC"
  - actor: south
    issue: valley
    field: red_line
    value: null
    reason: "Assume the rejection is a bargaining stance"
  - actor: south
    issue: valley
    field: batna
    value: 30
    reason: "South expects to hold the line"
"""


def test_overrides_replace_values_and_keep_the_evidence_apart(tmp_path, caplog):
    path = tmp_path / "overrides.yaml"
    path.write_text(OVERRIDES, encoding="utf-8")
    overrides = load_overrides(path)
    assert len(overrides) == 4
    base = build_negotiation(talks_rows(), codebook())
    with caplog.at_level(logging.INFO, logger="zopa.negotiation"):
        model = build_negotiation(talks_rows(), codebook(), overrides=overrides)
    t = model.table
    north, south, broker = (t.actors.index(a) for a in ("north", "south", "broker"))
    valley = t.issue_ids.index("valley")

    sal = model.value("north", "valley", "salience")
    assert sal.source == "override" and sal.value == 0.5
    assert sal.replaced == base.value("north", "valley", "salience").value == 1.0
    assert sal.evidence  # the statements stay visible beside the override
    assert "budget speech" in sal.detail and "(by AB)" in sal.detail and f"{path}#1" in sal.detail
    assert t.salience[north, valley] == 0.5
    assert t.provenance["north/valley/salience"].startswith("override:")

    assert t.capability[broker] == 0.2
    assert math.isnan(t.red_line[south, valley, 0])  # red line dropped
    assert t.batna[south, valley] == 30
    assert [o.override.field for o in model.overrides] == ["salience", "capability", "red_line", "batna"]
    assert model.overrides[2].replaced == (0.0, 95.0)
    assert len([r for r in caplog.records if "override" in r.getMessage()]) == 4
    # The evidence-based model is untouched by building the overridden one.
    assert base.table.salience[north, valley] == 1.0


def test_override_of_a_position_without_statements_gets_a_default_salience():
    overrides = parse_overrides(
        {
            "overrides": [
                {
                    "actor": "broker",
                    "issue": "sanctions",
                    "field": "position",
                    "value": 40,
                    "reason": "briefing",
                }
            ]
        }
    )
    model = build_negotiation(talks_rows(), codebook(), overrides=overrides)
    assert model.value("broker", "sanctions", "position").source == "override"
    assert model.value("broker", "sanctions", "salience").source == "default"
    assert model.value("broker", "sanctions", "position").replaced is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"actor": "north", "issue": "valley", "field": "salience", "value": 0.5}, "'reason' is required"),
        (
            {"actor": "north", "issue": "valley", "field": "salience", "value": 2, "reason": "x"},
            "outside 0-1",
        ),
        ({"actor": "north", "field": "position", "value": 5, "reason": "x"}, "'issue' is required"),
        (
            {"actor": "north", "issue": "valley", "field": "capability", "value": 1, "reason": "x"},
            "per party",
        ),
        (
            {"actor": "north", "issue": "valley", "field": "mood", "value": 1, "reason": "x"},
            "'field' must be",
        ),
        (
            {"actor": "north", "issue": "valley", "field": "red_line", "value": [80, 20], "reason": "x"},
            "lo is above",
        ),
        (
            {"actor": "north", "issue": "valley", "field": "batna", "value": "high", "reason": "x"},
            "must be a number",
        ),
        (
            {"actor": "north", "issue": "valley", "field": "batna", "value": 3, "reason": "x", "why": 1},
            "is not a field here",
        ),
    ],
)
def test_bad_override_entries_name_the_entry_and_the_problem(entry, message):
    with pytest.raises(InputError, match=message) as exc:
        parse_overrides({"overrides": [entry]}, source="ov.yaml")
    assert str(exc.value).startswith("ov.yaml: field overrides.0")


def test_override_of_unknown_actor_or_issue_is_an_input_error():
    for entry, message in (
        ({"actor": "atlantis", "field": "capability", "value": 1, "reason": "x"}, "actor 'atlantis'"),
        (
            {"actor": "north", "issue": "weather", "field": "batna", "value": 1, "reason": "x"},
            "issue 'weather'",
        ),
        (
            {"actor": "north", "issue": "if-talks-fail", "field": "position", "value": 1, "reason": "x"},
            "no-deal",
        ),
    ):
        with pytest.raises(InputError, match=message):
            build_negotiation(talks_rows(), codebook(), overrides=parse_overrides({"overrides": [entry]}))


def test_duplicate_override_and_unreadable_file(tmp_path):
    entry = {"actor": "north", "field": "capability", "value": 1, "reason": "x"}
    with pytest.raises(InputError, match="a second override"):
        parse_overrides({"overrides": [entry, entry]})
    with pytest.raises(InputError, match="no such overrides file"):
        load_overrides(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("overrides: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.yaml:1:\d+: not valid YAML"):
        load_overrides(bad)
    assert len(parse_overrides(None)) == 0


_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_entries = st.fixed_dictionaries(
    {},
    optional={
        "actor": st.sampled_from(["north", "", 3]),
        "issue": st.sampled_from(["valley", None, "weather"]),
        "field": st.sampled_from(["position", "salience", "capability", "red_line", "batna", "x"]),
        "value": _values,
        "reason": st.sampled_from(["why", "", None]),
    },
)


@settings(max_examples=60, deadline=None)
@given(st.one_of(_values, st.fixed_dictionaries({"overrides": st.lists(_entries, max_size=4)})))
def test_any_overrides_input_parses_or_is_an_input_error(data):
    from zopa.negotiation.analysis import parse_plan
    from zopa.negotiation.scenario import parse_scenario

    for parse in (parse_overrides, parse_plan, parse_scenario):
        with contextlib.suppress(InputError):  # anything else (TypeError, KeyError, ...) fails the test
            parse(data)
    try:
        overrides = parse_overrides(data)
    except InputError:
        return
    with contextlib.suppress(InputError):
        build_negotiation(talks_rows(), codebook(), overrides=overrides)
