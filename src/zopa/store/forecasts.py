"""Stored forecasts: a model's forecast on a negotiation table is computed once per (table, model, parameters,
draws, seed, level) and read back by every view, so the CLI, the report, the dashboard and the API agree to
the digit. Rows are keyed by a hash of everything the forecast depends on
(:func:`zopa.negotiation.forecasts.forecast_key`); a database that cannot be written (a read-only file) still
answers, it only recomputes."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from zopa.errors import StorageError
from zopa.store import schema
from zopa.store.db import Database

log = logging.getLogger("zopa.store")


def load_forecast(db: Database, key: str) -> dict[str, Any] | None:
    """The stored result under ``key``, or None."""
    f = schema.forecasts
    with db.connect() as conn:
        raw = conn.execute(select(f.c.result).where(f.c.key == key)).scalar_one_or_none()
    return None if raw is None else dict(json.loads(raw))


def save_forecast(
    db: Database, key: str, *, inputs: str, model: str, settings: dict[str, Any], result: dict[str, Any]
) -> bool:
    """Store a result under ``key``; False when the database cannot be written (it is then recomputed next
    time). A row another process stored first is kept: both computed the same thing."""
    row = {
        "key": key,
        "inputs": inputs,
        "model": model,
        "settings": json.dumps(settings, sort_keys=True),
        "result": json.dumps(result, sort_keys=True, allow_nan=False),
        "computed_at": datetime.now(UTC).replace(tzinfo=None),
    }
    try:
        with db.transaction() as conn:
            conn.execute(insert(schema.forecasts), row)
    except IntegrityError:
        return True
    except StorageError as exc:
        if isinstance(exc.__cause__, IntegrityError):
            return True
        log.warning("forecast not stored (%s): it will be recomputed", exc)
        return False
    return True
