"""/profile, /skills, /tag, /untag and /talent.

A profile and a talent list are one person's detail, so they go to the asker's private chat;
asked in the group, the group hears only that they were sent (or that the bot cannot write to
the asker privately until they start it).
"""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden

from bot.profile import render, service
from bot.profile.chart import trend_chart
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext
from bot.telegram.routes import command
from bot.telegram.supervisors import is_supervisor, supervisors_only


async def profile_command(update: Update, context: BatonContext) -> None:
    handle = " ".join(context.args or []).strip() or None
    supervisor = await is_supervisor(context, update.effective_user.id)
    built = await attempt(context, service.build_profile, handle, supervisor=supervisor)
    if built is None:
        return
    private = context.for_user(update.effective_user)
    # Drawing takes a while: off the event loop, so other chats are not kept waiting.
    png = await asyncio.to_thread(trend_chart, built.trend, name=built.name, lang=private.lang)
    await send_privately(
        update,
        context,
        render.profile_text(private, built),
        notice=render.profile_sent_text(context.render, built),
        command="profile",
        chart=(png, render.chart_caption(private, built)),
    )


async def send_privately(
    update: Update, context: BatonContext, text: str, *, notice: str, command: str, chart: tuple[bytes, str] | None = None
) -> None:
    """`text` (and the chart) to the asker's private chat; asked in a group, `notice` there."""
    user_id = update.effective_user.id
    private = update.effective_chat.type == ChatType.PRIVATE
    try:
        await context.send(user_id, text)
        if chart is not None:
            png, caption = chart
            await context.bot.send_photo(
                user_id, InputFile(png, filename=f"baton-{command}.png"), caption=caption, parse_mode=ParseMode.HTML
            )
    except (BadRequest, Forbidden) as exc:
        # Telegram says "chat not found" (never started) or Forbidden (blocked): anything else is a real error.
        if private or (isinstance(exc, BadRequest) and "chat not found" not in str(exc).lower()):
            raise
        await context.reply(render.start_private_text(context.render, context.bot.username, command))
        return
    if not private:
        await context.reply(notice)


async def skills_command(update: Update, context: BatonContext) -> None:
    """No words: the sender's skills. Otherwise skills to declare, and -skill to take one back."""
    if not context.args:
        skills = await context.query(service.own_skills, update.effective_user.id)
        await context.reply(render.own_skills_text(context.render, context.person.name, skills))
        return
    changed = await attempt(context, service.declare_skills, list(context.args))
    if changed is not None:
        await context.reply(render.declared_text(context.render, changed))


@supervisors_only("tag")
async def tag_command(update: Update, context: BatonContext) -> None:
    await _tag(context, remove=False)


@supervisors_only("untag")
async def untag_command(update: Update, context: BatonContext) -> None:
    await _tag(context, remove=True)


async def _tag(context: BatonContext, *, remove: bool) -> None:
    words = list(context.args or [])
    if len(words) < 2:
        await context.reply(context.render.t("usage.untag" if remove else "usage.tag"))
        return
    changed = await attempt(context, service.tag_skills, words, remove=remove)
    if changed is not None:
        await context.reply(render.tagged_text(context.render, context.person.name, changed, removed=remove))


@supervisors_only("talent")
async def talent_command(update: Update, context: BatonContext) -> None:
    if not context.args:
        await context.reply(context.render.t("usage.talent"))
        return
    found = await attempt(context, service.find_talent, list(context.args))
    if found is None:
        return
    await send_privately(
        update,
        context,
        render.talent_text(context.for_user(update.effective_user), found),
        notice=render.talent_sent_text(context.render, found),
        command="talent",
    )


ROUTES = (
    command("profile", profile_command, menu=True),
    command("skills", skills_command, menu=True),
    command("tag", tag_command),
    command("untag", untag_command),
    command("talent", talent_command),
)
