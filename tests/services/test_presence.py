"""Presence in the domain's words, against a real database: what the compile pays for a forgotten
hand-off and a night cover, and the limits of a backdated take-over."""

from __future__ import annotations

from datetime import date

import pytest

from bot.console.backdate import TakeOverOffer, case_or_offer, take_over_from
from bot.console.service import hand_off_account, take_over_account
from bot.core.errors import Refused
from bot.ledger.service import compile_days, idle_hours
from domain.collaboration import COVER
from domain.ledger import HOURS
from tests.factories import act, local, team_config

DAY = date(2026, 11, 2)  # a Monday
SEED = [
    {"agent": 101, "name": "王芳", "account": "jd", "weekdays": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"},
    {"agent": 102, "name": "李雷", "account": "vip", "weekdays": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"},
]


@pytest.fixture
def config(database_url):
    # jd is scored 09:00-23:00, and vip (no window configured) around the clock: set one for it.
    return team_config(database_url, roster=SEED, checks={"scoring_hours": {"vip": "09:00-23:00"}})


def ledger(baton, kind):
    baton.run(compile_days, [DAY])
    with baton.reading() as uow:
        names = uow.agents.names()
        return {names[e.agent_id]: e.quantity for e in uow.ledger.between(DAY, DAY) if e.kind == kind}


def test_a_forgotten_hand_off_is_paid_to_the_shift_end_plus_grace_and_listed_as_idle(baton, clock, wang):
    clock.set(local("2026-11-02", "09:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "23:00"))
    assert ledger(baton, HOURS) == {"王芳": 9.5 * 3600}
    (idle,) = baton.read(idle_hours, DAY, DAY)
    assert (idle.spans, idle.last_activity) == (
        ((local("2026-11-02", "18:30"), local("2026-11-02", "23:00")),),
        local("2026-11-02", "09:00"),
    )


def test_cover_is_counted_inside_scoring_hours_only(baton, clock, wang, li):
    """王芳 covers vip for 李雷 from 21:00 to 01:00 and hands off: only 21:00-23:00 is cover."""
    act(baton, li, lambda uow: None)
    clock.set(local("2026-11-02", "21:00"))
    act(baton, wang, take_over_account, "vip")
    clock.set(local("2026-11-03", "01:00"))
    act(baton, wang, hand_off_account, "vip")
    assert ledger(baton, COVER) == {"王芳": 120.0}


def test_a_backdated_take_over_stays_within_its_limits(baton, clock, wang, li):
    clock.set(local("2026-11-02", "08:00"))
    act(baton, wang, take_over_account, "vip")
    clock.set(local("2026-11-02", "09:05"))
    act(baton, wang, case_or_offer, "vip", "consult")  # her last case on it: 09:05
    clock.set(local("2026-11-02", "09:30"))
    offer = act(baton, li, case_or_offer, "vip", "presale")
    assert isinstance(offer, TakeOverOffer) and offer.at == local("2026-11-02", "09:05"), "not before her last case"
    for at, code in (
        (local("2026-11-02", "09:00"), "backdate_before_holder"),
        (local("2026-11-02", "09:31"), "backdate_future"),
    ):
        with pytest.raises(Refused) as refused:
            act(baton, li, take_over_from, offer.agent_id, "vip", offer.seen_hold, at, None)
        assert refused.value.code == code
    with pytest.raises(Refused) as refused:
        act(baton, wang, take_over_from, offer.agent_id, "vip", offer.seen_hold, offer.at, None)
    assert refused.value.code == "offer_not_yours"
    done = act(baton, li, take_over_from, offer.agent_id, "vip", offer.seen_hold, offer.at, "presale")
    assert (done.previous, done.at, done.case_type) == ("王芳", local("2026-11-02", "09:05"), "presale")


def test_a_hand_off_on_another_account_is_a_sign_of_activity(baton, clock, wang):
    clock.set(local("2026-11-02", "09:00"))
    act(baton, wang, take_over_account, "jd")
    act(baton, wang, take_over_account, "vip")
    clock.set(local("2026-11-02", "20:00"))
    act(baton, wang, hand_off_account, "vip")  # she was there at 20:00, and forgot jd
    clock.set(local("2026-11-02", "23:00"))
    (idle,) = baton.read(idle_hours, DAY, DAY)
    assert (idle.hold.account, idle.spans) == ("jd", ((local("2026-11-02", "20:00"), local("2026-11-02", "23:00")),))
