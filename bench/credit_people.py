"""How the simulated people answer what the bot says to them: one table of reactions.

Everything the bot sends a simulated person becomes a `Seen` (bench/credit_drive.py): a message in
their private chat, new or edited to show other buttons (a question that asks a follow-up in
place), and the group's messages in answer to their own command or press (with its buttons, so an
offer in the group can be pressed). Each gets a key (`key_of`):

- ``notice:<kind>`` for a notice the bot keeps in its outbox (the kind of its row: ``clock_off``,
  ``long_hold``, ``late_start``, ``auto_closed`` …);
- ``button:<prefix>`` for any other message whose first button's callback_data starts with a
  prefix listed in `BUTTON_PREFIXES`;
- ``text:<msgid>`` for a message that reads as the catalogue entry `msgid` (in the team's language),
  for the msgids listed in `TEXT_KEYS` (a refusal, an offer).

`REACTIONS` maps a key to a function ``(seen, situation, rng) -> list[Act]``: what the person does
about it, and when. A key with no entry is read and ignored. The answers are human: at the rates in
`ANSWER_RATES` they answer with the truth (bench/credit_world.py knows when they really left),
late, wrongly, or never; they read a message sent at night in the morning.

To wire a new prompt of the bot:
1. if it is not an outbox notice, add its callback_data prefix to `BUTTON_PREFIXES` or its msgid
   to `TEXT_KEYS`;
2. write a function ``(seen, situation, rng) -> list[Act]`` that returns what the person does: a
   button press (``Act(at, agent, PRESS, message=seen.message, data=...)``), a typed text
   (``Act(at, agent, SAY, text="/left 23:05", chat_id=seen.chat_id)``), a take-over
   (``Act(at, agent, TAKE, account)``); ``_press(seen, prefix)`` finds a button's data;
3. add ``"<key>": your_function`` to `REACTIONS` and its rates to `ANSWER_RATES`.
The driver (bench/credit_drive.py) delivers what was returned at its time, through the real bot.
The supervisor (tests.factories.SUPERVISOR_ID) is one of the people: a notice to supervisors reaches
the table as well, and a reaction may return the supervisor's acts (a `/fix_hold …` as SAY).
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Protocol

from bench.credit_plan import PRESS, SAY, TAKE, Act
from bench.credit_world import ZONE, World, at_local
from bot.console import callbacks as ccb
from bot.covers import callbacks as cvcb
from bot.presence import callbacks as pcb
from bot.reminders import callbacks as rcb
from bot.text.i18n import MESSAGES

# The rates of people's answers, stated in the benchmark's output.
ANSWER_RATES = {
    "clock_off": {"true_time": 0.6, "late": 0.2, "never": 0.2},  # "when did you leave?"
    # ... asked while still at that keyboard (a kept cover that really is one): "still on", mostly.
    "clock_off_there": {"still_on": 0.9, "never": 0.1},
    "long_hold_gone": {"hand_off_now": 0.5, "still_on": 0.1, "never": 0.4},  # "still on?" to someone gone home
    "long_hold_there": {"still_on": 0.9, "never": 0.1},  # "still on?" to someone at the keyboard
    # "Hand off now" turned the message into "when did you leave?": the person is looking at it, having
    # just pressed, so nearly all answer at once; a few put the phone down before picking a time.
    "hand_off_now_asks": {"true_time": 0.85, "never": 0.15},
    "late_start_there": {"take_over": 0.7, "never": 0.3},  # the late-start nudge to someone seated, unpressed
    "case_refused": {"take_over": 0.2, "never": 0.8},  # "only the holder …" after /case at the keyboard, no offer
    # The take-over a refused /case offers: one tap on the answer to what they just typed, unlike the
    # bare refusal above (go to the console, find the button). Some still ignore it: busy with the
    # customer, or they assume the colleague will sort it out.
    "backdate_offer": {"accept": 0.75, "never": 0.25},
    # The hand-back nudge, a private message read between customers. The rostered agent back at the
    # keyboard has every reason to tap "take back" (it is their credit); the colleague still holding
    # the cover is busy on their own account and gains nothing by tapping, so answers less often.
    # Whoever is told the opposite of where they sit (the holder still covering, the rostered agent
    # not back) leaves it.
    "hand_back_holder": {"hand_back": 0.6, "never": 0.4},
    "take_back_rostered": {"take_back": 0.7, "never": 0.3},
    # A colleague's /covered claim in the group, put to the holder who was on the break: they know it
    # is true, and one tap settles it; some never get round to it.
    "cover_claim": {"confirm": 0.8, "never": 0.2},
}
# callback_data prefixes of buttons on messages that are not outbox notices: the take-over a refused
# /case offers, and a cover claim's question in the group
BUTTON_PREFIXES: tuple[str, ...] = (f"{ccb.BACKDATE_PREFIX}:", f"{cvcb.PREFIX}:")
TEXT_KEYS = ("error.holder_only",)  # catalogue msgids people react to when the bot says them
BUTTON_EXACT_MINUTES = 10  # a clock-off button this close to the truth is pressed; else the time is typed
MORNING = (time(8, 0), time(9, 30))  # a message sent at night is read in this window


@dataclass(frozen=True)
class Seen:
    """A message of the bot's that reached simulated person `agent` at `at`."""

    agent: int
    chat_id: int
    at: datetime
    text: str
    message: dict | None = None
    buttons: tuple[tuple[str, str], ...] = ()  # (label, callback_data)
    kind: str | None = None  # its outbox row's kind, for a notice
    notice_key: str | None = None
    account: str | None = None  # a notice about a hold: the hold's account; a late start: the shift's


