"""The scheduler's pull job against a customer-service API served on 127.0.0.1."""

from datetime import date

import pytest

from bot.imports.jobs import pull_conversations
from bot.ledger.service import conversation_counts, ranked
from bot.sandbox.live import LiveBot
from domain.clock import ManualClock
from tests.factories import local, team_config
from tests.storage.fake_pull_api import TOKEN, FakePlatform, dataset, serving

pytestmark = pytest.mark.e2e


class JobContext:
    def __init__(self, application, data):
        self.application = application
        self.bot = application.bot
        self.job = type("Job", (), {"data": data})()


async def test_the_pull_job_imports_new_conversations_once_and_credits_them(database_url):
    clock = ManualClock(local("2026-11-03", "08:55"))
    with serving(FakePlatform(dataset(25))) as platform:
        accounts = [
            {"key": "jd", "platform": "jd", "label": "京东旗舰店", "pull": {"url": platform.url, "token": TOKEN, "interval_minutes": 5}},
            {"key": "vip", "platform": "vip", "label": "唯品会店"},
        ]
        async with LiveBot(team_config(database_url, accounts=accounts), clock, jobs=True) as live:
            (job,) = live.application.job_queue.get_jobs_by_name("pull:jd")
            assert job.job.max_instances == 1
            await live.say(live.user(101, "王芳"), "/on jd")
            clock.set(local("2026-11-03", "12:30"))

            await pull_conversations(JobContext(live.application, "jd"))
            await pull_conversations(JobContext(live.application, "jd"))

            counts = live.baton.read(conversation_counts, date(2026, 11, 3))
            assert counts.imported == 25 and counts.held == 25
            (wang,) = live.baton.read(ranked, date(2026, 11, 3))
            assert wang.standing.conversations == 25
            assert platform.cursors_seen()[-1] is not None, "the second run resumed from the stored cursor"
