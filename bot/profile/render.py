"""Talent profiles, skills and /talent as Telegram text (HTML), and the notices for what goes privately."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.core.config import PLATFORMS
from bot.profile.service import AccountWork, Profile, SkillsChanged, Talent
from bot.text.layout import quantity
from bot.text.renderer import Renderer
from domain.profile import SELF, SUPERVISOR, SkillTag


def hours(value: float) -> str:
    return f"{value:.1f}"


def listed(render: Renderer, items: Iterable[str]) -> str:
    return render.listed(escape(i) for i in items)


def platform_name(render: Renderer, platform: str) -> str:
    return render.t(f"platform.{platform}") if platform in PLATFORMS else escape(platform)


def profile_text(render: Renderer, profile: Profile) -> str:
    username = render.t("profile.username", username=escape(profile.username)) if profile.username else ""
    lines = [render.t("profile.title", name=escape(profile.name), username=username), render.t("profile.platforms")]
    by_platform = {platform: [a for a in profile.accounts if a.platform == platform] for platform, _ in profile.platforms}
    for platform, held in profile.platforms:
        lines.append(render.t("profile.platform_line", platform=platform_name(render, platform), hours=hours(held)))
        lines += [_account_line(render, a) for a in by_platform[platform]]
    unheld = [a for a in profile.accounts if a.platform not in by_platform]
    lines += [_account_line(render, a) for a in unheld]
    if not profile.accounts:
        lines.append(render.t("profile.no_accounts"))
    lines.append(render.t("profile.work", cases=profile.cases, conversations=quantity(profile.conversations)))
    if profile.cover_days:
        lines.append(render.t("profile.covers", days=profile.cover_days, hours=hours(profile.cover_hours)))
    else:
        lines.append(render.t("profile.no_covers"))
    lines.append(render.t("profile.thanks", received=profile.thanks_received, given=profile.thanks_given))
    for thanks in profile.recent_thanks:
        day = thanks.at.astimezone(render.tz).strftime("%m-%d")
        if thanks.reason:
            lines.append(render.t("profile.thanks_line", reason=escape(thanks.reason), giver=escape(thanks.giver), day=day))
        else:
            lines.append(render.t("profile.thanks_line_plain", giver=escape(thanks.giver), day=day))
    lines.append(render.t("profile.handovers", count=profile.handovers_noted))
    for note in profile.recent_notes:
        when = note.at.astimezone(render.tz).strftime("%m-%d %H:%M")
        labels = listed(render, (render.label(a) for a in note.accounts))
        lines.append(render.t("profile.note_line", when=when, labels=labels, note=escape(note.note)))
    lines += skills_lines(render, profile.skills)
    lines.append(render.t("profile.chart_hint", months=len(profile.trend)))
    return "\n".join(lines)


def _account_line(render: Renderer, work: AccountWork) -> str:
    return render.t(
        "profile.account_line",
        label=escape(work.label),
        account=escape(work.account),
        hours=hours(work.hours),
        conversations=quantity(work.conversations),
        cases=work.cases,
    )


def skills_lines(render: Renderer, skills: Iterable[SkillTag]) -> list[str]:
    skills = list(skills)
    tagged = [s.skill for s in skills if s.source == SUPERVISOR]
    declared = [s.skill for s in skills if s.source == SELF]
    lines = [render.t("profile.skills")]
    if tagged:
        lines.append(render.t("profile.skills_supervisor", skills=listed(render, tagged)))
    if declared:
        lines.append(render.t("profile.skills_self", skills=listed(render, declared)))
    if not skills:
        lines.append(render.t("profile.skills_none"))
    return lines


def own_skills_text(render: Renderer, name: str, skills: Iterable[SkillTag]) -> str:
    _heading, *lines = skills_lines(render, skills)
    return "\n".join([render.t("skills.mine_title", name=escape(name)), *lines, render.t("skills.hint")])


def tagged_text(render: Renderer, by: str, changed: SkillsChanged, *, removed: bool) -> str:
    if not changed.changed:
        return render.t("skills.nothing_new", name=escape(changed.agent))
    key = "skills.untagged" if removed else "skills.tagged"
    text = render.t(key, by=escape(by), name=escape(changed.agent), skills=listed(render, changed.changed))
    if changed.unchanged:
        text += render.t("skills.not_tagged" if removed else "skills.already", skills=listed(render, changed.unchanged))
    return text


def declared_text(render: Renderer, changed: SkillsChanged) -> str:
    lines = []
    if changed.changed:
        lines.append(render.t("skills.declared", skills=listed(render, changed.changed)))
    if changed.dropped:
        lines.append(render.t("skills.dropped", skills=listed(render, changed.dropped)))
    return "\n".join(lines) or render.t("skills.unchanged")


def talent_text(render: Renderer, talent: Talent) -> str:
    skill = escape(talent.skill)
    if not talent.candidates:
        return render.t("talent.none", skill=skill)
    lines = [render.t("talent.title", skill=skill)]
    if talent.accounts:
        lines.append(render.t("talent.accounts", labels=listed(render, (render.label(a) for a in talent.accounts))))
    for rank, c in enumerate(talent.candidates, start=1):
        tag = render.t(f"talent.tag.{c.tag or 'none'}")
        lines.append(render.t("talent.line", rank=rank, name=escape(c.name), tag=tag, score=hours(c.score)))
        lines.append(
            render.t("talent.detail", account_hours=hours(c.account_hours), cover_hours=hours(c.cover_hours), thanks=c.thanks_received)
        )
    lines.append(render.t("talent.legend"))
    return "\n".join(lines)


# -- what goes privately -----------------------------------------------------------------------------


def chart_caption(render: Renderer, profile: Profile) -> str:
    return render.t("profile.chart.caption", name=escape(profile.name))


def profile_sent_text(render: Renderer, profile: Profile) -> str:
    return render.t("profile.sent_privately", name=escape(profile.name))


def talent_sent_text(render: Renderer, talent: Talent) -> str:
    return render.t("talent.sent_privately", skill=escape(talent.skill))


def start_private_text(render: Renderer, bot_username: str | None, command: str) -> str:
    """The bot may not write first to someone who never started a private chat with it."""
    name = f"@{bot_username}" if bot_username else "Baton"
    return render.t("profile.start_private", bot=escape(name), command=command)
