"""The setup checklist as Telegram HTML."""

from __future__ import annotations

from bot.core.config import Config
from bot.text.renderer import Renderer


def checklist(render: Renderer, config: Config, chat_id: int, reads_all: bool, as_admin: bool) -> str:
    team = config.team
    configured = "onboarding.chat_configured" if chat_id == team.chat_id else "onboarding.chat_unconfigured"
    privacy = "onboarding.privacy_off" if reads_all else "onboarding.privacy_admin" if as_admin else "onboarding.privacy_on"
    who = [f"<code>{uid}</code>" for uid in sorted(team.supervisors)]
    if team.supervisors_include_group_admins:
        who.append(render.t("onboarding.group_admins"))
    return render.t(
        "onboarding.checklist",
        configured=render.t(configured, chat_id=chat_id),
        privacy=render.t(privacy),
        supervisors=render.t("onboarding.supervisors", who=", ".join(who) or render.t("onboarding.no_supervisors")),
    )
