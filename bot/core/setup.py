"""Opening Baton on its database: migrate, make the accounts match the configuration, seed the roster once."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.core.baton import Baton
from bot.core.clock import SystemClock
from bot.core.config import Config
from domain.clock import Clock
from storage.accounts import AccountSpec
from storage.db import make_engine, transaction
from storage.migrate import migrate
from storage.roster import SeedShift
from storage.uow import Tables


def prepare_database(config: Config, clock: Clock | None = None) -> Engine:
    """Migrate, make the accounts table match the configuration, and seed the roster from it once."""
    engine = make_engine(config.database_url)
    migrate(engine)
    with transaction(engine) as session:
        tables = Tables(session)
        tables.accounts.sync([AccountSpec(a.key, a.platform, a.label) for a in config.accounts])
        seeds = [SeedShift(r.tg_user_id, r.name, r.account, r.weekdays, r.start, r.end) for r in config.roster]
        tables.roster.seed(seeds, (clock or SystemClock()).now())
    return engine


def open_baton(config: Config, clock: Clock | None = None) -> Baton:
    """Baton on its prepared database, on the system clock unless told otherwise: for the command line."""
    clock = clock or SystemClock()
    return Baton(config, prepare_database(config, clock), clock)
