"""Building the Application: every handler is registered here, in one place."""
from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import audit_handlers
from bot import callbacks as cb
from bot import collab_handlers
from bot import gate
from bot import onboarding
from bot import handlers as h
from bot import month_handlers as month
from bot import profile_handlers
from bot import rules_handlers
from bot import gap_handlers as gaps
from bot import import_handlers as imports
from bot import reminder_handlers
from bot import roster, roster_handlers
from bot.config import Config
from bot.context import CONTEXT_TYPES, KEY, Deps
from bot.jobs import schedule_jobs
from bot.reminders import schedule_checks
from bot.services import Baton
from bot.telegram_bot import make_bot
from domain.clock import Clock
from storage.db import make_engine
from storage.migrate import migrate
from storage.repositories import AccountSpec, sync_accounts
from storage.db import transaction

log = logging.getLogger(__name__)

COMMANDS = (
    "console", "on", "off", "case", "standings", "stats", "thanks", "note", "join", "me", "rules",
    "roster", "swap", "left", "profile", "skills", "help",
)


def prepare_database(config: Config):
    """Migrate, make the accounts table match the configuration, and seed the roster from it once."""
    engine = make_engine(config.database_url)
    migrate(engine)
    with transaction(engine) as session:
        sync_accounts(session, [AccountSpec(a.key, a.platform, a.label) for a in config.accounts])
        roster.seed_from_config(session, config)
    return engine


def register_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, h.drop_redelivered), group=-1)
    # Its own group, as a group runs one handler; before -1, which registers whoever writes.
    application.add_handler(TypeHandler(Update, gate.admit), group=-2)
    # Ahead of the gate: joining a group not configured yet is how setup starts (see bot/onboarding.py).
    application.add_handler(ChatMemberHandler(onboarding.bot_added, ChatMemberHandler.MY_CHAT_MEMBER), group=-3)
    application.add_handler(CommandHandler("start", onboarding.start_command))
    application.add_handler(CommandHandler("help", h.help_command))
    application.add_handler(CommandHandler("console", h.console_command))
    application.add_handler(CommandHandler("on", h.on_command))
    application.add_handler(CommandHandler("off", h.off_command))
    application.add_handler(CommandHandler("case", h.case_command))
    application.add_handler(CommandHandler("standings", h.standings_command))
    application.add_handler(CommandHandler("stats", h.stats_command))
    application.add_handler(MessageHandler(filters.Document.ALL & filters.CaptionRegex(r"^/import(@\w+)?(\s|$)"), imports.import_document))
    application.add_handler(CommandHandler("import", imports.import_without_file))
    application.add_handler(CommandHandler("gaps", gaps.gaps_command))
    application.add_handler(CommandHandler("assign", gaps.assign_command))
    application.add_handler(CommandHandler("adjust", month.adjust_command))
    application.add_handler(CommandHandler("close_month", month.close_month_command))
    application.add_handler(CommandHandler("reopen_month", month.reopen_month_command))
    application.add_handler(CallbackQueryHandler(month.close_press, pattern=rf"^({cb.CLOSE_CONFIRM}|{cb.CLOSE_CANCEL}):"))
    rules_handlers.register(application)
    audit_handlers.register(application)
    collab_handlers.register(application)
    reminder_handlers.register(application)
    profile_handlers.register(application)
    roster_handlers.register(application)
    application.add_handler(CallbackQueryHandler(h.console_press))
    application.add_handler(TypeHandler(Update, h.remember_processed), group=1)
    application.add_error_handler(h.on_error)


async def publish_commands(application: Application) -> None:
    """The command menu in each language Baton speaks, and in the team's for everyone else."""
    d: Deps = application.bot_data[KEY]
    menus = [(None, d.team)] + [(lang, render) for lang, render in d.renderers.items()]
    for language_code, render in menus:
        commands = [BotCommand(name, render.t(f"command.{name}")) for name in COMMANDS]
        try:
            await application.bot.set_my_commands(commands, language_code=language_code)
        except TelegramError as exc:
            log.warning("setMyCommands (%s) failed, carrying on: %s", language_code or "default", exc)


def build_application(config: Config, engine, clock: Clock, *, rate_limited: bool = True, jobs: bool = True) -> Application:
    limiter = AIORateLimiter(max_retries=3) if rate_limited else None
    bot = make_bot(config.require_token(), config.bot.base_url, config.bot.base_file_url, limiter)
    application = ApplicationBuilder().bot(bot).context_types(CONTEXT_TYPES).post_init(publish_commands).build()
    application.bot_data[KEY] = Deps.build(Baton(config, engine, clock))
    register_handlers(application)
    if jobs:
        schedule_jobs(application)
        schedule_checks(application)
    return application
