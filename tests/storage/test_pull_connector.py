"""The pull connector against a real HTTP server on 127.0.0.1 that pages conversations."""

from __future__ import annotations

import itertools
import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from domain.clock import ManualClock
from storage.accounts import AccountSpec
from storage.connectors import SOURCE, PullReport, PullSettings, pull_account
from storage.connectors import pull as pull_module
from storage.conversations import get_cursor
from storage.db import make_engine, reading, transaction
from storage.importers.errors import BAD_NUMBER, BAD_RATING, BAD_TIME
from storage.migrate import migrate
from storage.models import ConversationRow
from storage.uow import Tables
from tests.storage.fake_pull_api import SHANGHAI, TOKEN, FakePlatform, Fault, dataset, serving

ACCOUNT = "jd-main"
PAGE_SIZE = 10


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    with serving(FakePlatform(dataset())) as fake:
        yield fake


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with transaction(engine) as session:
        Tables(session).accounts.sync([AccountSpec(ACCOUNT, "jd", "京东主账号")])
    yield engine
    engine.dispose()


class RecordingSleep:
    def __init__(self) -> None:
        self.requested: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.requested.append(seconds)


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


CLOCK = ManualClock(datetime(2026, 11, 3, 12, 0, tzinfo=UTC))


def settings_for(platform: FakePlatform, **changes) -> PullSettings:
    values = {
        "account": ACCOUNT,
        "platform": "jd",
        "url": platform.url,
        "token": TOKEN,
        "page_size": PAGE_SIZE,
        "timeout_seconds": 2.0,
        "backoff_seconds": 0.5,
    }
    return PullSettings(**(values | changes))


async def pull(engine, platform: FakePlatform, sleep: RecordingSleep, **changes) -> PullReport:
    return await pull_account(engine, settings_for(platform, **changes), tz=SHANGHAI, now=CLOCK.now, sleep=sleep)


def stored_rows(engine) -> list[ConversationRow]:
    with reading(engine) as session:
        return list(session.execute(select(ConversationRow).order_by(ConversationRow.external_id)).scalars())


def stored_cursor(engine) -> str | None:
    with reading(engine) as session:
        return get_cursor(session, ACCOUNT)


def ids(conversations: list[dict]) -> list[str]:
    return sorted(c["id"] for c in conversations)


def assert_grows_exponentially(sleeps: list[float], backoff: float) -> None:
    assert sleeps[0] == backoff
    assert all(later == 2 * earlier for earlier, later in itertools.pairwise(sleeps))


