"""/me, /why, /rules and /set_weight: scores explained, the rules shown, and a weight changed.

A weight change is a new rules version with a start date, never an edit: every past period
keeps the version it was scored with. A month is scored with the version in force on its
first day (domain.rules.rules_for_period), so a version that starts mid-month first counts
for the month after; the confirmation names that month.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from html import escape

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.context import deps, person
from bot.explain import explain_handle, explain_member, explain_replied_to, explanation_text, factor_label, factor_value, in_display_order
from bot.handlers import attempt, reply
from bot.i18n import t
from bot.month import MONTH, month_of, month_span, rules_versions
from bot.render import Renderer
from bot.services import Baton, Person, Refused
from bot.supervisors import supervisors_only
from domain.rules import KNOWN_FACTORS, LOWER_IS_BETTER, Rules, RulesVersion, default_rules, new_version, rules_for_period, rules_in_force
from storage import month as months
from storage import repositories as repo

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FROM_WORDS = ("from", "自", "从")


# -- /set_weight: the service ---------------------------------------------------------------------


@dataclass(frozen=True)
class WeightChanged:
    by: str
    factor: str
    old: float
    new: float
    version: int
    based_on: int
    effective_from: date
    first_month: str  # the first month scored with the new version
    old_total: float
    new_total: float
    superseded_by: RulesVersion | None  # an already scheduled later version that lacks this change


def set_weight(baton: Baton, supervisor: Person, factor: str, weight: float, effective_from: date | None, update_id: int | None) -> WeightChanged:
    """A new rules version from `effective_from` (default tomorrow), audited, in one transaction."""
    if factor not in KNOWN_FACTORS:
        raise Refused("unknown_factor", factor=factor)
    if not math.isfinite(weight) or weight < 0:
        raise Refused("weight_negative")
    today = baton.today()
    day = effective_from or today + timedelta(days=1)
    now = baton.clock.now()
    with baton.command(update_id) as session:
        months.seed_rules(session, baton.config.rules, now)
        closed = months.closed_months(session)
        if month_of(day) in closed:
            raise Refused("rules_month_closed", month=month_of(day), day=day.isoformat())
        not_before = month_span(max(closed))[1] + timedelta(days=1) if closed else None
        if not_before is not None and day < not_before:
            raise Refused("rules_before_close", not_before=not_before.isoformat())
        if day < today:
            raise Refused("rules_in_past", day=day.isoformat(), today=today.isoformat())
        versions = months.rules_versions(session)
        base = rules_in_force(versions, day)
        old = weight_of(base.rules, factor)
        if old == weight:
            raise Refused("weight_unchanged", factor=factor, weight=f"{weight:g}", day=day.isoformat())
        actor = repo.register_agent(session, supervisor.tg_user_id, supervisor.name, supervisor.username, now)
        rules = with_weight(base.rules, factor, weight)
        note = f"set_weight {factor} {old:g} -> {weight:g} by {actor.name}"
        version = new_version(versions, rules, day, note=note, not_before=not_before)
        months.add_rules_version(session, version, now, actor.id)
        repo.audit(session, now, "set_weight", actor_agent_id=actor.id, subject=factor, version=version.version,
                   based_on=base.version, old=old, new=weight, effective_from=day.isoformat())
    later = sorted({v.effective_from for v in versions if v.effective_from > day})
    return WeightChanged(
        by=actor.name, factor=factor, old=old, new=weight, version=version.version, based_on=base.version,
        effective_from=day, first_month=first_month_scored(day), old_total=base.rules.total_weight,
        new_total=rules.total_weight, superseded_by=rules_in_force(versions, later[0]) if later else None,
    )


def weight_of(rules: Rules, factor: str) -> float:
    return next((r.weight for r in rules.factors if r.name == factor), 0.0)


def with_weight(rules: Rules, factor: str, weight: float) -> Rules:
    """The same rules with one factor's weight changed; a factor they lacked joins with its default normalisation."""
    if any(r.name == factor for r in rules.factors):
        return Rules(tuple(replace(r, weight=weight) if r.name == factor else r for r in rules.factors))
    return Rules(rules.factors + (replace(default_rules().factor(factor), weight=weight),))


