import pytest

from bot.harness import LiveBot
from domain.clock import ManualClock
from tests.factories import local, team_config


@pytest.fixture
def clock():
    return ManualClock(local("2026-11-02", "08:30"))


@pytest.fixture
async def live(database_url, clock):
    async with LiveBot(team_config(database_url), clock) as bot:
        yield bot
