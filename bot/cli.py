"""The `baton` command: each subcommand is its package's cli.py.

`--config` may come before or after the subcommand: `baton --config c.toml run` and
`baton import FILE --account jd --config c.toml` alike.
"""

from __future__ import annotations

import argparse
import sys

from bot.core.config import ConfigError, config_path, load_config
from bot.core.logs import configure_logging

EXIT_CONFIG = 2


def _positive(value: str) -> int:
    if not value.isdecimal() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {value!r}")
    return int(value)


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's absent --config must not overwrite one given before the subcommand.
    common.add_argument("--config", default=argparse.SUPPRESS, help="TOML file (default: $BATON_CONFIG, else ./config.toml)")
    top = argparse.ArgumentParser(prog="baton", description="Fair credit for a shared customer-service login.", parents=[common])
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("run", parents=[common], help="run the bot ([bot] mode: polling or webhook)")
    sub.add_parser("migrate", parents=[common], help="create or upgrade the database schema")
    imp = sub.add_parser("import", parents=[common], help="import a platform export (CSV or XLSX) into an account")
    imp.add_argument("file", help="the export file")
    imp.add_argument("--account", required=True, help="the account key, as in [[accounts]] key")
    imp.add_argument("--platform", help="jd, tmall, vip, generic, or a [presets] name (default: detect)")
    inspect = sub.add_parser("inspect", parents=[common], help="show a file's header, what each format matches, and a [presets] guess")
    inspect.add_argument("file", help="the export file")
    inspect.add_argument("--account", help="the account key: its platform's formats only, and the guess named after it")
    close = sub.add_parser("close-month", parents=[common], help="close a month: freeze the standings and split the pool")
    close.add_argument("month", help="YYYY-MM")
    close.add_argument("--pool", required=True, help="the bonus pool in yuan, e.g. 12000 or 12000.50")
    close.add_argument("--json", action="store_true", help="print the frozen month as JSON")
    export = sub.add_parser("export", parents=[common], help="write a month's payroll workbook (xlsx)")
    export.add_argument("month", help="YYYY-MM")
    export.add_argument("--out", required=True, help="the .xlsx file to write")
    demo = sub.add_parser("demo", parents=[common], help="play a scripted team against a simulated Telegram; no token, no network")
    demo.add_argument("--days", type=int, default=1, help="working days to play (default 1)")
    demo.add_argument("--db", help="SQLite file to use (default: a fresh temporary one)")
    audit = sub.add_parser("audit", parents=[common], help="check or read the tamper-evident audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", parents=[common], help="walk the hash chain; exit 1 naming the first entry that was changed")
    verify.add_argument("--head", help="a head hash noted earlier (outside the database) that must still be in the chain")
    show = audit_sub.add_parser("show", parents=[common], help="print the latest entries")
    show.add_argument("n", nargs="?", type=_positive, default=10, help="how many (default 10)")
    backup = sub.add_parser(
        "backup", parents=[common], help="an online, consistent copy of the database (SQLite file, or pg_dump custom format)"
    )
    backup.add_argument("out", help="the file to write")
    health = sub.add_parser("health", parents=[common], help="exit 0 when the database answers and the bot's heartbeat is fresh")
    health.add_argument("--max-age", type=_positive, default=None, help="seconds a heartbeat stays fresh")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    explicit = getattr(args, "config", None)
    configure_logging()
    try:
        return dispatch(args, explicit)
    except ConfigError as exc:
        print(f"baton: {exc}", file=sys.stderr)
        return EXIT_CONFIG


def dispatch(args: argparse.Namespace, explicit: str | None) -> int:
    # Each package is imported only for its own subcommand: `baton health` must not load pandas.
    if args.command in ("run", "migrate", "backup", "health"):
        from bot.ops import cli as ops

        if args.command == "run":
            return ops.run_command(explicit)
        if args.command == "migrate":
            return ops.migrate_command(explicit)
        if args.command == "backup":
            return ops.backup_command(explicit, args.out)
        return ops.health_command(explicit, args.max_age)
    if args.command == "import":
        from bot.imports import cli as imports

        return imports.import_command(load_config(config_path(explicit)), args.file, args.account, args.platform)
    if args.command == "inspect":
        from bot.imports import cli as imports

        return imports.inspect_command(load_config(config_path(explicit)), args.file, args.account)
    if args.command in ("close-month", "export"):
        from bot.month import cli as month

        config = load_config(config_path(explicit))
        if args.command == "close-month":
            return month.close_month_command(config, args.month, args.pool, as_json=args.json)
        return month.export_command(config, args.month, args.out)
    if args.command == "audit":
        from bot.audit import cli as audit

        config = load_config(config_path(explicit))
        return audit.verify_command(config, args.head) if args.audit_command == "verify" else audit.show_command(config, args.n)
    if args.command == "demo":
        from bot.demo.script import run_demo

        return run_demo(days=args.days, db_path=args.db)
    return EXIT_CONFIG


if __name__ == "__main__":
    sys.exit(main())
