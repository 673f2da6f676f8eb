"""The log as lines an operator can trust: text from people never drives the terminal or forges a line.

A name or reason may hold ESC sequences (which recolour or clear a terminal that shows the log),
a newline (which starts what looks like a record of its own) or a bidi override. The formatter
shows every such character escaped, as Python writes it (\\x1b, \\n, \\u202e). A traceback keeps
its own line breaks; only its other control characters are escaped.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from types import TracebackType

from domain.untrusted import BIDI_CONTROLS

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def escaped(text: str, keep: str = "") -> str:
    """`text` with control and bidi characters (but those in `keep`) written as escapes."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if ch not in keep and (ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc") else ch
        for ch in text
    )


class EscapingFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        return escaped(super().formatMessage(record))

    def formatException(self, ei: ExcInfo) -> str:
        return escaped(super().formatException(ei), keep="\n")

    def formatStack(self, stack_info: str) -> str:
        return escaped(super().formatStack(stack_info), keep="\n")


def configure_logging() -> None:
    """The process's log: stderr, at $BATON_LOG (WARNING by default), every line escaped."""
    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter(FORMAT))
    logging.basicConfig(level=os.environ.get("BATON_LOG", "WARNING"), handlers=[handler])
