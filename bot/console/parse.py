"""What people type after the console's commands."""

from __future__ import annotations

from bot.text.i18n import CASE_TYPE_WORDS


def parse_case_args(args: list[str], accounts: set[str]) -> tuple[str | None, str, str | None]:
    """`/case [account] [type] [order no. or note]` → (account, type, note); an unknown type word is part of the note."""
    words = list(args)
    account = words.pop(0).lower() if words and words[0].lower() in accounts else None
    case_type = "other"
    if words and words[0].lower() in CASE_TYPE_WORDS:
        case_type = CASE_TYPE_WORDS[words.pop(0).lower()]
    note = " ".join(words) or None
    return account, case_type, note
