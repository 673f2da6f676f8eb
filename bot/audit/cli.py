"""`baton audit verify` and `baton audit show [n]`: the audit chain checked and read from a shell.

Both only read: verifying must not migrate or otherwise touch the database it is judging.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from bot.audit import render, service
from bot.core.baton import Baton
from bot.core.clock import SystemClock
from bot.core.config import Config
from bot.text.layout import plain_text
from bot.text.renderer import Renderer
from storage.db import make_engine

EXIT_BROKEN = 1
EXIT_UNREADABLE = 2
T = TypeVar("T")


def verify_command(config: Config, noted_head: str | None = None) -> int:
    """`noted_head`: a head hash written down earlier, outside the database (see service.verify)."""
    r = Renderer(config)
    verified = _read(config, r, service.verify, noted_head)
    if verified is None:
        return EXIT_UNREADABLE
    if verified.broken is not None:
        print(plain_text(render.broken(r, verified.broken)), file=sys.stderr)
        return EXIT_BROKEN
    if noted_head is not None and not verified.noted_head_found:
        print(render.head_missing(r, noted_head), file=sys.stderr)
        return EXIT_BROKEN
    if verified.altered:
        print("\n".join(plain_text(render.altered_close(r, altered)) for altered in verified.altered), file=sys.stderr)
        return EXIT_BROKEN
    print(render.intact(r, verified))
    return 0


def show_command(config: Config, n: int) -> int:
    r = Renderer(config)
    entries = _read(config, r, service.latest, n)
    if entries is None:
        return EXIT_UNREADABLE
    print("\n".join(plain_text(text) for text in render.entries_messages(r, entries)))
    return 0


def _read(config: Config, r: Renderer, query: Callable[..., T], *args: object) -> T | None:
    """The query's answer, or None once it is said that the database could not be read (not migrated, say)."""
    engine = make_engine(config.database_url)
    try:
        return Baton(config, engine, SystemClock()).read(query, *args)
    except SQLAlchemyError as exc:
        print(render.unreadable(r, _first_line(exc)), file=sys.stderr)
        return None
    finally:
        engine.dispose()


def _first_line(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
