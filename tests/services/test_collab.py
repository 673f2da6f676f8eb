"""The collaboration use cases in the domain's words: peer thanks, handover notes, joining at peak load."""

from __future__ import annotations

import pytest

from bot.collab.service import add_note, give_thanks, join_account
from bot.console.service import hand_off_account, take_over_account
from bot.core.errors import Refused
from bot.core.person import Person
from tests.factories import act, local, team_config

ZHANG = Person(103, "张伟", "zhangwei")


@pytest.fixture
def config(database_url):
    return team_config(database_url, collaboration={"thanks": {"reciprocal_threshold": 2}})


def introduce(baton, *people):
    """Each person writes once, so the bot knows their names before anyone thanks them by name."""
    for person in people:
        act(baton, person, lambda uow: None)


def thanks_stored(baton):
    with baton.reading() as uow:
        names = uow.agents.names()
        history = uow.thanks.history(local("2026-11-01", "00:00"), local("2026-12-01", "00:00"), uow.tz)
    return [(names[g], names[r]) for g, r in zip(history["giver"], history["receiver"], strict=True)]


def test_a_colleague_is_thanked_by_name_or_by_reply_and_the_reason_is_kept(baton, clock, wang, li):
    introduce(baton, li)
    by_name = act(baton, wang, give_thanks, None, ["李雷：耐心处理了退款"])
    by_reply = act(baton, li, give_thanks, wang, ["帮我顶班"])
    assert (by_name.giver, by_name.receiver, by_name.reason) == ("王芳", "李雷", "耐心处理了退款")
    assert (by_reply.receiver, by_reply.reason, by_reply.flag) == ("王芳", "帮我顶班", None)
    assert thanks_stored(baton) == [("王芳", "李雷"), ("李雷", "王芳")]


def test_thanking_yourself_a_stranger_or_past_the_daily_allowance_is_refused_and_stores_nothing_more(baton, clock, wang, li, boss):
    introduce(baton, li, boss, ZHANG)
    refusals = []
    for words in (["王芳", "辛苦了"], ["@nobody"]):
        with pytest.raises(Refused) as refused:
            act(baton, wang, give_thanks, None, words)
        refusals.append(refused.value.code)
    for name in ("李雷", "Boss", "张伟"):
        act(baton, wang, give_thanks, None, [name])
    with pytest.raises(Refused) as allowance:
        act(baton, wang, give_thanks, None, ["李雷", "又帮了我"])
    assert [*refusals, allowance.value.code] == ["thanks_self", "thanks_unknown", "thanks_daily_allowance"]
    assert len(thanks_stored(baton)) == 3
    clock.set(local("2026-11-03", "09:00"))
    assert act(baton, wang, give_thanks, None, ["李雷"]).receiver == "李雷"


def test_a_pair_thanking_each_other_often_is_flagged_once_and_never_blocked(baton, clock, wang, li):
    introduce(baton, li)
    act(baton, wang, give_thanks, None, ["李雷"])
    act(baton, wang, give_thanks, None, ["李雷"])
    assert act(baton, li, give_thanks, None, ["王芳"]).flag is None
    crossing = act(baton, li, give_thanks, None, ["王芳"]).flag
    assert (crossing.month, crossing.first, crossing.second, crossing.first_to_second, crossing.second_to_first) == (
        "2026-11",
        "李雷",
        "王芳",
        2,
        2,
    )
    assert act(baton, wang, give_thanks, None, ["李雷"]).flag is None
    assert [e.action for e in baton.read(lambda uow: uow.audit.all())].count("thanks_flagged") == 1


def test_a_note_goes_to_the_senders_own_hand_off_of_the_last_half_hour(baton, clock, wang, li):
    clock.set(local("2026-11-02", "09:00"))
    act(baton, wang, take_over_account, "jd")
    act(baton, wang, take_over_account, "vip")
    clock.set(local("2026-11-02", "12:00"))
    act(baton, wang, hand_off_account)
    clock.set(local("2026-11-02", "12:20"))
    noted = act(baton, wang, add_note, "  退款都处理完了  ")
    assert (noted.agent, noted.accounts, noted.note) == ("王芳", ("jd", "vip"), "退款都处理完了")
    with pytest.raises(Refused) as nothing:
        act(baton, li, add_note, "我没有交出过账号")
    assert nothing.value.code == "note_nothing_to_note"
    clock.set(local("2026-11-02", "12:31"))
    with pytest.raises(Refused) as late:
        act(baton, wang, add_note, "太晚了")
    assert late.value.code == "note_nothing_to_note"
    assert baton.read(lambda uow: uow.holds.notes_of(uow.agents.by_tg_id(wang.tg_user_id).id)) == [
        (local("2026-11-02", "12:00"), ("jd", "vip"), "退款都处理完了"),
    ]


def test_joining_a_held_account_helps_its_holder_and_a_free_one_cannot_be_joined(baton, clock, wang, li):
    act(baton, wang, take_over_account, "jd")
    joined = act(baton, li, join_account, "jd")
    assert (joined.agent, joined.account, joined.holder) == ("李雷", "jd", "王芳")
    with pytest.raises(Refused) as free:
        act(baton, li, join_account, "vip")
    assert free.value.code == "nobody_holds"
    roles = baton.read(lambda uow: sorted((uow.agents.names()[h.agent_id], h.role) for h in uow.holds.open()))
    assert roles == [("李雷", "helper"), ("王芳", "holder")]
