"""The `baton` command: run, migrate, import, close and export a month, audit, backup, health, demo."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.config import ConfigError, config_path, load_config

EXIT_FAILED = 1
EXIT_CONFIG = 2
# my_chat_member: being added to a group posts the setup checklist (bot/onboarding.py).
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="baton", description="Fair credit for a shared customer-service login.")
    parser.add_argument("--config", help="TOML file (default: $BATON_CONFIG, else ./config.toml)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot ([bot] mode: polling or webhook)")
    sub.add_parser("migrate", help="create or upgrade the database schema")
    imp = sub.add_parser("import", help="import a platform export (CSV or XLSX) into an account")
    imp.add_argument("file", help="the export file")
    imp.add_argument("--account", required=True, help="the account key, as in [[accounts]] key")
    imp.add_argument("--platform", help="jd, tmall, vip, generic, or a [presets] name (default: detect)")
    close = sub.add_parser("close-month", help="close a month: freeze the standings and split the pool")
    close.add_argument("month", help="YYYY-MM")
    close.add_argument("--pool", required=True, help="the bonus pool in yuan, e.g. 12000 or 12000.50")
    close.add_argument("--json", action="store_true", help="print the frozen month as JSON")
    export = sub.add_parser("export", help="write a month's payroll workbook (xlsx)")
    export.add_argument("month", help="YYYY-MM")
    export.add_argument("--out", required=True, help="the .xlsx file to write")
    demo = sub.add_parser("demo", help="play a scripted team against a simulated Telegram; no token, no network")
    demo.add_argument("--days", type=int, default=1, help="working days to play (default 1)")
    demo.add_argument("--db", help="SQLite file to use (default: a fresh temporary one)")
    audit = sub.add_parser("audit", help="check or read the tamper-evident audit log").add_subparsers(dest="audit_command", required=True)
    verify = audit.add_parser("verify", help="walk the hash chain; exit 1 naming the first entry that was changed")
    verify.add_argument("--head", help="a head hash noted earlier (outside the database) that must still be in the chain")
    show = audit.add_parser("show", help="print the latest entries")
    show.add_argument("n", nargs="?", type=_positive, default=10, help="how many (default 10)")
    backup = sub.add_parser("backup", help="an online, consistent copy of the database (SQLite file, or pg_dump custom format)")
    backup.add_argument("out", help="the file to write")
    health = sub.add_parser("health", help="exit 0 when the database answers and the bot's heartbeat is fresh")
    health.add_argument("--max-age", type=_positive, default=None, help="seconds a heartbeat stays fresh")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("BATON_LOG", "WARNING"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "run":
            return run(args.config)
        if args.command == "migrate":
            return migrate_command(args.config)
        if args.command == "import":
            return import_command(args.config, args.file, args.account, args.platform)
        if args.command == "close-month":
            from bot.month_cli import close_month_command

            return close_month_command(_baton(args.config), args.month, args.pool, as_json=args.json)
        if args.command == "export":
            from bot.month_cli import export_command

            return export_command(_baton(args.config), args.month, args.out)
        if args.command == "audit":
            from bot import audit_cli

            config = load_config(config_path(args.config))
            return audit_cli.verify_command(config, args.head) if args.audit_command == "verify" else audit_cli.show_command(config, args.n)
        if args.command == "backup":
            return backup_command(args.config, args.out)
        if args.command == "health":
            return health_command(args.config, args.max_age)
        if args.command == "demo":
            from bot.demo import run_demo

            return run_demo(days=args.days, db_path=args.db)
    except ConfigError as exc:
        print(f"baton: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return 1


def _require_token_early(path) -> None:
    """No token anywhere is the commonest first-run mistake: say so before anything else."""
    if os.environ.get("BATON_TOKEN"):
        return
    if not path.exists():
        raise ConfigError("BATON_TOKEN", f"no bot token: set BATON_TOKEN in the environment (and no config file at {path})")


def run(explicit_config: str | None) -> int:
    from bot.app import build_application, prepare_database
    from bot.clock import SystemClock
    from bot.health import heartbeat_path, start_heartbeat

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
    if config.bot.mode == "webhook":
        application.run_webhook(
            listen=config.bot.listen, port=config.bot.port, url_path=config.bot.path, webhook_url=config.bot.webhook_url,
            secret_token=config.bot.webhook_secret, allowed_updates=ALLOWED_UPDATES,
        )
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def _require_webhook(config) -> None:
    """Without a secret anyone who finds the URL could post updates as any user: refuse to start."""
    if not config.bot.webhook_url:
        raise ConfigError("bot.webhook_url", "webhook mode needs the public https URL Telegram posts to, e.g. https://baton.example.com/telegram")
    if not config.bot.webhook_secret:
        raise ConfigError("BATON_WEBHOOK_SECRET", "webhook mode needs a secret token: set BATON_WEBHOOK_SECRET (or [bot] webhook_secret), "
                          "1-256 characters A-Z, a-z, 0-9, _ or -")


def backup_command(explicit_config: str | None, out: str) -> int:
    from pathlib import Path

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
    from bot.health import MAX_AGE_SECONDS, check, heartbeat_path

    config = load_config(config_path(explicit_config))
    problem = check(config.database_url, heartbeat_path(), max_age or MAX_AGE_SECONDS)
    if problem is not None:
        print(f"baton health: {problem}", file=sys.stderr)
        return EXIT_FAILED
    print("ok")
    return 0


def _positive(value: str) -> int:
    if not value.isdecimal() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {value!r}")
    return int(value)


def migrate_command(explicit_config: str | None) -> int:
    from bot.app import prepare_database

    config = load_config(config_path(explicit_config))
    prepare_database(config)
    print(f"database at head: {config.database_url.split('@')[-1]}")
    return 0


def _baton(explicit_config: str | None):
    from bot.app import prepare_database
    from bot.clock import SystemClock
    from bot.services import Baton

    config = load_config(config_path(explicit_config))
    return Baton(config, prepare_database(config), SystemClock())


def import_command(explicit_config: str | None, file: str, account: str, platform: str | None) -> int:
    from pathlib import Path

    from bot.app import prepare_database
    from bot.clock import SystemClock
    from bot.imports import import_export
    from bot.render import Renderer, plain_text
    from bot.services import Baton, Refused

    config = load_config(config_path(explicit_config))
    render = Renderer(config)
    path = Path(file)
    if not path.is_file():
        print(f"baton import: no such file: {path}", file=sys.stderr)
        return EXIT_CONFIG
    baton = Baton(config, prepare_database(config), SystemClock())
    try:
        report = import_export(baton, account, path.read_bytes(), path.name, preset=platform, source="cli")
    except Refused as refusal:
        print(plain_text(render.refusal(refusal)), file=sys.stderr)
        return EXIT_CONFIG
    print(plain_text(render.import_report(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
