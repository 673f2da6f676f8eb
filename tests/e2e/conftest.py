import pytest

from bot.sandbox.live import LiveBot
from domain.clock import ManualClock
from tests.e2e.catalogue_witness import Witnessed, check, recording, witness
from tests.factories import local, team_config


@pytest.fixture(autouse=True)
def only_catalogue_text(request, monkeypatch):
    """Every end-to-end test also proves that the bot sent no text from outside the catalogue."""
    if request.node.get_closest_marker("sends_foreign_text"):
        yield
        return
    seen = recording(monkeypatch)
    runs: list[Witnessed] = []
    leaving = LiveBot.__aexit__

    async def watched(self, *exc_info):
        # Before the database goes: its words are data, not code.
        runs.append(witness(self.sandbox, self.config, self.baton.engine))
        return await leaving(self, *exc_info)

    monkeypatch.setattr(LiveBot, "__aexit__", watched)
    yield
    problems = check(seen, runs)
    assert not problems, "\n".join(problems[:15])


@pytest.fixture
def clock():
    return ManualClock(local("2026-11-02", "08:30"))


@pytest.fixture
async def live(database_url, clock):
    async with LiveBot(team_config(database_url), clock) as bot:
        yield bot
