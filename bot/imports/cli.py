"""`baton import FILE --account KEY [--platform P]`: the bot's import, from a shell."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.core.config import Config
from bot.core.errors import Refused
from bot.core.setup import open_baton
from bot.imports.render import import_report
from bot.imports.service import import_export
from bot.text.layout import plain_text
from bot.text.renderer import Renderer

EXIT_REFUSED = 2


def import_command(config: Config, file: str, account: str, platform: str | None) -> int:
    """Print the import's report; a refusal goes to stderr with exit status 2, and stores nothing."""
    render = Renderer(config)
    path = Path(file)
    if not path.is_file():
        print(f"baton import: no such file: {path}", file=sys.stderr)
        return EXIT_REFUSED
    baton = open_baton(config)
    try:
        report = baton.run(import_export, account, path.read_bytes(), path.name, preset=platform, source="cli")
    except Refused as refusal:
        print(plain_text(render.refusal(refusal)), file=sys.stderr)
        return EXIT_REFUSED
    finally:
        baton.engine.dispose()
    print(plain_text(import_report(render, report)))
    return 0
