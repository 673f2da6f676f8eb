"""`baton run`, `baton migrate`, `baton backup` and `baton health`: running Baton and keeping it healthy."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.core.config import Config, ConfigError, config_path, load_config

EXIT_FAILED = 1
# my_chat_member: being added to a group posts the setup checklist (bot/onboarding/).
# chat_member (someone leaves the team's group) is sent only when asked for here, and only to a
# bot that is an administrator of the group.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "chat_member"]


def _require_token_early(path: Path) -> None:
    """No token anywhere is the commonest first-run mistake: say so before anything else."""
    if os.environ.get("BATON_TOKEN"):
        return
    if not path.exists():
        raise ConfigError("BATON_TOKEN", f"no bot token: set BATON_TOKEN in the environment (and no config file at {path})")


def run_command(explicit_config: str | None) -> int:
    from bot.app import build_application, settle_heap
    from bot.core.clock import SystemClock
    from bot.core.setup import prepare_database
    from bot.ops.health import heartbeat_path
    from bot.ops.jobs import start_heartbeat

    path = config_path(explicit_config)
    _require_token_early(path)
    config = load_config(path)
    config.require_token()
    if config.bot.mode == "webhook":
        _require_webhook(config)
    engine = prepare_database(config)
    application = build_application(config, engine, SystemClock())
    if (beat := heartbeat_path()) is not None:
        start_heartbeat(application, beat)
    settle_heap()
    if config.bot.mode == "webhook":
        application.run_webhook(
            listen=config.bot.listen,
            port=config.bot.port,
            url_path=config.bot.path,
            webhook_url=config.bot.webhook_url,
            secret_token=config.bot.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def _require_webhook(config: Config) -> None:
    """Without a secret anyone who finds the URL could post updates as any user: refuse to start."""
    if not config.bot.webhook_url:
        raise ConfigError(
            "bot.webhook_url", "webhook mode needs the public https URL Telegram posts to, e.g. https://baton.example.com/telegram"
        )
    if not config.bot.webhook_secret:
        raise ConfigError(
            "BATON_WEBHOOK_SECRET",
            "webhook mode needs a secret token: set BATON_WEBHOOK_SECRET (or [bot] webhook_secret), 1-256 characters A-Z, a-z, 0-9, _ or -",
        )


def migrate_command(explicit_config: str | None) -> int:
    from bot.core.setup import prepare_database

    config = load_config(config_path(explicit_config))
    prepare_database(config).dispose()
    print(f"database at head: {config.database_url.split('@')[-1]}")
    return 0


def backup_command(explicit_config: str | None, out: str) -> int:
    from storage.backup import BackupFailed, backup

    config = load_config(config_path(explicit_config))
    try:
        done = backup(config.database_url, Path(out))
    except BackupFailed as failure:
        print(f"baton backup: {failure}", file=sys.stderr)
        return EXIT_FAILED
    print(f"backup written: {done.path} ({done.size} bytes, {done.method})")
    return 0


def health_command(explicit_config: str | None, max_age: int | None) -> int:
    from bot.ops.health import MAX_AGE_SECONDS, check, heartbeat_path

    config = load_config(config_path(explicit_config))
    problem = check(config.database_url, heartbeat_path(), max_age or MAX_AGE_SECONDS)
    if problem is not None:
        print(f"baton health: {problem}", file=sys.stderr)
        return EXIT_FAILED
    print("ok")
    return 0
