"""The Application, built from one ordered table of every feature's handlers; the command menu comes from it.

Groups: -4 each person's allowance (before anything reads the database), -3 the setup checklist
(ahead of the gate: a group not configured yet is where setup starts), -2 the gate, 0 the
features, 1 remembering updates that wrote nothing. Each button
handler has its feature's callback_data pattern; a press no pattern claims is answered as stale,
so the order of the table decides nothing but the order of the menu.
"""

from __future__ import annotations

import gc
import logging
from functools import partial

from sqlalchemy.engine import Engine
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CallbackQueryHandler, TypeHandler

from bot.audit import handlers as audit
from bot.collab import handlers as collab
from bot.console import handlers as console
from bot.core.baton import Baton
from bot.core.config import Config
from bot.covers import handlers as covers
from bot.digest import handlers as digest
from bot.digest import jobs as digest_jobs
from bot.explain import handlers as explain
from bot.gaps import handlers as gaps
from bot.holds import handlers as holds
from bot.imports import handlers as imports
from bot.imports import jobs as imports_jobs
from bot.ledger import handlers as ledger
from bot.ledger import jobs as ledger_jobs
from bot.members import handlers as members
from bot.month import handlers as month
from bot.month import jobs as month_jobs
from bot.onboarding import handlers as onboarding
from bot.presence import handlers as presence
from bot.presence import jobs as presence_jobs
from bot.profile import handlers as profile
from bot.reminders import handlers as reminders
from bot.reminders import jobs as reminders_jobs
from bot.roster import handlers as roster
from bot.roster import swaps as roster_swaps
from bot.rules import handlers as rules
from bot.telegram import exactly_once, gate, throttle
from bot.telegram.bot import make_bot
from bot.telegram.buttons import stale_press, unclaimed
from bot.telegram.context import CONTEXT_TYPES, KEY, Parts, parts_of
from bot.telegram.courier import Courier
from bot.telegram.pacing import Limits, Pacer
from bot.telegram.processor import PerSenderProcessor
from bot.telegram.routes import Route
from domain.clock import Clock

__all__ = ["build_application", "register_handlers", "settle_heap"]

log = logging.getLogger(__name__)

ROUTES: tuple[Route, ...] = (
    Route(TypeHandler(Update, throttle.within_allowance), group=-4),
    *onboarding.ROUTES,
    Route(TypeHandler(Update, gate.admit), group=-2),
    *console.ROUTES,
    *digest.ROUTES,
    *ledger.ROUTES,
    *collab.ROUTES,
    *explain.ROUTES,
    *rules.ROUTES,
    *roster.ROUTES,
    *reminders.ROUTES,
    *covers.ROUTES,
    *presence.ROUTES,
    *profile.ROUTES,
    *imports.ROUTES,
    *gaps.ROUTES,
    *holds.ROUTES,
    *month.ROUTES,
    *audit.ROUTES,
    *members.ROUTES,
    *console.HELP_ROUTES,
    Route(TypeHandler(Update, exactly_once.remember_processed), group=1),
)
MENU = tuple(name for route in ROUTES if route.menu for name in sorted(route.commands))
# What a queued group message does once it is sent, by name (bot/telegram/courier.py).
AFTER_SENT = {"swap_offer": roster_swaps.record_message}
JOBS = (
    ledger_jobs.schedule,
    digest_jobs.schedule,
    month_jobs.schedule,
    reminders_jobs.schedule,
    imports_jobs.schedule,
    presence_jobs.schedule,
)


def register_handlers(application: Application) -> None:
    for route in ROUTES:
        application.add_handler(route.handler, group=route.group)
    patterns = [route.pattern for route in ROUTES if route.pattern is not None]
    application.add_handler(CallbackQueryHandler(stale_press, pattern=unclaimed(patterns)))
    application.add_error_handler(exactly_once.on_error)


async def start_up(application: Application) -> None:
    """After initialize, before the first update: the courier starts, and the menu is published."""
    parts_of(application).courier.start()
    await publish_commands(application)


async def shut_down(application: Application) -> None:
    await parts_of(application).courier.stop()


async def publish_commands(application: Application) -> None:
    """The command menu in each language Baton speaks, and in the team's for everyone else."""
    parts = parts_of(application)
    menus = [(None, parts.team)] + [(lang, render) for lang, render in parts.renderers.items()]
    for language_code, render in menus:
        commands = [BotCommand(name, render.t(f"command.{name}")) for name in MENU]
        try:
            await application.bot.set_my_commands(commands, language_code=language_code)
        except TelegramError as exc:
            log.warning("setMyCommands (%s) failed, carrying on: %s", language_code or "default", exc)


def build_application(config: Config, engine: Engine, clock: Clock, *, limits: Limits | None = None, jobs: bool = True) -> Application:
    """`limits`: how fast to write into a group; by default the configuration's `[bot] group_writes_per_minute`."""
    # At most 30 requests a second in all; a group's own limit is the pacer's (bot/telegram/pacing.py),
    # and a 429 goes back to whoever sent, so it never holds every other chat up as well.
    limiter = AIORateLimiter(overall_max_rate=30, overall_time_period=1, group_max_rate=0, max_retries=0)
    bot = make_bot(config.require_token(), config.bot.base_url, config.bot.base_file_url, limiter)
    application = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(PerSenderProcessor())
        .post_init(start_up)
        .post_shutdown(shut_down)
        .build()
    )
    baton = Baton(config, engine, clock)
    pacer = Pacer(limits or Limits(group_per_minute=config.bot.group_writes_per_minute))
    courier = partial(Courier, baton, bot, pacer, draw_board=console.draw_board, after_sent=AFTER_SENT)
    application.bot_data[KEY] = Parts.build(baton, courier, departed=members.departed_unseen, imported=digest_jobs.correct_digests)
    register_handlers(application)
    if jobs:
        for schedule in JOBS:
            schedule(application)
    return application


def settle_heap() -> None:
    """Once the application is built: what start-up made (modules, the application, the catalogues)
    lives as long as the process, so it is put out of the cyclic collector's sight. A full
    collection then walks only what updates allocate; walking everything stopped the process (and
    every press in flight) for a fifth of a second in a burst of presses."""
    gc.collect()
    gc.freeze()
