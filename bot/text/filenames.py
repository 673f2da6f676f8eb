"""The name of an uploaded file, as it may be shown, stored and logged.

A file's name is whatever the sender's device wrote: NUL (which PostgreSQL will not store in
text, so the import failed with no answer), ESC sequences for a terminal, bidi overrides that
reverse what follows them in a group message, or a thousand characters. The name is only a
label, so those are dropped rather than shown; the bytes are read whatever the name says.
"""

from __future__ import annotations

import unicodedata

MAX_NAME = 100
# Bidi embeddings, overrides and isolates: not Cc, and not all Cf matter, but these reorder text.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def upload_name(name: str | None, default: str) -> str:
    """``name`` without control, format (zero-width, bidi) or surrogate characters, its spaces
    collapsed, at most MAX_NAME characters with its suffix kept; ``default`` when nothing is left."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in name or ""
        if ch.isspace() or (unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in _BIDI)
    )
    cleaned = " ".join(kept.split())
    if len(cleaned) > MAX_NAME:
        stem, dot, suffix = cleaned.rpartition(".")
        # The suffix tells a workbook from a CSV: it is kept when a long name is cut.
        cleaned = stem[: MAX_NAME - len(suffix) - 1] + dot + suffix if dot and len(suffix) <= 10 else cleaned[:MAX_NAME]
    return cleaned or default


__all__ = ["MAX_NAME", "upload_name"]
