"""Alembic environment: runs migrations on the connection the store hands in."""

from __future__ import annotations

from alembic import context

from claimledger.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # command-line use: `alembic -x url=... upgrade head`
    from sqlalchemy import create_engine

    url = context.get_x_argument(as_dictionary=True)["url"]
    with create_engine(url).connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