def first_month_scored(day: date) -> str:
    if day.day == 1:
        return month_of(day)
    return month_of(month_span(month_of(day))[1] + timedelta(days=1))


def parse_set_weight(args: list[str]) -> tuple[str, float, date | None] | None:
    """`factor weight [from YYYY-MM-DD]` → (factor word, weight, day or None)."""
    words = list(args)
    if len(words) < 2 or not _NUMBER.match(words[1]):
        return None
    factor, weight, rest = words[0], float(words[1]), words[2:]
    if rest and rest[0].lower() in _FROM_WORDS:
        rest = rest[1:]
        if not rest:
            return None
    if not rest:
        return factor, weight, None
    if len(rest) != 1 or not _DAY.match(rest[0]):
        return None
    try:
        return factor, weight, date.fromisoformat(rest[0])
    except ValueError:
        return None


def factor_named(word: str) -> str:
    """A factor by its key or its label in either language (cases, 案例, "hours held" as hours_held)."""
    word = word.strip().lower()
    for factor in KNOWN_FACTORS:
        names = {factor} | {t(lang, f"explain.factor.{factor}").lower().replace(" ", "_") for lang in ("zh", "en")}
        if word in names:
            return factor
    return word


# -- rendering ------------------------------------------------------------------------------------


def refusal_text(render: Renderer, refusal: Refused) -> str:
    rendered = {"factors": factors_listed(render)}
    if refusal.code in ("unknown_factor", "weight_unchanged") and refusal.params.get("factor") in KNOWN_FACTORS:
        rendered["factor"] = factor_label(render, refusal.params["factor"])
    return render.refusal(refusal, **rendered)


def factors_listed(render: Renderer) -> str:
    """Every factor's key, which /set_weight takes, with its label."""
    if render.lang == "zh":
        return "、".join(f"{f}（{factor_label(render, f)}）" for f in KNOWN_FACTORS)
    return ", ".join(f"{f} ({factor_label(render, f)})" for f in KNOWN_FACTORS)


def weight_changed_text(render: Renderer, c: WeightChanged) -> str:
    first = render.t("set_weight.first_month" if c.effective_from.day == 1 else "set_weight.first_month_mid", month=c.first_month)
    return render.t(
        "set_weight.done", by=escape(c.by), factor=factor_label(render, c.factor), old=f"{c.old:g}", new=f"{c.new:g}",
        day=c.effective_from.isoformat(), version=c.version, old_total=f"{c.old_total:g}", new_total=f"{c.new_total:g}", first=first,
    )


def rules_text(baton: Baton, render: Renderer) -> str:
    """The rules in force today, what this month is scored with, what is scheduled, collaboration and payout."""
    versions = rules_versions(baton)
    today = baton.today()
    current = rules_in_force(versions, today)
    since = render.t("rules.since_start") if current.effective_from == months.SEED_FROM else render.t("rules.since", day=current.effective_from.isoformat())
    lines = [render.t("rules.title", version=current.version, since=since)]
    lines += [_rule_line(render, current.rules.factor(name)) for name in in_display_order(r.name for r in current.rules.factors)]
    lines.append(render.t("rules.total", total=f"{current.rules.total_weight:g}"))
    this_month = rules_for_period(versions, today.replace(day=1))
    if this_month.version != current.version:
        lines.append(render.t("rules.month_uses", month=month_of(today), version=this_month.version))
    for version in scheduled_versions(versions, today):
        before = rules_in_force(versions, version.effective_from - timedelta(days=1))
        lines.append(
            render.t("rules.scheduled", version=version.version, day=version.effective_from.isoformat(),
                     month=first_month_scored(version.effective_from), changes=_changes(render, before.rules, version.rules))
        )
    lines.append(_collaboration_line(render, baton))
    lines.append(_payout_line(render, baton))
    return "\n".join(lines)


