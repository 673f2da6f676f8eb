"""The scheduler's jobs, on the real JobQueue, and the digest catch-up after downtime."""

from datetime import date, datetime, time, timedelta

import pytest

from bot.digest.jobs import catch_up, digests_due
from bot.imports.service import read_export, store_export
from bot.ledger.jobs import compile_ledger
from bot.ledger.service import due_days, ranked
from bot.sandbox.live import LiveBot
from domain.clock import ManualClock
from domain.ledger import CONVERSATION
from tests.factories import SHANGHAI, local, team_config
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

pytestmark = pytest.mark.e2e


class JobContext:
    """What PTB hands a job callback: the application and its bot."""

    def __init__(self, application):
        self.application = application
        self.bot = application.bot
        self.job_queue = application.job_queue


async def test_jobs_are_scheduled_in_the_teams_time_zone(database_url):
    clock = ManualClock(local("2026-11-02", "08:00"))
    async with LiveBot(team_config(database_url, schedule={"daily_digest": "21:30", "compile_every_minutes": 7}), clock, jobs=True) as live:
        queue = live.application.job_queue
        (digest,) = queue.get_jobs_by_name("daily-digest")
        (compiler,) = queue.get_jobs_by_name("compile")
        next_digest = digest.next_t.astimezone(SHANGHAI)
        assert (next_digest.hour, next_digest.minute) == (21, 30)
        assert compiler.job.trigger.interval == timedelta(minutes=7)
        assert digest.job.misfire_grace_time >= 60, "a digest that starts a little late must still go out"


async def test_the_compile_job_credits_an_open_hold_up_to_now(database_url):
    clock = ManualClock(local("2026-11-02", "09:00"))
    async with LiveBot(team_config(database_url), clock) as live:
        wang = live.user(101, "王芳")
        await live.say(wang, "/on jd")
        clock.set(local("2026-11-02", "10:30"))
        await compile_ledger(JobContext(live.application))
        (row,) = live.baton.read(ranked, date(2026, 11, 2))
        assert (row.name, row.standing.seconds_held, row.standing.points) == ("王芳", 5400.0, 3.0)
        clock.set(local("2026-11-02", "11:00"))
        await compile_ledger(JobContext(live.application))
        await compile_ledger(JobContext(live.application))
        (row,) = live.baton.read(ranked, date(2026, 11, 2))
        assert row.standing.points == 4.0, "recompiling replaces the open hold's entry rather than adding one"


async def test_a_day_an_import_stored_but_did_not_compile_is_compiled_by_the_job_at_start(database_url):
    """The bot died between an import's store and its compiles: the days stay due, even one long
    out of the open days, and the compile job (its first run is at start) compiles them."""
    clock = ManualClock(local("2026-11-02", "09:00"))
    async with LiveBot(team_config(database_url), clock) as live:
        await live.say(live.user(101, "王芳"), "/on jd")
        clock.set(local("2026-11-02", "12:00"))
        await live.say(live.user(101, "王芳"), "/off")
        clock.set(local("2027-02-10", "10:00"))  # November is no longer an open day
        sessions = [SampleConversation(f"JD-{t}", datetime.fromisoformat(f"2026-11-02T{t}")) for t in ("09:30:00", "11:00:00")]
        read = read_export(live.baton.config, "jd", jd_csv_bytes(sessions), "jd.csv")
        imported = live.baton.run(store_export, read)  # ... and here the process died
        assert live.baton.read(due_days) == [date(2026, 11, 2)] == list(imported.due)
        await compile_ledger(JobContext(live.application))
        assert live.baton.read(due_days) == []
        with live.baton.reading() as uow:
            entries = [e for e in uow.ledger.between(date(2026, 11, 2), date(2026, 11, 2)) if e.kind == CONVERSATION]
        assert [(e.quantity, e.millipoints > 0) for e in entries] == [(2.0, True)]


async def test_after_downtime_the_missed_digests_are_posted_once(database_url):
    clock = ManualClock(local("2026-11-02", "09:00"))
    async with LiveBot(team_config(database_url), clock) as live:
        await live.say(live.user(101, "王芳"), "/on jd")
        clock.set(local("2026-11-03", "22:05"))  # the bot was down over two digest times
        before = len(live.sandbox.messages(live.group["id"]))
        await catch_up(JobContext(live.application))
        posted = [m["text"] for m in live.sandbox.messages(live.group["id"])[before:]]
        assert [line.splitlines()[0] for line in posted] == ["📊 客服一组 日报 · 2026年11月2日", "📊 客服一组 日报 · 2026年11月3日"]
        await catch_up(JobContext(live.application))
        assert len(live.sandbox.messages(live.group["id"])) == before + 2


def test_digests_due_covers_yesterday_and_today_once_its_time_has_passed():
    posted = set()
    at = datetime(2026, 11, 3, 21, 59, tzinfo=SHANGHAI)
    assert digests_due(at, time(22, 0), posted.__contains__) == [date(2026, 11, 2)]
    assert digests_due(at.replace(hour=22, minute=0), time(22, 0), posted.__contains__) == [date(2026, 11, 2), date(2026, 11, 3)]
    posted.add(date(2026, 11, 2))
    assert digests_due(at, time(22, 0), posted.__contains__) == []


async def test_the_console_speaks_english_when_the_team_does(database_url):
    clock = ManualClock(local("2026-11-02", "09:00"))
    async with LiveBot(team_config(database_url, team={"language": "en"}), clock) as live:
        alice = live.user(301, "Alice")
        await live.say(alice, "/console")
        reaction = await live.press(alice, live.console(), "t:jd:0")
        assert reaction.toasts() == ["You hold 京东旗舰店 now"]
        assert live.console()["text"].splitlines()[-2:] == ["Recent changes:", "09:00 Alice took over 京东旗舰店"]
        buttons = [b["text"] for row in live.console()["reply_markup"]["inline_keyboard"] for b in row]
        assert buttons == [
            "Take over 京东旗舰店",
            "Hand off 京东旗舰店",
            "+consult",
            "+pre-sale",
            "+after-sale",
            "+complaint",
            "+other",
            "Take over 唯品会店",
        ]
        assert (await live.say(alice, "/case complaint late parcel")).texts() == ["📝 Alice logged a complaint case on 京东旗舰店"]
