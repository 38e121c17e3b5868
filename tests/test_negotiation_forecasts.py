"""One forecast per (table, model, parameters, draws, seed): computed once, stored, and the same in every
view; models run issue by issue where they must, failed draws are counted, no agreement reads as such."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from zopa.models.table import IssueSpec, Negotiation, Uncertainty
from zopa.negotiation import forecasts
from zopa.negotiation.forecasts import AnalysisOptions, IssueForecast, forecast_key, model_forecasts
from zopa.store import schema
from zopa.store.db import open_db


def _table(salience_b: float = 0.8) -> Negotiation:
    """Three actors on two issues; on ``b`` only one actor cares (the other two have salience 0 there unless
    ``salience_b`` says otherwise)."""
    return Negotiation(
        name="t",
        actors=("x", "y", "z"),
        issues=(IssueSpec(id="a", status_quo=50.0), IssueSpec(id="b", status_quo=50.0)),
        position=np.array([[10.0, 20.0], [80.0, 90.0], [60.0, 50.0]]),
        salience=np.array([[0.9, salience_b], [0.7, 0.0], [0.5, 0.0]]),
        capability=np.array([3.0, 2.0, 1.0]),
    )


def test_a_model_that_cannot_run_one_issue_still_forecasts_the_others() -> None:
    out = model_forecasts(_table(), "smp.v1", draws=0)
    assert out["a"].value is not None and out["a"].error is None
    assert out["b"].value is None and "issue 'b'" in (out["b"].error or "")
    assert out["b"].text().startswith("not run on this issue: smp.v1: issue 'b'")


def test_a_draw_a_model_cannot_run_is_counted_not_allowed_to_drop_the_model() -> None:
    # y cares a little about b: some draws push its salience to 0, where smp cannot run b
    t = _table().replace(
        position=np.array([[10.0, 20.0], [80.0, 90.0], [60.0, np.nan]]),
        salience=np.array([[0.9, 0.8], [0.7, 0.05], [0.5, 0.0]]),
        uncertainty=Uncertainty(salience_sd=np.full((3, 2), 0.1)),
    )
    out = model_forecasts(t, "smp.v1", draws=12, seed=5)
    assert out["a"].ran == 12 and not out["a"].failed
    b = out["b"]
    assert 0 < b.failed_draws < 12 and b.ran == 12 - b.failed_draws and b.value is not None
    (reason,) = b.failed
    assert "issue 'b'" in reason
    assert any(
        n.startswith(f"{b.failed_draws} of 12 draws could not be run on this issue") for n in b.notes()
    )


def test_no_agreement_reads_as_no_agreement_not_as_a_forecast() -> None:
    # each side's no-deal outcome is its own position: no outcome helps both
    t = Negotiation(
        name="stuck",
        actors=("x", "y"),
        issues=(IssueSpec(id="a"),),
        position=np.array([[0.0], [100.0]]),
        salience=np.array([[1.0], [1.0]]),
        capability=np.array([1.0, 1.0]),
        batna=np.array([[0.0], [100.0]]),
    )
    f = model_forecasts(t, "nash.v1", draws=50)["a"]
    assert f.reads_no_agreement and f.value is None and f.no_agreement == 50 and f.agreement is False
    assert f.text().startswith("no agreement in 50 of 50 draws")
    assert f.disagreement_point is not None


def test_the_point_forecast_always_lies_inside_its_interval() -> None:
    rng = np.random.default_rng(1)
    for draws in (1, 2, 5, 40):
        t = _table(0.5).replace(position=rng.uniform(0, 100, (3, 2)))
        for f in model_forecasts(t, "compromise.v1", draws=draws, seed=draws).values():
            assert f.lo is not None and f.value is not None and f.hi is not None
            assert f.lo <= f.value <= f.hi


def test_forecasts_are_stored_once_and_read_back(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(tmp_path / "f.db")
    t = _table(0.5)
    first = model_forecasts(t, "compromise.v1", draws=30, seed=2, db=db)
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.forecasts)).scalar_one() == 1

    def no_compute(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed")

    monkeypatch.setattr(forecasts, "_compute", no_compute)
    again = model_forecasts(t, "compromise.v1", draws=30, seed=2, db=db)
    assert again == first
    # another seed or draw count is another forecast
    assert forecast_key(t, "compromise.v1", {}, 30, 2, 0.8) != forecast_key(
        t, "compromise.v1", {}, 30, 3, 0.8
    )
    assert forecast_key(t, "compromise.v1", {}, 30, 2, 0.8) != forecast_key(
        t, "compromise.v1", {}, 31, 2, 0.8
    )
    spread = t.replace(uncertainty=Uncertainty(position_sd=np.full((3, 2), 9.0)))
    assert forecast_key(t, "compromise.v1", {}, 30, 2, 0.8) != forecast_key(
        spread, "compromise.v1", {}, 30, 2, 0.8
    )


def test_a_read_only_database_still_answers(tmp_path) -> None:
    path = tmp_path / "ro.db"
    open_db(path).close()
    path.chmod(0o444)
    (tmp_path).chmod(0o555)
    try:
        db = open_db(path)
        out = model_forecasts(_table(0.5), "median.v1", draws=10, db=db)
        assert out["a"].value is not None
    finally:
        (tmp_path).chmod(0o755)
        path.chmod(0o644)


def test_issue_forecast_round_trips_through_its_dict() -> None:
    f = model_forecasts(_table(0.5), "compromise.v1", draws=20)["a"]
    assert IssueForecast.from_dict(f.as_dict()) == f


def test_options_state_the_convention_and_refuse_bad_values() -> None:
    assert "median" in AnalysisOptions().as_dict()["convention"]
    with pytest.raises(Exception, match="draws must be >= 0"):
        AnalysisOptions(draws=-1)


# ---- one answer everywhere: CLI, report, API (the Done-when test of issue 13)


def _cli_forecasts(db: str, args: list[str]) -> dict[tuple[str, str], tuple]:
    import json as _json

    from typer.testing import CliRunner

    from zopa.cli import app

    result = CliRunner().invoke(app, ["negotiation", "gap", "--db", db, "--json", *args])
    assert result.exit_code == 0, result.output
    data = _json.loads(result.stdout)
    return {
        (f["model"], g["issue"]): (f["value"], f["lo"], f["hi"])
        for g in data["issues"]
        for f in g["forecasts"]
    }


def _api_forecasts(db: str, query: str) -> dict[tuple[str, str], tuple]:
    from web_fixtures import web_client
    from zopa.web.app import create_app

    app = create_app(db)
    try:
        with web_client(app) as client:
            response = client.get(f"/api/v1/negotiation/gap?{query}")
            assert response.status_code == 200, response.text
            data = response.json()
    finally:
        app.state.db.close()
    return {
        (f["model"], g["issue"]): (f["value"], f["lo"], f["hi"])
        for g in data["issues"]
        for f in g["forecasts"]
    }


def _report_forecasts(db: str, args: list[str], out) -> dict[tuple[str, str], tuple]:
    import html as _html
    import json as _json
    import re

    from typer.testing import CliRunner

    from zopa.cli import app

    result = CliRunner().invoke(app, ["report", "--db", db, "--html", str(out), *args])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    rows = re.findall(r"<tr data-model=\"([^\"]+)\" data-issue=\"([^\"]+)\" data-forecast='([^']+)'>", page)
    assert rows
    found = {}
    for model, issue, raw in rows:
        d = _json.loads(_html.unescape(raw))
        found[(model, issue)] = (d["value"], d["lo"], d["hi"])
    return found


@pytest.mark.parametrize(("seed", "draws", "iterative"), [(0, 500, 20), (5, 37, 3)])
def test_cli_report_and_api_give_identical_forecasts_for_every_model_and_issue(
    seeded_db, tmp_path, seed: int, draws: int, iterative: int
) -> None:
    import sqlite3

    args = ["--seed", str(seed), "--draws", str(draws), "--iterative-draws", str(iterative)]
    query = f"seed={seed}&draws={draws}&iterative_draws={iterative}"
    # three copies of the seeds' database, each view computing first in one of them
    copies = []
    for name in ("cli-first", "api-first", "report-first"):
        path = tmp_path / f"{name}.db"
        with sqlite3.connect(seeded_db.path) as src, sqlite3.connect(path) as dst:
            src.backup(dst)  # the WAL's pages too
            dst.execute("DELETE FROM forecasts")  # whatever other tests stored: each copy computes afresh
        copies.append(str(path))
    cli = _cli_forecasts(copies[0], args)
    assert len(cli) >= 12  # 6 models x 2 issues on the seeds
    assert _api_forecasts(copies[0], query) == cli
    assert _report_forecasts(copies[0], args, tmp_path / "r0.html") == cli
    assert _api_forecasts(copies[1], query) == cli  # computed by the API this time
    assert _report_forecasts(copies[2], args, tmp_path / "r2.html") == cli  # computed by the report
    assert _cli_forecasts(copies[2], args) == cli
    # smp.v1 forecasts Donetsk whatever happens to nato-membership in a draw
    assert cli[("smp.v1", "donetsk-control")][0] is not None
