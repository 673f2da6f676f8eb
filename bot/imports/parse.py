"""The caption a supervisor sends an export with: `/import <account> [preset]`."""

from __future__ import annotations

import re
from dataclasses import dataclass

CAPTION = re.compile(r"^/import(?:@\w+)?(?:\s+(?P<account>\S+))?(?:\s+(?P<preset>\S+))?", re.IGNORECASE)


@dataclass(frozen=True)
class Caption:
    account: str
    preset: str | None


def parse_caption(caption: str | None) -> Caption | None:
    """The account (lower-cased) and preset a caption names; None when it names no account."""
    match = CAPTION.match(caption or "")
    if match is None or not match.group("account"):
        return None
    return Caption(match.group("account").lower(), match.group("preset"))
