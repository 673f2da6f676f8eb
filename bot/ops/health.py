"""`baton health` for Docker's HEALTHCHECK: the database answers, and the bot's loop is alive.

The database answering says nothing about a bot whose event loop is stuck, so `baton run`
also touches a heartbeat file from its job queue (which runs on that loop) when
$BATON_HEARTBEAT names one; `baton health` then wants it fresh.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from storage.db import make_engine, normalise_url

HEARTBEAT_ENV = "BATON_HEARTBEAT"
MAX_AGE_SECONDS = 180  # six missed beats: a loop busy with a long import still counts as alive


def heartbeat_path(environ: dict[str, str] | None = None) -> Path | None:
    value = (os.environ if environ is None else environ).get(HEARTBEAT_ENV)
    return Path(value) if value else None


def check(database_url: str, heartbeat: Path | None, max_age: float = MAX_AGE_SECONDS) -> str | None:
    """None when healthy, else what is wrong."""
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return f"no SQLite database file at {url.database!r}"  # connecting would create an empty one
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            # Not just SELECT 1: a database that answers but was never migrated is no Baton database.
            connection.execute(text("SELECT version_num FROM alembic_version")).one()
    except SQLAlchemyError as exc:
        return f"the database does not answer: {str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}"
    finally:
        engine.dispose()
    if heartbeat is None:
        return None
    try:
        age = time.time() - heartbeat.stat().st_mtime
    except FileNotFoundError:
        return f"no heartbeat at {heartbeat}: is baton run running?"
    if age > max_age:
        return f"the last heartbeat is {age:.0f}s old (more than {max_age:.0f}s): the bot's loop is stuck or stopped"
    return None
