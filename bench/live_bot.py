"""The bot a benchmark measures, in its own process: an Application polling a sandbox until the
script at the other end of a pipe says what to do next."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from multiprocessing.connection import Connection

from telegram.ext import Application

from bot.app import build_application, settle_heap
from bot.core.clock import SystemClock
from bot.core.config import Config
from bot.core.setup import prepare_database
from bot.sandbox.live import TOKEN


def baton_against(config: Config, base_url: str, base_file_url: str) -> Application:
    """The real Application on `config`'s database, talking to the sandbox at these URLs; no jobs; set up as `baton run` sets it up."""
    config = replace(config, bot=replace(config.bot, token=TOKEN, base_url=base_url, base_file_url=base_file_url))
    application = build_application(config, prepare_database(config), SystemClock(), jobs=False)
    settle_heap()  # as `baton run` does once it has built the application
    return application


@asynccontextmanager
async def polling(application: Application) -> AsyncIterator[Application]:
    """`application` started and polling, as `baton run` does it; stopped and shut down on the way out."""
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        yield application
        await application.updater.stop()
        await application.stop()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def waiting(pipe: Connection) -> None:
    """Until the script has a word, without blocking the bot's event loop; the word is left unread."""
    while not pipe.poll():
        await asyncio.sleep(0.05)


async def told(pipe: Connection) -> object:
    """The script's next word."""
    await waiting(pipe)
    return pipe.recv()
