"""Property-based API testing: schemathesis generates requests from the OpenAPI schema (in-process) and checks
that no request makes a server error and every response matches the schema. Kept fast: few examples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from web_fixtures import build_web_db
from zopa.web.app import create_app

pytestmark = pytest.mark.filterwarnings(
    # schemathesis drives ASGI apps through starlette's TestClient, which warns about its own httpx use
    "ignore:Using `httpx` with `starlette.testclient`",
)


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = str(Path(tmp_path_factory.mktemp("schemathesis")) / "zopa.db")
    db, _ = build_web_db(url)
    db.close()
    app = create_app(url)
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    app.state.db.close()


schema = schemathesis.pytest.from_fixture("api_schema")
NEGOTIATION = r"^/api/v1/negotiation"  # each new seed or draw count runs every model's Monte Carlo


@schema.exclude(path_regex=NEGOTIATION).parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_has_no_server_errors_and_matches_its_schema(case: schemathesis.Case) -> None:
    response = case.call_and_validate()
    assert response.status_code < 500


@schema.include(path_regex=NEGOTIATION).parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_negotiation_api_has_no_server_errors_and_matches_its_schema(case: schemathesis.Case) -> None:
    # the same checks with fewer examples: a request with new Monte Carlo options computes them (seconds)
    response = case.call_and_validate()
    assert response.status_code < 500