def scheduled_versions(versions: list[RulesVersion], today: date) -> list[RulesVersion]:
    """Later versions that will be in force on their start date (a same-day higher number wins)."""
    later = sorted((v for v in versions if v.effective_from > today), key=lambda v: (v.effective_from, v.version))
    return [v for v in later if rules_in_force(versions, v.effective_from) is v]


def _method(render: Renderer, factor: str, normalisation: str, target: float | None) -> str:
    if normalisation == "target" and target is not None:
        key = "rules.method.target_at_most" if factor in LOWER_IS_BETTER else "rules.method.target"
        return render.t(key, target=factor_value(render, factor, target))
    return render.t(f"rules.method.{normalisation}")


def _rule_line(render: Renderer, rule) -> str:
    if rule.weight == 0:
        return render.t("rules.factor_off", factor=factor_label(render, rule.name))
    return render.t("rules.factor", factor=factor_label(render, rule.name), weight=f"{rule.weight:g}",
                    method=_method(render, rule.name, rule.normalisation, rule.target))


def _changes(render: Renderer, before: Rules, after: Rules) -> str:
    old = {r.name: r for r in before.factors}
    changes = []
    for rule in (after.factor(name) for name in in_display_order(r.name for r in after.factors)):
        previous = old.get(rule.name)
        if previous is None or previous.weight != rule.weight:
            changes.append(render.t("rules.change", factor=factor_label(render, rule.name), old=f"{weight_of(before, rule.name):g}", new=f"{rule.weight:g}"))
        if previous is not None and (previous.normalisation, previous.target) != (rule.normalisation, rule.target):
            changes.append(render.t("rules.change_method", factor=factor_label(render, rule.name), method=_method(render, rule.name, rule.normalisation, rule.target)))
    for name in old.keys() - {r.name for r in after.factors}:
        changes.append(render.t("rules.change", factor=factor_label(render, name), old=f"{old[name].weight:g}", new="0"))
    return ("，" if render.lang == "zh" else ", ").join(changes) or render.t("rules.no_change")


def _collaboration_line(render: Renderer, baton: Baton) -> str:
    policy = baton.config.collaboration
    cap = "" if policy.monthly_cap is None else render.t("rules.collaboration_cap", cap=f"{policy.monthly_cap:g}")
    return render.t(
        "rules.collaboration", cover=f"{policy.cover_points_per_hour:g}", cover_min=f"{policy.cover_min_minutes:g}",
        handover=f"{policy.handover_points:g}", handover_cap=policy.handover_daily_cap, thanks=f"{policy.thanks.points:g}",
        allowance=policy.thanks.daily_allowance, peak=f"{policy.peak_points_per_hour:g}", threshold=f"{policy.peak_threshold:g}", cap=cap,
    )


def _payout_line(render: Renderer, baton: Baton) -> str:
    settings = baton.config.payout
    policy = settings.policy
    if policy.scheme == "tiers":
        bands = []
        for band in policy.tiers:
            amount = f"×{float(band.multiplier):g}" if band.multiplier is not None else render.money(band.fixed_cents or 0)
            key = "rules.payout.band_rest" if band.up_to_rank is None else "rules.payout.band_up_to"
            bands.append(render.t(key, name=escape(band.name), rank=band.up_to_rank, amount=amount))
        scheme = render.t("rules.payout.tiers", bands=render.listed(bands))
    elif policy.scheme == "team_fund":
        scheme = render.t("rules.payout.team_fund")
    else:
        if policy.scheme == "hybrid":
            scheme = render.t("rules.payout.hybrid", percent=f"{float(policy.team_fund_percent):g}")
        else:
            scheme = render.t("rules.payout.proportional")
        if policy.floor_cents:
            scheme += render.t("rules.payout.floor", hours=f"{float(policy.floor_min_hours):g}", amount=render.money(policy.floor_cents))
        if policy.cap_cents is not None:
            scheme += render.t("rules.payout.cap", amount=render.money(policy.cap_cents))
    pool = render.t("rules.pool", amount=render.money(settings.pool_cents)) if settings.pool_cents else render.t("rules.no_pool")
    return render.t("rules.payout", scheme=scheme, pool=pool)


