"""The `baton` command: run, migrate, demo."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.config import ConfigError, config_path, load_config

EXIT_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="baton", description="Fair credit for a shared customer-service login.")
    parser.add_argument("--config", help="TOML file (default: $BATON_CONFIG, else ./config.toml)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (polling)")
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

    path = config_path(explicit_config)
    _require_token_early(path)
    config = load_config(path)
    config.require_token()
    if config.bot.mode != "polling":
        raise ConfigError("bot.mode", f"{config.bot.mode!r} is not supported yet; use \"polling\"")
    engine = prepare_database(config)
    application = build_application(config, engine, SystemClock())
    application.run_polling(allowed_updates=["message", "callback_query"])
    return 0


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
