"""The negotiation table: validation errors name the actor and issue."""

from __future__ import annotations

import numpy as np
import pytest

from zopa.errors import ModelInputError
from zopa.models.table import IssueSpec, Negotiation, TableBatch


def table(**kw: object) -> Negotiation:
    base: dict[str, object] = dict(
        name="t",
        actors=("A", "B", "C"),
        issues=(IssueSpec(id="x", status_quo=0.0), IssueSpec(id="y")),
        position=np.array([[10.0, 20.0], [50.0, np.nan], [90.0, 80.0]]),
        salience=np.array([[0.5, 0.5], [1.0, 0.0], [0.2, 0.9]]),
        capability=np.array([1.0, 2.0, 3.0]),
    )
    base.update(kw)
    return Negotiation(**base)  # type: ignore[arg-type]


def test_valid_table_passes_and_helpers_agree() -> None:
    t = table().validate()
    assert t.involved().tolist() == [[True, True], [True, False], [True, True]]
    assert t.capability_matrix().shape == (3, 2)
    assert t.weights()[1, 1] == 0.0
    assert np.isnan(t.status_quo_vector()[1])
    assert t.no_deal()[0, 0] == 0.0 and np.isnan(t.no_deal()[0, 1])
    assert t.fingerprint() == table().fingerprint()
    assert t.fingerprint() != table(capability=np.array([1.0, 2.0, 4.0])).fingerprint()
    assert TableBatch.of(t).position.shape == (1, 3, 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"position": np.array([[10.0, 20.0], [150.0, np.nan], [90.0, 80.0]])},
            "actor 'B', issue 'x': position 150",
        ),
        (
            {"salience": np.array([[0.5, np.nan], [1.0, 0.0], [0.2, 0.9]])},
            "actor 'A', issue 'y': salience is missing",
        ),
        ({"salience": np.array([[0.5, 0.5], [1.0, 0.0], [0.2, 1.9]])}, "actor 'C', issue 'y': salience 1.9"),
        ({"capability": np.array([1.0, np.nan, 3.0])}, "actor 'B', issue 'x': capability nan"),
        ({"capability": np.array([1.0, 0.0, 3.0])}, "actor 'B' has zero capability on every issue"),
        ({"actors": ("A", "A", "C")}, "duplicate actor name 'A'"),
        ({"issues": (IssueSpec(id="x"), IssueSpec(id="x"))}, "duplicate issue name 'x'"),
        (
            {"position": np.array([[10.0, 20.0], [50.0, np.nan], [90.0, np.nan]])},
            "issue 'y' has fewer than two",
        ),
        ({"red_line": np.array([[[50.0, 10.0], [np.nan, np.nan]]] * 3)}, "red line [50, 10] is empty"),
        ({"batna": np.array([[200.0, np.nan]] * 3)}, "actor 'A', issue 'x': BATNA 200"),
        ({"risk": np.array([0.0, 2.0, 0.0])}, "actor 'B': risk attitude 2.0"),
        ({"issues": (IssueSpec(id="x", status_quo=120.0), IssueSpec(id="y"))}, "issue 'x': status quo 120"),
        ({"capability": np.ones(5)}, "capability has shape (5,)"),
    ],
)
def test_validation_names_actor_and_issue(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ModelInputError, match=None) as err:
        table(**changes).validate()
    assert message in str(err.value)
