"""Talent profiles in the domain's words: the record behind a profile, who may see it, skills and /talent."""

from __future__ import annotations

import pytest

from bot.collab.service import add_note, give_thanks
from bot.console.service import hand_off_account, log_case, take_over_account
from bot.core.errors import Refused
from bot.profile.service import build_profile, declare_skills, find_talent, own_skills, tag_skills
from tests.factories import act, local


def at(clock, hhmm):
    clock.set(local("2026-11-02", hhmm))


def introduce(baton, *people):
    for person in people:
        act(baton, person, lambda uow: None)


def test_a_profile_shows_the_hours_cases_thanks_and_noted_hand_offs_with_today_compiled(baton, clock, wang, li):
    introduce(baton, li)
    at(clock, "09:00")
    act(baton, wang, take_over_account, "jd")
    at(clock, "10:00")
    act(baton, wang, log_case, None, "presale")
    at(clock, "11:00")
    act(baton, wang, hand_off_account)
    act(baton, wang, add_note, "退款都处理完了")
    at(clock, "11:10")
    act(baton, li, give_thanks, wang, ["帮我顶班"])
    at(clock, "12:00")
    mine = act(baton, wang, build_profile, None, supervisor=False)
    (jd,) = mine.accounts
    assert (jd.account, jd.platform, jd.hours, jd.cases) == ("jd", "jd", 2.0, 1)
    assert mine.platforms == (("jd", 2.0),)
    assert (mine.thanks_received, mine.thanks_given, [t.giver for t in mine.recent_thanks]) == (1, 0, ["李雷"])
    assert (mine.handovers_noted, [n.note for n in mine.recent_notes]) == (1, ["退款都处理完了"])
    # Compiled in the same command: 2 h × 2 + 1 case, plus a noted handover and a thanks at 0.5 each.
    november = mine.trend[-1]
    assert (len(mine.trend), november.month, november.points, november.collaboration) == (6, "2026-11", 6.0, 1.0)


def test_an_agent_sees_only_their_own_profile_and_a_supervisor_sees_anyones(baton, clock, wang, li, boss):
    introduce(baton, li)
    for handle in ("@lilei", "@nobody"):
        with pytest.raises(Refused) as refused:
            act(baton, wang, build_profile, handle, supervisor=False)
        assert refused.value.code == "profile_not_yours"
    assert act(baton, wang, build_profile, "王芳", supervisor=False).name == "王芳"
    assert act(baton, boss, build_profile, "@lilei", supervisor=True).username == "lilei"
    with pytest.raises(Refused) as unknown:
        act(baton, boss, build_profile, "@nobody", supervisor=True)
    assert (unknown.value.code, unknown.value.params["handle"]) == ("unknown_agent", "@nobody")


def test_a_supervisor_tags_and_untags_skills_and_every_change_is_audited(baton, clock, li, boss):
    introduce(baton, li)
    first = act(baton, boss, tag_skills, ["@lilei", "售后", "京东"])
    second = act(baton, boss, tag_skills, ["李雷", "京东", "客诉"])
    assert (first.changed, second.changed, second.unchanged) == (("售后", "京东"), ("客诉",), ("京东",))
    assert act(baton, boss, tag_skills, ["@lilei", "售后"], remove=True).changed == ("售后",)
    with pytest.raises(Refused) as missing:
        act(baton, boss, tag_skills, ["@lilei", "售后"], remove=True)
    assert missing.value.code == "untag_missing"
    tags = baton.read(own_skills, li.tg_user_id)
    assert [(s.skill, s.source, s.tagged_by) for s in tags] == [("京东", "supervisor", "Boss"), ("客诉", "supervisor", "Boss")]
    audited = [(e.action, e.subject) for e in baton.read(lambda uow: uow.audit.all()) if e.action.startswith("skill_")]
    assert audited == [("skill_tag", "李雷"), ("skill_tag", "李雷"), ("skill_untag", "李雷")]


def test_an_agent_declares_skills_takes_one_back_and_a_bad_skill_changes_nothing(baton, clock, li):
    declared = act(baton, li, declare_skills, ["直播", "Excel"])
    assert declared.changed == ("直播", "excel")
    assert act(baton, li, declare_skills, ["-直播", "-插花"]).dropped == ("直播",)
    with pytest.raises(Refused) as bad:
        act(baton, li, declare_skills, ["剪辑\x07"])
    assert bad.value.code.startswith("skill_")
    assert [s.skill for s in baton.read(own_skills, li.tg_user_id)] == ["excel"]


def test_talent_puts_a_tagged_agent_before_one_with_more_hours_and_asks_for_one_skill(baton, clock, wang, li, boss):
    at(clock, "09:00")
    act(baton, wang, take_over_account, "jd")
    at(clock, "13:00")
    act(baton, li, take_over_account, "jd")
    act(baton, boss, tag_skills, ["@lilei", "京东"])
    at(clock, "14:00")
    found = act(baton, boss, find_talent, ["京东"])
    assert (found.skill, found.accounts) == ("京东", ("jd",))
    assert [(c.name, c.tag, c.account_hours) for c in found.candidates][:2] == [("李雷", "supervisor", 1.0), ("王芳", None, 4.0)]
    with pytest.raises(Refused) as two:
        act(baton, boss, find_talent, ["京东", "售后"])
    assert two.value.code == "talent_one_skill"