class Situation(Protocol):
    """What a simulated person knows when they react: the truth of their own day, and the console."""

    world: World

    def holding(self, agent: int) -> set[str]: ...

    def holder_of_hold(self, hold_id: int) -> int: ...


Reaction = Callable[[Seen, Situation, random.Random], list[Act]]


@dataclass
class Tally:
    """What the people saw and did about it: counts by key and by answer."""

    seen: dict[str, int] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)

    def note(self, table: dict[str, int], key: str) -> None:
        table[key] = table.get(key, 0) + 1


def key_of(seen: Seen) -> str | None:
    if seen.kind is not None:
        return f"notice:{seen.kind}"
    if seen.buttons:
        data = seen.buttons[0][1]
        for prefix in BUTTON_PREFIXES:
            if data.startswith(prefix):
                return f"button:{prefix}"
    for msgid, pattern in _TEXT_PATTERNS.items():
        if pattern.search(seen.text):
            return f"text:{msgid}"
    return None


class Streams:
    """One random stream per kind of prompt. A prompt added, or seen more or less often, leaves the
    draws of every other kind as they were, so two versions of the product are compared on the
    same answers to the same questions (common random numbers), not on reshuffled ones."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._by_key: dict[str, random.Random] = {}

    def __call__(self, key: str) -> random.Random:
        return self._by_key.setdefault(key, random.Random(f"{self.seed}:{key}"))


def react(seen: Seen, situation: Situation, streams: Streams, tally: Tally) -> list[Act]:
    key = key_of(seen)
    if key is None:
        return []
    tally.note(tally.seen, key)
    reaction = REACTIONS.get(key)
    return reaction(seen, situation, streams(key)) if reaction else []


# -- the reactions ------------------------------------------------------------------------------------


def answer_clock_off(seen: Seen, situation: Situation, rng: random.Random) -> list[Act]:
    """The clock-off question: the true time, by its button when one is near enough, else /left HH:MM;
    "still on" from someone who has not left (asked about a cover they really are keeping)."""
    if seen.account is not None and situation.world.at_keyboard(seen.account, seen.at) == seen.agent:
        data = _press(seen, f"{rcb.PREFIX}:{rcb.STILL_ON}:")
        if data is None or _choose(rng, "clock_off_there") == "never":
            return []
        return [Act(seen.at + timedelta(minutes=rng.uniform(1, 10)), seen.agent, PRESS, message=seen.message, data=data, via="clock_off")]
    choice = _choose(rng, "clock_off")
    left = _left_at(situation.world, seen.agent, seen.account, seen.at) if seen.account else None
    if choice == "never" or left is None:
        return []
    at = _read_at(seen.at, rng) + (timedelta(hours=rng.uniform(3, 10)) if choice == "late" else timedelta(0))
    return _tell_left(seen, left, at, via="clock_off")


def _tell_left(seen: Seen, left: datetime, at: datetime, via: str) -> list[Act]:
    """Say they left at `left`: the question's button showing a time near enough, else /left HH:MM <account>."""
    offered = [(rcb.decode(data), data) for _, data in seen.buttons if data.startswith(f"{rcb.PREFIX}:{rcb.LEFT_AT}:")]
    near = [(abs(p.at - left), data) for p, data in offered if p is not None and p.at is not None]
    if near and min(near)[0] <= timedelta(minutes=BUTTON_EXACT_MINUTES):
        return [Act(at, seen.agent, PRESS, message=seen.message, data=min(near)[1], via=via)]
    wall = left.astimezone(ZONE)
    return [Act(at, seen.agent, SAY, text=f"/left {wall:%H:%M} {seen.account}", chat_id=seen.chat_id, via=via)]


