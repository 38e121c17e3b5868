"""Alembic environment: zopa runs migrations on a connection it opened (see ``zopa.store.db``)."""

from __future__ import annotations

from alembic import context

from zopa.store.schema import include_object, metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the `alembic` command by hand
    raise RuntimeError("zopa migrations run through zopa.store.db.open_db(), which passes a connection")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
