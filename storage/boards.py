"""The boards table: the live console of each group, and how far behind the changes it is.

Every change to holds or cases bumps a group's `version`; the board message shows `shown`. A
board is due an edit while `version > shown`, and however many changes came in between, one edit
(drawn from the state at the moment it is sent) brings it up to date: edits coalesce by design.
`repost` asks for a fresh console message below, which becomes the live board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from storage.models import BoardRow
from storage.types import table_of

_BOARDS = table_of(BoardRow)
# Every press runs it: built once. SET version + 1, and the values given.
_TOUCH = update(_BOARDS).where(_BOARDS.c.chat_id == bindparam("chat")).values(version=_BOARDS.c.version + 1)


@dataclass(frozen=True)
class Board:
    chat_id: int
    message_id: int | None
    version: int
    shown: int
    repost: bool

    @property
    def due(self) -> bool:
        return self.repost or (self.message_id is not None and self.version > self.shown)


def _board(row: BoardRow) -> Board:
    return Board(row.chat_id, row.message_id, row.version, row.shown, row.repost)


class Boards:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.touched = False  # a board was marked behind in this unit of work

    def get(self, chat_id: int) -> Board | None:
        row = self.session.get(BoardRow, chat_id)
        return _board(row) if row is not None else None

    def due(self) -> list[Board]:
        rows = self.session.exec(select(BoardRow).where((col(BoardRow.version) > col(BoardRow.shown)) | col(BoardRow.repost)))
        return [b for b in map(_board, rows) if b.due]

    def touch(self, chat_id: int, at: datetime, *, repost: bool = False) -> None:
        """Something the board shows changed (or a fresh console was asked for)."""
        self.touched = True
        values: dict[str, object] = {"chat": chat_id, "changed_at": at}
        if repost:
            values["repost"] = True
        changed = self.session.connection().execute(_TOUCH, values)
        if changed.rowcount == 0:
            self.session.add(BoardRow(chat_id=chat_id, message_id=None, version=1, shown=0, repost=repost, changed_at=at))
            self.session.flush()

    def shown_up_to(self, chat_id: int, version: int) -> None:
        """The board message now shows the state as of `version`."""
        self.session.exec(update(BoardRow).where(col(BoardRow.chat_id) == chat_id, col(BoardRow.shown) < version).values(shown=version))

    def moved(self, chat_id: int, message_id: int, version: int) -> int | None:
        """A fresh console message, showing `version`, is the live board now; the one it replaces, if any."""
        row = self.session.get_one(BoardRow, chat_id)
        previous = row.message_id
        row.message_id, row.repost = message_id, False
        row.shown = max(row.shown, version)
        self.session.flush()
        return previous
