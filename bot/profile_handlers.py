"""/profile, /skills, /tag, /untag and /talent. `register` adds them to the Application.

A profile and a talent list are one person's detail, so they go to the asker's private chat;
asked in the group, the group hears only that they were sent (or that the bot cannot write to
the asker privately until they start it).
"""
from __future__ import annotations

from html import escape

from telegram import InputFile, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CommandHandler, ContextTypes

from bot import profile as profiles
from bot.context import deps, person
from bot.handlers import attempt, reply
from bot.render_profile import declared_text, own_skills_text, profile_text, tagged_text, talent_text
from bot.reports.trend_chart import trend_chart
from bot.supervisors import is_supervisor, supervisors_only

COMMANDS = ("profile", "skills", "tag", "untag", "talent")
_REGISTERED = "profile_handlers_registered"


def register(application: Application) -> None:
    """Add the talent commands (group 0); calling it twice adds nothing twice."""
    if application.bot_data.get(_REGISTERED):
        return
    application.bot_data[_REGISTERED] = True
    application.add_handler(CommandHandler("profile", profile_command))
    application.add_handler(CommandHandler("skills", skills_command))
    application.add_handler(CommandHandler("tag", tag_command))
    application.add_handler(CommandHandler("untag", untag_command))
    application.add_handler(CommandHandler("talent", talent_command))


async def profile_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    handle = " ".join(context.args or []).strip() or None
    asker = person(update.effective_user)
    supervisor = await is_supervisor(context, asker.tg_user_id)
    d.baton.compile([d.baton.today()])  # as /standings: the compile job keeps the other days
    built = await attempt(update, d.render.refusal, lambda: profiles.build_profile(d.baton, asker, handle, supervisor=supervisor))
    if built is None:
        return
    private = d.for_user(update.effective_user)
    chart = trend_chart(built.trend, name=built.name, lang=private.lang)
    await send_privately(
        update, context, profile_text(private, built), notice=d.render.t("profile.sent_privately", name=escape(built.name)),
        command="profile", chart=(chart, private.t("profile.chart.caption", name=escape(built.name))),
    )


async def send_privately(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, notice: str, command: str, chart: tuple[bytes, str] | None = None
) -> None:
    """`text` (and the chart) to the asker's private chat; asked in a group, `notice` there."""
    bot = context.bot
    user_id = update.effective_user.id
    private = update.effective_chat.type == ChatType.PRIVATE
    try:
        await bot.send_message(user_id, text, parse_mode=ParseMode.HTML)
        if chart is not None:
            png, caption = chart
            await bot.send_photo(user_id, InputFile(png, filename=f"baton-{command}.png"), caption=caption, parse_mode=ParseMode.HTML)
    except (BadRequest, Forbidden) as exc:
        # Telegram says "chat not found" (never started) or Forbidden (blocked): anything else is a real error.
        if private or (isinstance(exc, BadRequest) and "chat not found" not in str(exc).lower()):
            raise
        name = f"@{bot.username}" if bot.username else "Baton"
        await reply(update, deps(context).render.t("profile.start_private", bot=escape(name), command=command))
        return
    if not private:
        await reply(update, notice)


async def skills_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """No words: the sender's skills. Otherwise skills to declare, and -skill to take one back."""
    d = deps(context)
    me = person(update.effective_user)
    if not context.args:
        await reply(update, own_skills_text(d.render, me.name, profiles.own_skills(d.baton, me)))
        return
    changed = await attempt(update, d.render.refusal, lambda: profiles.declare_skills(d.baton, me, list(context.args), update.update_id))
    if changed is not None:
        await reply(update, declared_text(d.render, changed))


@supervisors_only("tag")
async def tag_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _tag(update, context, remove=False)


@supervisors_only("untag")
async def untag_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _tag(update, context, remove=True)


async def _tag(update: Update, context: ContextTypes.DEFAULT_TYPE, *, remove: bool) -> None:
    d = deps(context)
    words = list(context.args or [])
    if len(words) < 2:
        await reply(update, d.render.t("usage.untag" if remove else "usage.tag"))
        return
    supervisor = person(update.effective_user)
    changed = await attempt(update, d.render.refusal, lambda: profiles.tag_skills(d.baton, supervisor, words, update.update_id, remove=remove))
    if changed is not None:
        await reply(update, tagged_text(d.render, supervisor.name, changed, removed=remove))


@supervisors_only("talent")
async def talent_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    if not context.args:
        await reply(update, d.render.t("usage.talent"))
        return
    d.baton.compile([d.baton.today()])
    found = await attempt(update, d.render.refusal, lambda: profiles.find_talent(d.baton, list(context.args)))
    if found is None:
        return
    await send_privately(
        update, context, talent_text(d.for_user(update.effective_user), found), notice=d.render.t("talent.sent_privately", skill=escape(found.skill)), command="talent",
    )
