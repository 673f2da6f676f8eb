"""/audit: the latest audit entries for supervisors, in the team's language and time zone.

The same listing is what `baton audit show` prints, as plain text.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.context import deps
from bot.handlers import reply
from bot.i18n import t_or
from bot.render import Renderer, truncate
from bot.supervisors import supervisors_only
from storage import audit
from storage import repositories as repo
from storage.db import reading
from storage.models import AuditRow

DEFAULT_SHOWN = 10
MAX_SHOWN = 50
DETAIL_WIDTH = 90  # 50 entries of this width still fit in two Telegram messages
MESSAGE_BUDGET = 3500  # under Telegram's 4096, with room for the HTML tags


def parse_count(args: Sequence[str], *, maximum: int | None = MAX_SHOWN) -> int | None:
    """`[n]` → n; None when it is not a whole number from 1 to `maximum`."""
    if not args:
        return DEFAULT_SHOWN
    if len(args) > 1 or not args[0].isdecimal():
        return None
    n = int(args[0])
    return n if n >= 1 and (maximum is None or n <= maximum) else None


def action_label(render: Renderer, action: str) -> str:
    """An action in words; one this catalogue does not know yet, as its stored name."""
    return t_or(render.lang, f"audit.action.{action}", action)


def detail_text(render: Renderer, detail: str) -> str:
    """The stored details as name=value, each name in words where the catalogue has it."""
    try:
        parsed = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(parsed, dict):
        return str(parsed)
    return ", ".join(
        f"{t_or(render.lang, f'audit.field.{key}', key)}={value}" for key, value in parsed.items() if value not in (None, "", [])
    )


def latest_entries(engine, n: int) -> tuple[list[AuditRow], dict[int, str]]:
    with reading(engine) as session:
        rows = audit.latest(session, n)
        names = {agent_id: agent.name for agent_id, agent in repo.agents_by_id(session).items()}
    return rows, names


def entries_messages(render: Renderer, rows: Sequence[AuditRow], names: dict[int, str]) -> list[str]:
    """The entries as HTML messages, oldest first, split so none is too long for Telegram."""
    if not rows:
        return [render.t("audit.empty")]
    lines = [_line(render, row, names) for row in rows]
    messages, current = [], render.t("audit.title", count=len(rows), tz=escape(str(render.tz)))
    for line in lines:
        if len(current) + len(line) + 1 > MESSAGE_BUDGET:
            messages.append(current)
            current = line
        else:
            current += "\n" + line
    messages.append(current)
    return messages


def _line(render: Renderer, row: AuditRow, names: dict[int, str]) -> str:
    when = row.at.astimezone(render.tz).strftime("%Y-%m-%d %H:%M")
    actor = names.get(row.actor_agent_id, render.t("audit.system")) if row.actor_agent_id is not None else render.t("audit.system")
    subject = row.subject
    if row.action == "adjust" and subject.isdigit():  # /adjust names the agent by id
        subject = names.get(int(subject), subject)
    head = f"<code>#{row.id}</code> {when} {escape(actor)} · {escape(action_label(render, row.action))}"
    if subject:
        head += f" {escape(subject)}"
    detail = detail_text(render, row.detail)
    return f"{head}\n    {escape(truncate(detail, DETAIL_WIDTH))}" if detail else head


@supervisors_only("audit")
async def audit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    n = parse_count(context.args or [])
    if n is None:
        await reply(update, d.render.t("audit.usage", max=MAX_SHOWN, default=DEFAULT_SHOWN, given=escape(" ".join(context.args or []))))
        return
    rows, names = latest_entries(d.baton.engine, n)
    for text in entries_messages(d.render, rows, names):
        await reply(update, text)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("audit", audit_command))