# -- handlers -------------------------------------------------------------------------------------


async def me_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Only in a private chat: in the group it hints, and shows no numbers."""
    d = deps(context)
    if update.effective_chat.type != ChatType.PRIVATE:
        bot = f"@{context.bot.username}" if context.bot.username else "Baton"
        await reply(update, d.render.t("explain.private_only", bot=escape(bot)))
        return
    args = context.args or []
    if len(args) > 1 or (args and not MONTH.match(args[0])):
        await reply(update, d.render.t("usage.me"))
        return
    explained = await attempt(update, partial(refusal_text, d.render), lambda: explain_member(d.baton, update.effective_user.id, args[0] if args else None))
    if explained is not None:
        await reply(update, explanation_text(d.render, explained))


@supervisors_only("why")
async def why_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    words = list(context.args or [])
    month = words.pop() if words and MONTH.match(words[-1]) else None
    replied = update.effective_message.reply_to_message
    target = replied.from_user if replied is not None and replied.from_user and not replied.from_user.is_bot else None
    try:
        if words:
            explained = explain_handle(d.baton, " ".join(words), month)
        elif target is not None:
            explained = explain_replied_to(d.baton, target.id, target.full_name, month)
        else:
            await reply(update, d.render.t("usage.why"))
            return
    except Refused as refusal:
        await reply(update, refusal_text(d.render, refusal))
        return
    if update.effective_chat.type == ChatType.PRIVATE:
        await reply(update, explanation_text(d.render, explained))
        return
    # One agent's breakdown is theirs and the supervisor's, not the group's.
    try:
        private = d.for_user(update.effective_user)
        await context.bot.send_message(update.effective_user.id, explanation_text(private, explained), parse_mode=ParseMode.HTML)
    except (BadRequest, Forbidden):
        bot = f"@{context.bot.username}" if context.bot.username else "Baton"
        await reply(update, d.render.t("access.start_private", bot=escape(bot)))
        return
    await reply(update, d.render.t("access.sent_privately", name=escape(explained.name)))


async def rules_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    await reply(update, rules_text(d.baton, d.render))


@supervisors_only("set_weight")
async def set_weight_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirms to the supervisor; the group always sees the one-line change."""
    d = deps(context)
    parsed = parse_set_weight(context.args or [])
    if parsed is None:
        await reply(update, _usage(d.render))
        return
    word, weight, day = parsed
    changed = await attempt(update, partial(refusal_text, d.render), lambda: set_weight(d.baton, person(update.effective_user), factor_named(word), weight, day, update.update_id))
    if changed is None:
        return
    line = weight_changed_text(d.render, changed)
    note = ""
    if changed.superseded_by is not None:
        note = "\n" + d.render.t("set_weight.superseded", version=changed.superseded_by.version, day=changed.superseded_by.effective_from.isoformat())
    await reply(update, line + note)
    group = d.baton.config.team.chat_id
    if update.effective_chat.id != group:
        await context.bot.send_message(group, weight_changed_text(d.team, changed), parse_mode=ParseMode.HTML)


def _usage(render: Renderer) -> str:
    return render.t("usage.set_weight", factors=factors_listed(render))


HANDLERS = {"me": me_command, "why": why_command, "rules": rules_command, "set_weight": set_weight_command}


def register(application: Application) -> None:
    """Add the four commands; a command already registered (say, by bot.app) is left as it is."""
    present = {c for handler in application.handlers.get(0, []) if isinstance(handler, CommandHandler) for c in handler.commands}
    for name, callback in HANDLERS.items():
        if name not in present:
            application.add_handler(CommandHandler(name, callback))