def answer_long_hold(seen: Seen, situation: Situation, rng: random.Random) -> list[Act]:
    """The long-hold question: "still on" from the keyboard; from home, read in the morning, often "hand off now"
    (which turns it into "when did you leave?", answered there and then)."""
    if _press(seen, f"{rcb.PREFIX}:{rcb.LEFT_AT}:") is not None:
        return answer_hand_off_now(seen, situation, rng)
    there = seen.account is not None and situation.world.at_keyboard(seen.account, seen.at) == seen.agent
    choice = _choose(rng, "long_hold_there" if there else "long_hold_gone")
    if choice == "never":
        return []
    at = seen.at + timedelta(minutes=rng.uniform(1, 10)) if there else _read_at(seen.at, rng)
    action = rcb.STILL_ON if choice == "still_on" else rcb.HAND_OFF_NOW
    data = _press(seen, f"{rcb.PREFIX}:{action}:")
    return [Act(at, seen.agent, PRESS, message=seen.message, data=data, via="long_hold")] if data else []


def answer_hand_off_now(seen: Seen, situation: Situation, rng: random.Random) -> list[Act]:
    """ "Hand off now" asked when they left: the true time, a minute or two after the press."""
    left = _left_at(situation.world, seen.agent, seen.account, seen.at) if seen.account else None
    if left is None or _choose(rng, "hand_off_now_asks") == "never":
        return []
    return _tell_left(seen, left, seen.at + timedelta(minutes=rng.uniform(0.5, 3)), via="hand_off_now")


def answer_late_start(seen: Seen, situation: Situation, rng: random.Random) -> list[Act]:
    """The late-start nudge: someone seated who forgot to press takes over (from the moment offered
    nearest to when they sat down, when a colleague still holds it); anyone else waits to arrive."""
    if seen.account is None or situation.world.at_keyboard(seen.account, seen.at) != seen.agent:
        return []
    if _choose(rng, "late_start_there") == "never":
        return []
    at = seen.at + timedelta(minutes=rng.uniform(1, 5))
    offered = [(p.at, data) for _, data in seen.buttons if (p := rcb.decode(data)) is not None and p.action == rcb.TAKE_FROM and p.at]
    sat_down = situation.world.seated_since(seen.account, seen.at)
    if offered and sat_down is not None and seen.message is not None:
        data = min(offered, key=lambda offer: abs(offer[0] - sat_down))[1]
        return [Act(at, seen.agent, PRESS, message=seen.message, data=data, via="late_start")]
    return [Act(at, seen.agent, TAKE, seen.account, via="late_start")]


def answer_case_refused(seen: Seen, situation: Situation, rng: random.Random) -> list[Act]:
    """Refused a case at the keyboard because a colleague holds the account: now and then, take it."""
    if seen.account is None or situation.world.at_keyboard(seen.account, seen.at) != seen.agent:
        return []
    if _choose(rng, "case_refused") == "never":
        return []
    return [Act(seen.at + timedelta(seconds=rng.uniform(10, 90)), seen.agent, TAKE, seen.account, via="case_refused")]


def accept_backdate_offer(seen: Seen, situation: Situation, rng: random.Random) -> list[Act]:
    """The take-over a refused /case offers, in answer to it: one tap, seconds later, by its addressee at
    the keyboard, on the moment offered nearest to when they really sat down."""
    offers = [(o, d) for _, d in seen.buttons if d.startswith(f"{ccb.BACKDATE_PREFIX}:") and (o := ccb.decode_backdate(d)) is not None]
    if not offers or seen.message is None:
        return []
    account = offers[0][0].account
    sat_down = situation.world.seated_since(account, seen.at)
    if situation.world.at_keyboard(account, seen.at) != seen.agent or sat_down is None or _choose(rng, "backdate_offer") == "never":
        return []
    data = min(offers, key=lambda offer: abs(offer[0].at - sat_down))[1]
    return [Act(seen.at + timedelta(seconds=rng.uniform(5, 60)), seen.agent, PRESS, message=seen.message, data=data, via="backdate_offer")]


