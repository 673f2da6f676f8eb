"""The heartbeat: `baton run` touches a file from its job queue, which runs on the bot's own event
loop, so `baton health` can tell a stuck loop from a live one (bot/ops/health.py)."""

from __future__ import annotations

from pathlib import Path

from telegram.ext import Application, ContextTypes

BEAT_SECONDS = 30


def start_heartbeat(application: Application, path: Path) -> None:
    async def beat(_context: ContextTypes.DEFAULT_TYPE) -> None:
        path.touch()

    # The scheduler starts only once the bot is connected, after any fixed first instant may have passed: a
    # repeating job would then wait a whole interval, a one-off one be dropped as misfired, unless told not to.
    application.job_queue.run_once(beat, when=0, name="heartbeat-first", job_kwargs={"misfire_grace_time": None})
    application.job_queue.run_repeating(beat, interval=BEAT_SECONDS, first=BEAT_SECONDS, name="heartbeat")
