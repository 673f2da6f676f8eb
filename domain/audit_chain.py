"""The audit log's hash chain: each entry seals its own content together with the entry before it.

Changing how an entry is hashed breaks every chain already stored, so `entry_hash` is frozen:
a new format needs a new version prefix, never an edit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
VERSION = "v1"


@dataclass(frozen=True)
class Sealed:
    """One audit entry as the chain sees it."""

    id: int
    at: datetime
    actor_agent_id: int | None
    action: str
    subject: str
    detail: str
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, at: datetime, actor_agent_id: int | None, action: str, subject: str, detail: str) -> str:
    if at.tzinfo is None:
        raise ValueError("audit times are UTC-aware")
    content = json.dumps(
        [VERSION, prev_hash, at.astimezone(UTC).isoformat(timespec="microseconds"), actor_agent_id, action, subject, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first entry whose seal does not hold, and why."""

    id: int
    reason: str  # "content": its own hash is wrong; "link": it does not follow the entry before it


def first_break(entries: Iterable[Sealed]) -> Break | None:
    """Walk the chain in id order; None when every entry follows the one before and seals its own content."""
    expected_prev = GENESIS
    for entry in entries:
        if entry.prev_hash != expected_prev:
            return Break(entry.id, "link")
        if entry_hash(entry.prev_hash, entry.at, entry.actor_agent_id, entry.action, entry.subject, entry.detail) != entry.hash:
            return Break(entry.id, "content")
        expected_prev = entry.hash
    return None
