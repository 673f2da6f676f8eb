"""`baton import FILE --account KEY [--platform P]` and `baton inspect FILE [--account KEY]`, from a shell."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.core.config import Config
from bot.core.errors import Refused
from bot.core.setup import open_baton
from bot.imports.render import import_report, inspected_text, refusal
from bot.imports.service import compile_day, credited, inspect_file, read_export, store_export
from bot.text.filenames import upload_name
from bot.text.layout import plain_text
from bot.text.renderer import Renderer
from storage.importers import DEFAULT_LIMITS, ReadLimits

EXIT_REFUSED = 2


def import_command(config: Config, file: str, account: str, platform: str | None) -> int:
    """Print the import's report; a refusal goes to stderr with exit status 2, and stores nothing."""
    render = Renderer(config)
    data = _read(render, file)
    if data is None:
        return EXIT_REFUSED
    baton = open_baton(config)
    try:
        # Read before the transaction, as the bot does: a running bot's commands wait only for the writes.
        read = read_export(config, account, data, upload_name(Path(file).name, "export"), preset=platform, limits=_limits(config))
        imported = baton.run(store_export, read, source="cli")
        # The days it touched, each compiled in a short transaction of its own, as the bot does.
        for day in imported.due:
            baton.run(compile_day, day)
        imported = baton.read(credited, imported)
    except Refused as refused:
        print(plain_text(refusal(render, refused)), file=sys.stderr)
        return EXIT_REFUSED
    finally:
        baton.engine.dispose()
    print(plain_text(import_report(render, imported)))
    return 0


def inspect_command(config: Config, file: str, account: str | None) -> int:
    """Print a file's header, what each format matched and missed, and a [presets.NAME] guess; stores nothing."""
    render = Renderer(config)
    data = _read(render, file)
    if data is None:
        return EXIT_REFUSED
    try:
        inspected = inspect_file(config, data, upload_name(Path(file).name, "export"), account_key=account, limits=_limits(config))
    except Refused as refused:
        print(plain_text(refusal(render, refused)), file=sys.stderr)
        return EXIT_REFUSED
    print(plain_text(inspected_text(render, inspected)))
    return 0


def _read(render: Renderer, file: str) -> bytes | None:
    path = Path(file)
    if not path.is_file():
        print(plain_text(render.t("error.no_such_file", path=str(path))), file=sys.stderr)
        return None
    return path.read_bytes()


def _limits(config: Config) -> ReadLimits:
    # A file on disk never went through a chat, so Telegram's 20 MB is not its bound; the rest is.
    return config.imports.limits(max_bytes=DEFAULT_LIMITS.max_bytes)
