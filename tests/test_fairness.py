"""The allowances, the group's share per person and who counts as in the group, on their own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import ChatMember, ChatMemberBanned, ChatMemberLeft, ChatMemberMember, ChatMemberRestricted, User

from bot.core.config import ConfigError
from bot.telegram.fairness import Allowance, Verdict
from bot.telegram.membership import in_group
from bot.telegram.pacing import Limits, Pacer
from tests.factories import team_config

GROUP = -1001234567890


class Ticks:
    def __init__(self) -> None:
        self.at = 0.0

    def __call__(self) -> float:
        return self.at


def test_a_burst_then_one_notice_then_silence_until_a_token_is_back():
    now = Ticks()
    allowance = Allowance(20, 5, now)
    assert [allowance.admit(1) for _ in range(5)] == [Verdict.GO] * 5
    assert [allowance.admit(1) for _ in range(3)] == [Verdict.NOTICE, Verdict.QUIET, Verdict.QUIET]
    assert allowance.admit(2) is Verdict.GO, "everyone has their own"
    assert allowance.seconds_to_next(1) == 3
    now.at = 3.0
    assert allowance.admit(1) is Verdict.GO, "a token is back"
    assert allowance.admit(1) is Verdict.QUIET, "still the same flood: not told again"
    now.at = 3.0 + 15.0
    assert [allowance.admit(1) for _ in range(6)] == [Verdict.GO] * 5 + [Verdict.NOTICE], "a pause that filled the bucket: a new flood"
    assert all(Allowance(0, 5, now).admit(1) is Verdict.GO for _ in range(100)), "0: no limit"


def test_one_persons_answers_get_a_quarter_of_the_groups_minute_and_the_rest_is_left_to_others():
    now = Ticks()
    pacer = Pacer(Limits(), now)
    assert pacer.share_ready_in(GROUP, 7) == 0
    pacer.spend(GROUP, 7)
    pacer.spend(GROUP, 7)
    assert pacer.share_ready_in(GROUP, 7) == pytest.approx(12.0), "5 a minute after a burst of 2"
    assert pacer.share_ready_in(GROUP, 8) == 0 and pacer.ready_in(GROUP) == 0, "the group's budget is still there"
    assert pacer.share_ready_in(GROUP, None) == 0, "a job's post has no share to wait for"
    assert Pacer(Limits(group_per_minute=0), now).share_ready_in(GROUP, 7) == 0, "not paced: no share either"


def test_left_kicked_and_restricted_out_of_the_group_are_not_members():
    user = User(5, "x", False)
    restricted = {
        name: True
        for name in [
            "can_change_info",
            "can_invite_users",
            "can_pin_messages",
            "can_send_messages",
            "can_send_polls",
            "can_send_other_messages",
            "can_add_web_page_previews",
            "can_manage_topics",
            "can_send_audios",
            "can_send_documents",
            "can_send_photos",
            "can_send_videos",
            "can_send_video_notes",
            "can_send_voice_notes",
            "can_edit_tag",
            "can_react_to_messages",
        ]
    }
    until = datetime(2030, 1, 1, tzinfo=UTC)
    assert in_group(ChatMemberMember(user))
    assert in_group(ChatMemberRestricted(user, is_member=True, until_date=until, **restricted))
    for out in (
        ChatMemberLeft(user),
        ChatMemberBanned(user, until),
        ChatMemberRestricted(user, is_member=False, until_date=until, **restricted),
    ):
        assert not in_group(out), out.status
    assert ChatMember.BANNED == "kicked"


def test_the_fairness_settings_are_whole_numbers_and_zero_turns_one_off():
    assert team_config(fairness={"commands_per_minute": 20}).fairness.commands_per_minute == 20
    assert team_config(fairness={"press_burst": 0}).fairness.press_burst == 0
    for bad in (-1, 1.5, True, "20"):
        with pytest.raises(ConfigError, match=r"fairness\.commands_per_minute"):
            team_config(fairness={"commands_per_minute": bad})
