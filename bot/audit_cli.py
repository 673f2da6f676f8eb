"""`baton audit verify` and `baton audit show [n]`: the audit chain checked and read from a shell.

Both only read: verifying must not migrate or otherwise touch the database it is judging.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator

from sqlalchemy.exc import SQLAlchemyError

from bot.audit_handlers import entries_messages, latest_entries
from bot.config import Config
from bot.render import Renderer, plain_text
from domain.audit_chain import GENESIS, Sealed, first_break
from storage import audit
from storage.db import make_engine, reading
from storage.models import AuditRow

EXIT_BROKEN = 1
EXIT_UNREADABLE = 2


def verify_command(config: Config, noted_head: str | None = None) -> int:
    """`noted_head`: a head hash written down earlier, outside the database. Someone able to write
    the database can reseal every entry after the one they changed; they cannot make that old
    hash reappear, so an intact chain that lacks it was rewritten."""
    render = Renderer(config)
    engine = make_engine(config.database_url)
    try:
        with reading(engine) as session:
            seen = _Counted(audit.entries(session), noted_head)
            broken = first_break(seen)
            if broken is not None:
                row = session.get(AuditRow, broken.id)
                at = row.at.astimezone(render.tz).isoformat(sep=" ", timespec="seconds")
                reason = render.t(f"audit.reason.{broken.reason}")
                print(plain_text(render.t("audit.verify_broken", id=row.id, action=row.action, at=at, reason=reason)), file=sys.stderr)
                return EXIT_BROKEN
    except SQLAlchemyError as exc:
        print(render.t("audit.unreadable", error=_first_line(exc)), file=sys.stderr)
        return EXIT_UNREADABLE
    finally:
        engine.dispose()
    if noted_head is not None and not seen.found:
        print(render.t("audit.head_missing", head=noted_head), file=sys.stderr)
        return EXIT_BROKEN
    print(render.t("audit.verify_ok", count=seen.count, head=seen.head))
    return 0


def show_command(config: Config, n: int) -> int:
    render = Renderer(config)
    engine = make_engine(config.database_url)
    try:
        rows, names = latest_entries(engine, n)
    except SQLAlchemyError as exc:
        print(render.t("audit.unreadable", error=_first_line(exc)), file=sys.stderr)
        return EXIT_UNREADABLE
    finally:
        engine.dispose()
    print("\n".join(plain_text(text) for text in entries_messages(render, rows, names)))
    return 0


def _first_line(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


class _Counted:
    """Passes the chain through, noting how many entries went by, the last hash, and whether `noted` was one."""

    def __init__(self, entries: Iterator[Sealed], noted: str | None) -> None:
        self._entries = entries
        self._noted = noted
        self.count = 0
        self.head = GENESIS
        self.found = False

    def __iter__(self) -> Iterator[Sealed]:
        for entry in self._entries:
            self.count += 1
            self.head = entry.hash
            self.found = self.found or entry.hash == self._noted
            yield entry
