"""Pull one shared account's conversations from the platform's API into the database.

Each page is fetched outside any transaction, then stored together with the cursor that
follows it in ONE transaction: a run that stops anywhere (crash, outage, deploy) has
either stored a page and moved past it, or done neither, so the next run neither loses
nor repeats a page. The (account, id) identity of a conversation makes a replayed record
a counted duplicate, never a second row.

The lead's scheduler calls pull_account every ``interval_minutes``; it reports problems
in PullReport.error instead of raising, so one broken platform never stops the job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage import audit
from storage.accounts import Accounts
from storage.connectors.fetch import PullFailed, Sleep, fetch_page
from storage.connectors.records import RejectedRecord, read_conversations
from storage.connectors.settings import PullSettings
from storage.conversations import get_cursor, set_cursor, store_conversations
from storage.db import transaction

log = logging.getLogger(__name__)

SOURCE = "api"


@dataclass(frozen=True)
class PullReport:
    """What one run did. ``cursor`` is the stored cursor after the run (None before the
    first page ever stored); ``has_more`` says the run stopped at max_pages with pages
    left, which the next run reads. ``error`` is None when the run ended normally."""

    account: str
    pages: int = 0
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    rejected: list[RejectedRecord] = field(default_factory=list)
    cursor: str | None = None
    error: str | None = None
    has_more: bool = False
    updated: int = 0  # conversations fetched before that a page filled in or changed (storage.conversation_merge)

    @property
    def ok(self) -> bool:
        return self.error is None


class _CursorMoved(Exception):
    """Another run stored a page since this one read the cursor."""


async def pull_account(
    engine: Engine,
    settings: PullSettings,
    *,
    tz: ZoneInfo,
    now: Callable[[], datetime],
    client: httpx.AsyncClient | None = None,
    sleep: Sleep = asyncio.sleep,
) -> PullReport:
    """Read the account's new conversations page by page, from the stored cursor until the
    server has no more (or max_pages), storing each page with its cursor. Naive start
    times are in ``tz``. HTTP and protocol problems end the run with report.error set;
    database errors other than a concurrent run's are raised."""
    if client is None:
        async with httpx.AsyncClient(timeout=settings.timeout_seconds) as own_client:
            return await pull_account(engine, settings, tz=tz, now=now, client=own_client, sleep=sleep)
    report = await _pull(engine, settings, tz, now, client, sleep)
    if report.error:
        log.warning("%s (after %d page(s), %d new)", report.error, report.pages, report.new)
    else:
        log.info(
            "pull %s: %d page(s), %d fetched, %d new, %d duplicates, %d rejected",
            settings.account,
            report.pages,
            report.fetched,
            report.new,
            report.duplicates,
            len(report.rejected),
        )
    return report


async def _pull(
    engine: Engine,
    settings: PullSettings,
    tz: ZoneInfo,
    now: Callable[[], datetime],
    client: httpx.AsyncClient,
    sleep: Sleep,
) -> PullReport:
    account = settings.account
    with transaction(engine) as session:
        if account not in Accounts(session).ids:
            return PullReport(account, error=_stopped(settings, f"the account {account!r} is not configured"))
        cursor = _stored_cursor(session, account)
    pages = fetched = new = duplicates = updated = 0
    rejected: list[RejectedRecord] = []

    def report(error: str | None = None, has_more: bool = False) -> PullReport:
        return PullReport(account, pages, fetched, new, duplicates, rejected, cursor, error, has_more, updated)

    while pages < settings.max_pages:
        try:
            page = await fetch_page(client, settings, cursor, sleep=sleep, now=now)
        except PullFailed as failure:
            return report(_stopped(settings, str(failure)))
        records, page_rejected = read_conversations(page.conversations, tz, page=pages + 1)
        # A last page without next_cursor: read again from here next time (replays are skipped).
        next_cursor = page.next_cursor or cursor
        try:
            with transaction(engine) as session:
                if _stored_cursor(session, account) != cursor:
                    raise _CursorMoved
                stored = store_conversations(session, account, settings.platform, records, now(), SOURCE)
                if stored.new or stored.updated_ids:  # an import like any other: audited; a page of replays changed nothing
                    audit.append(
                        session,
                        now(),
                        "pull",
                        subject=account,
                        detail={
                            "new": stored.new,
                            "duplicates": stored.duplicates,
                            "updated": len(stored.updated_ids),
                            "rejected": len(page_rejected),
                            "cursor": next_cursor,
                        },
                    )
                if next_cursor is not None and next_cursor != cursor:
                    set_cursor(session, account, next_cursor, now())
        except (_CursorMoved, IntegrityError):
            return report(_stopped(settings, "another pull of this account ran at the same time; the next run carries on"))
        sent, cursor = cursor, next_cursor
        pages += 1
        fetched += len(page.conversations)
        new += stored.new
        duplicates += stored.duplicates
        updated += len(stored.updated_ids)
        rejected.extend(page_rejected)
        if not page.has_more:
            return report()
        if page.next_cursor == sent:
            return report(_stopped(settings, f"the server says has_more but sends back the same cursor {sent!r}"))
    return report(has_more=True)


def _stored_cursor(session: Session, account: str) -> str | None:
    return get_cursor(session, account) or None


def _stopped(settings: PullSettings, why: str) -> str:
    # Without the query string: some platforms take their key as a URL parameter.
    where = httpx.URL(settings.url).copy_with(query=None)
    return f"pull for account {settings.account!r} from {where} stopped: {why}"


__all__ = ["SOURCE", "PullReport", "pull_account"]
