"""Text people supply (Telegram names, reasons, notes), made safe to store and show.

Telegram lets a name hold anything: NUL (which PostgreSQL cannot store), terminal escapes, and
bidi overrides that reverse whatever follows them in a group message. A first and last name of 64
characters each are one longer than the 128 that agents.name holds. A name is cleaned once, where
the person is registered, so every place that shows or stores it gets the same safe text.
"""

from __future__ import annotations

import unicodedata

# Directional formatting that can reorder text beyond the name itself: embeddings and overrides
# (U+202A–U+202E), isolates (U+2066–U+2069), and the marks (LRM, RLM, ALM).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def without_controls(text: str) -> str:
    """`text` without control characters (Unicode Cc: NUL, ESC, newlines, DEL …) or bidi controls."""
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS and unicodedata.category(ch) != "Cc")


def clean_name(text: str | None, limit: int) -> str:
    """A person's name or username as stored: no controls, runs of blanks made one space, at most `limit` characters.

    Whitespace controls (tab, newline) become spaces first, so "Li\\nLei" stays two words.
    """
    spaced = "".join(" " if ch.isspace() else ch for ch in text or "")
    return " ".join(without_controls(spaced).split())[:limit].rstrip()


def clean_text(text: str) -> str:
    """What someone typed (a reason), as stored: no NUL, escapes or bidi controls; newlines and tabs stay."""
    return "".join(ch for ch in text if ch in "\n\t" or (ch not in BIDI_CONTROLS and unicodedata.category(ch) != "Cc"))
