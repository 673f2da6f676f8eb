"""/gaps and /assign: supervisors see the windows nobody held, and credit them to someone."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from html import escape

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import deps, person
from bot.gaps import assign_window, gaps_on
from bot.handlers import refuse, reply
from bot.render import clock_time
from bot.services import Refused
from bot.supervisors import supervisors_only

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


def parse_day(text: str, today: date) -> date | None:
    if not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@supervisors_only("gaps")
async def gaps_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    today = d.baton.today()
    day = parse_day(context.args[0], today) if context.args else today
    if day is None:
        await reply(update, d.render.t("usage.gaps"))
        return
    gaps = gaps_on(d.baton, day)
    lines = [d.render.t("gaps.title", day=d.render.day(day))]
    if not gaps:
        lines.append(d.render.t("gaps.none"))
    for gap in gaps:
        lines.append(
            d.render.t(
                "gaps.line", label=escape(d.render.label(gap.account)), start=clock_time(gap.start, d.baton.tz),
                end=clock_time(gap.end, d.baton.tz), count=gap.conversations, account=gap.account,
            )
        )
    if gaps:
        lines.append(d.render.t("gaps.hint"))
    await reply(update, "\n".join(lines))


def parse_assign(args: list[str], today: date, tz) -> tuple[str, datetime, datetime, str] | None:
    """`<account> [YYYY-MM-DD] <from> <to> @agent` → (account, start, end, handle)."""
    words = list(args)
    if len(words) < 4:
        return None
    account = words.pop(0).lower()
    day = today
    if _DATE.match(words[0]):
        day = parse_day(words.pop(0), today)
        if day is None:
            return None
    if len(words) < 3 or not (_TIME.match(words[0]) and _TIME.match(words[1])):
        return None
    start = datetime.combine(day, time.fromisoformat(words[0].zfill(5)), tzinfo=tz)
    end = datetime.combine(day, time.fromisoformat(words[1].zfill(5)), tzinfo=tz)
    return account, start, end, " ".join(words[2:])


@supervisors_only("assign")
async def assign_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    parsed = parse_assign(context.args or [], d.baton.today(), d.baton.tz)
    if parsed is None:
        await reply(update, d.render.t("usage.assign"))
        return
    account, start, end, handle = parsed
    try:
        result = assign_window(d.baton, person(update.effective_user), account, start, end, handle, update.update_id)
    except Refused as refusal:
        if "start" in refusal.params:
            refusal.params["start"] = clock_time(refusal.params["start"], d.baton.tz)
            refusal.params["end"] = clock_time(refusal.params["end"], d.baton.tz) if refusal.params["end"] else "…"
        await refuse(update, context, refusal)
        return
    await reply(
        update,
        d.render.t(
            "assigned", label=escape(d.render.label(result.account)), start=clock_time(result.start, d.baton.tz),
            end=clock_time(result.end, d.baton.tz), name=escape(result.agent), count=result.conversations,
            day=result.start.astimezone(d.baton.tz).date().isoformat(),
        ),
    )
