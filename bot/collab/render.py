"""Thanks, handover notes and joins as Telegram HTML, and the supervisors' word on a reciprocal pair."""

from __future__ import annotations

from html import escape

from bot.collab.service import Joined, NoteAdded, ReciprocalFlag, ThanksGiven
from bot.text.renderer import Renderer


def thanks_line(render: Renderer, given: ThanksGiven) -> str:
    names = {"giver": escape(given.giver), "receiver": escape(given.receiver)}
    if given.reason:
        return render.t("collab.thanked_for", reason=escape(given.reason), **names)
    return render.t("collab.thanked", **names)


def reciprocal_flag_text(render: Renderer, flag: ReciprocalFlag) -> str:
    return render.t(
        "collab.reciprocal_flag",
        month=flag.month,
        first=escape(flag.first),
        second=escape(flag.second),
        first_to_second=flag.first_to_second,
        second_to_first=flag.second_to_first,
        threshold=flag.threshold,
    )


def noted_text(render: Renderer, noted: NoteAdded) -> str:
    labels = render.listed(escape(render.label(a)) for a in noted.accounts)
    return render.t("collab.noted", name=escape(noted.agent), labels=labels, note=escape(noted.note))


def joined_text(render: Renderer, joined: Joined) -> str:
    return render.t("collab.joined", name=escape(joined.agent), label=escape(render.label(joined.account)), holder=escape(joined.holder))