async def test_the_first_run_imports_every_page_and_stores_the_cursor(engine, platform, sleep):
    report = await pull(engine, platform, sleep)

    total = len(platform.conversations)
    assert report.error is None and report.ok
    assert report.pages == -(-total // PAGE_SIZE)
    assert (report.fetched, report.new, report.duplicates, report.rejected) == (total, total, 0, [])
    assert report.cursor == stored_cursor(engine) == f"o{total}"
    rows = stored_rows(engine)
    assert [r.external_id for r in rows] == ids(platform.conversations)
    assert {r.source for r in rows} == {SOURCE}
    assert json.loads(rows[1].raw)["channel"] == platform.conversations[1]["channel"]
    assert platform.cursors_seen() == [None] + [f"o{n}" for n in range(PAGE_SIZE, total, PAGE_SIZE)]
    assert {r.limit for r in platform.requests} == {PAGE_SIZE}
    assert {r.authorization for r in platform.requests} == {f"Bearer {TOKEN}"}
    assert sleep.requested == []


async def test_values_are_normalised_like_the_file_importer_does(engine, platform, sleep):
    await pull(engine, platform, sleep)

    by_id = {r.external_id: r for r in stored_rows(engine)}
    for sent in platform.conversations:
        row = by_id[sent["id"]]
        assert (row.first_response_s, row.avg_response_s) == (sent["first_response_s"], sent["avg_response_s"])
        assert (row.customer_messages, row.agent_messages) == (sent["customer_messages"], sent["agent_messages"])
        assert (row.rating, row.resolved, row.inquiry, row.paid) == (sent["rating"], sent["resolved"], sent["inquiry"], sent["paid"])


async def test_a_naive_start_is_team_local_time_and_is_stored_as_utc(engine, platform, sleep):
    await pull(engine, platform, sleep)

    by_id = {r.external_id: r for r in stored_rows(engine)}
    naive = [c for c in platform.conversations if datetime.fromisoformat(c["started_at"]).tzinfo is None]
    aware = [c for c in platform.conversations if c not in naive]
    assert naive and aware
    for sent in naive:
        local = datetime.fromisoformat(sent["started_at"]).replace(tzinfo=SHANGHAI)
        assert by_id[sent["id"]].started_at == local.astimezone(UTC)
    for sent in aware:
        assert by_id[sent["id"]].started_at == datetime.fromisoformat(sent["started_at"])


async def test_a_second_run_resumes_from_the_stored_cursor_and_imports_nothing_new(engine, platform, sleep):
    first = await pull(engine, platform, sleep)
    requests_of_first_run = len(platform.requests)

    second = await pull(engine, platform, sleep)

    assert platform.requests[requests_of_first_run].cursor == first.cursor
    assert (second.pages, second.fetched, second.new, second.duplicates) == (1, 0, 0, 0)
    assert second.cursor == first.cursor and second.error is None
    assert len(stored_rows(engine)) == len(platform.conversations)


async def test_server_errors_are_retried_with_exponential_backoff(engine, platform, sleep):
    platform.fault = lambda number, cursor: Fault(500) if number <= 2 else None

    report = await pull(engine, platform, sleep)

    assert report.error is None
    assert report.new == len(platform.conversations)
    assert len(sleep.requested) == 2
    assert_grows_exponentially(sleep.requested, settings_for(platform).backoff_seconds)
    assert platform.cursors_seen()[:3] == [None, None, None]


async def test_an_answer_slower_than_the_timeout_is_retried(engine, platform, sleep):
    platform.fault = lambda number, cursor: Fault(slow=True) if number == 1 else None

    started = time.monotonic()
    report = await pull(engine, platform, sleep, timeout_seconds=0.2)

    # The slow answer would take 5 s (fake_pull_api): finishing well before proves the client gave up
    # after its 0.2 s timeout. Not a speed check, so a loaded machine still passes.
    assert time.monotonic() - started < 4.0
    assert report.error is None
    assert report.new == len(platform.conversations)
    assert sleep.requested == [settings_for(platform).backoff_seconds]
    assert platform.cursors_seen()[:2] == [None, None]


async def test_a_lasting_outage_keeps_the_cursor_at_the_last_good_page_and_a_later_run_resumes(engine, platform, sleep):
    outage_at = f"o{PAGE_SIZE}"
    platform.fault = lambda number, cursor: Fault(503) if cursor == outage_at else None
    settings = settings_for(platform)

    broken = await pull(engine, platform, sleep)

    assert broken.error is not None and "503" in broken.error and ACCOUNT in broken.error
    assert (broken.pages, broken.new, broken.cursor) == (1, PAGE_SIZE, outage_at)
    assert stored_cursor(engine) == outage_at
    assert platform.cursors_seen().count(outage_at) == settings.max_attempts
    assert len(sleep.requested) == settings.max_attempts - 1
    assert_grows_exponentially(sleep.requested, settings.backoff_seconds)

    platform.fault = lambda number, cursor: None
    requests_before = len(platform.requests)
    resumed = await pull(engine, platform, sleep)

    assert platform.requests[requests_before].cursor == outage_at
    assert resumed.error is None
    assert (resumed.new, resumed.duplicates) == (len(platform.conversations) - PAGE_SIZE, 0)
    assert [r.external_id for r in stored_rows(engine)] == ids(platform.conversations)


async def test_a_refused_token_fails_at_once_naming_the_account(engine, platform, sleep):
    report = await pull(engine, platform, sleep, token="expired")

    assert report.error is not None and "401" in report.error and ACCOUNT in report.error
    assert "expired" not in report.error
    assert len(platform.requests) == 1 and sleep.requested == []
    assert (report.pages, report.new, report.cursor) == (0, 0, None)
    assert stored_rows(engine) == [] and stored_cursor(engine) is None


async def test_replayed_records_are_counted_as_duplicates_and_stored_once(engine, platform, sleep):
    platform.overlap = 3

    report = await pull(engine, platform, sleep)

    total = len(platform.conversations)
    assert report.error is None
    assert report.fetched > total
    assert (report.new, report.duplicates) == (total, report.fetched - total)
    assert [r.external_id for r in stored_rows(engine)] == ids(platform.conversations)

    again = await pull(engine, platform, sleep)

    assert (again.new, again.duplicates) == (0, platform.overlap)
    assert len(stored_rows(engine)) == total


async def test_bad_records_are_rejected_without_blocking_the_cursor(engine, platform, sleep):
    platform.conversations[3]["rating"] = "great"
    platform.conversations[12]["first_response_s"] = -4
    platform.conversations[21]["started_at"] = "yesterday"

    report = await pull(engine, platform, sleep)

    bad = {3: BAD_RATING, 12: BAD_NUMBER, 21: BAD_TIME}
    assert report.error is None
    assert {(r.external_id, r.reason) for r in report.rejected} == {(platform.conversations[n]["id"], reason) for n, reason in bad.items()}
    assert {r.key for r in report.rejected} == {"rating", "first_response_s", "started_at"}
    assert report.new == len(platform.conversations) - len(bad)
    assert report.cursor == stored_cursor(engine) == f"o{len(platform.conversations)}"
    stored = {r.external_id for r in stored_rows(engine)}
    assert stored.isdisjoint(platform.conversations[n]["id"] for n in bad)


async def test_too_many_requests_waits_as_long_as_retry_after_asks(engine, platform, sleep):
    platform.fault = lambda number, cursor: Fault(429, {"Retry-After": "7"}) if number == 1 else None

    report = await pull(engine, platform, sleep)

    assert report.error is None and report.new == len(platform.conversations)
    assert sleep.requested == [7.0]


async def test_a_retry_after_beyond_the_next_run_ends_this_run(engine, platform, sleep):
    platform.fault = lambda number, cursor: Fault(429, {"Retry-After": "3600"})

    report = await pull(engine, platform, sleep, interval_minutes=15)

    assert report.error is not None and "3600" in report.error
    assert sleep.requested == [] and len(platform.requests) == 1


async def test_a_run_stops_at_max_pages_and_the_next_run_goes_on(engine, platform, sleep):
    first = await pull(engine, platform, sleep, max_pages=2)

    assert (first.pages, first.new, first.has_more, first.error) == (2, 2 * PAGE_SIZE, True, None)
    assert first.cursor == stored_cursor(engine) == f"o{2 * PAGE_SIZE}"

    rest = await pull(engine, platform, sleep, max_pages=2)

    assert rest.has_more is False
    assert first.new + rest.new == len(platform.conversations)


async def test_an_answer_that_is_not_the_documented_json_ends_the_run_without_retrying(engine, platform, sleep):
    platform.fault = lambda number, cursor: Fault(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")

    report = await pull(engine, platform, sleep)

    assert report.error is not None and "not JSON" in report.error
    assert len(platform.requests) == 1 and sleep.requested == []
    assert stored_cursor(engine) is None


async def test_an_unknown_account_is_reported_not_raised(engine, platform, sleep):
    report = await pull(engine, platform, sleep, account="tmall-2")

    assert report.error is not None and "tmall-2" in report.error
    assert platform.requests == []


async def test_a_crash_while_storing_a_page_loses_nothing_and_repeats_nothing(engine, platform, sleep, monkeypatch):
    real_set_cursor = pull_module.set_cursor

    def crash_on_second_page(session, account, cursor, at):
        if cursor == f"o{2 * PAGE_SIZE}":
            raise RuntimeError("process killed")
        real_set_cursor(session, account, cursor, at)

    monkeypatch.setattr(pull_module, "set_cursor", crash_on_second_page)
    with pytest.raises(RuntimeError):
        await pull(engine, platform, sleep)

    assert stored_cursor(engine) == f"o{PAGE_SIZE}"
    assert [r.external_id for r in stored_rows(engine)] == ids(platform.conversations[:PAGE_SIZE])

    monkeypatch.setattr(pull_module, "set_cursor", real_set_cursor)
    resumed = await pull(engine, platform, sleep)

    assert (resumed.new, resumed.duplicates) == (len(platform.conversations) - PAGE_SIZE, 0)
    assert [r.external_id for r in stored_rows(engine)] == ids(platform.conversations)


async def test_a_server_that_refuses_connections_is_retried_then_reported(engine, platform, sleep):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = settings_for(platform, url=f"http://127.0.0.1:{port}/api/conversations", max_attempts=3)

    report = await pull_account(engine, settings, tz=SHANGHAI, now=CLOCK.now, sleep=sleep)

    assert report.error is not None and "connection failed" in report.error and ACCOUNT in report.error
    assert len(sleep.requested) == settings.max_attempts - 1
    assert_grows_exponentially(sleep.requested, settings.backoff_seconds)
    assert stored_cursor(engine) is None