def answer_hand_back(seen: Seen, situation: Situation, rng: random.Random) -> list[Act]:
    """The hand-back nudge: the cover's holder hands back when they no longer sit at it; the rostered
    agent takes back when they do. Read between customers, within a quarter of an hour."""
    if seen.account is None:
        return []
    seated = situation.world.at_keyboard(seen.account, seen.at)
    if (data := _press(seen, f"{pcb.PREFIX}:{pcb.HAND_BACK}:")) is not None:
        choice = _choose(rng, "hand_back_holder") if seated != seen.agent else "never"
    elif (data := _press(seen, f"{pcb.PREFIX}:{pcb.TAKE_BACK}:")) is not None:
        choice = _choose(rng, "take_back_rostered") if seated == seen.agent else "never"
    else:
        return []
    if choice == "never":
        return []
    return [Act(seen.at + timedelta(minutes=rng.uniform(1, 15)), seen.agent, PRESS, message=seen.message, data=data, via="hand_back")]


def confirm_claim(seen: Seen, situation: Situation, rng: random.Random) -> list[Act]:
    """A colleague's cover claim in the group: the holder it names confirms it, read between customers."""
    data = _press(seen, f"{cvcb.PREFIX}:{cvcb.CONFIRM}:")
    pressed = cvcb.decode(data) if data else None
    if pressed is None or seen.message is None or _choose(rng, "cover_claim") == "never":
        return []
    holder = situation.holder_of_hold(pressed.hold_id)
    return [Act(_read_at(seen.at, rng), holder, PRESS, message=seen.message, data=data, via="cover_claim")]


REACTIONS: dict[str, Reaction] = {
    "notice:clock_off": answer_clock_off,
    "notice:long_hold": answer_long_hold,
    "notice:late_start": answer_late_start,
    "notice:hand_back": answer_hand_back,
    f"button:{ccb.BACKDATE_PREFIX}:": accept_backdate_offer,
    f"button:{cvcb.PREFIX}:": confirm_claim,
    "text:error.holder_only": answer_case_refused,
}


# -- helpers ------------------------------------------------------------------------------------------


def _choose(rng: random.Random, table: str) -> str:
    rates = ANSWER_RATES[table]
    return rng.choices(list(rates), list(rates.values()))[0]


def _press(seen: Seen, prefix: str) -> str | None:
    """The callback_data of the message's first button whose data starts with `prefix`."""
    return next((data for _, data in seen.buttons if data.startswith(prefix)), None)


def _read_at(sent: datetime, rng: random.Random) -> datetime:
    """When a message sent at `sent` is read: soon by day; at night, the next morning."""
    local = sent.astimezone(ZONE)
    if time(8, 0) <= local.time() < time(22, 0):
        return sent + timedelta(minutes=rng.uniform(1, 45))
    day = local.date() if local.time() < time(8, 0) else local.date() + timedelta(days=1)
    first, last = (at_local(day, t) for t in MORNING)
    return first + (last - first) * rng.random()


def _left_at(world: World, agent: int, account: str, before: datetime) -> datetime | None:
    """When `agent` last got up from `account`'s keyboard before `before`: the true answer."""
    ends = [s.end for s in world.stints[account] if s.agent == agent and s.end <= before]
    return max(ends) if ends else None


def _pattern(msgid: str, lang: str = "zh") -> re.Pattern[str]:
    """A catalogue text as it is shown (tags dropped, entities read), its {placeholders} matching anything."""
    shown = html.unescape(re.sub(r"<[^>]+>", "", MESSAGES[msgid][lang]))
    pieces = re.split(r"\{[^}]*\}", shown)
    return re.compile(".*?".join(re.escape(p) for p in pieces), re.DOTALL)


_TEXT_PATTERNS = {msgid: _pattern(msgid) for msgid in TEXT_KEYS}
_REFUSALS = [_pattern(msgid) for msgid in MESSAGES if msgid.startswith("error.")]


def is_refusal(text: str) -> bool:
    """Whether the bot's answer (a reply or a toast) reads as one of the catalogue's refusals."""
    return any(p.fullmatch(text) for p in _REFUSALS)
