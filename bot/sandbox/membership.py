"""getChatMember and getChatAdministrators: who is in a group, as tests placed them.

A user no test placed counts as a member (BotApiSandbox.set_member): the people a test plays
are the team unless it says otherwise.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox.state import SandboxState, bad_request

Params = dict[str, Any]


_ADMIN_RIGHTS = dict.fromkeys(
    (
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_pin_messages",
    ),
    True,
)


def chat_member(state: SandboxState, chat_id: int, user_id: int) -> dict:
    user = state.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": str(user_id)}
    status = state.status_of(chat_id, user_id)
    member = {"status": status, "user": copy.deepcopy(user)}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False, can_promote_members=False, **_ADMIN_RIGHTS)
    elif status == "kicked":
        member["until_date"] = 0
    return member


def get_chat_member(state: SandboxState, p: Params) -> dict:
    chat = state.chat(p.get("chat_id"))
    user_id = p.get("user_id")
    if not isinstance(user_id, int) or user_id <= 0:
        raise bad_request("PARTICIPANT_ID_INVALID")
    if chat["type"] == "private" and user_id not in (chat["id"], state.bot_user["id"]):
        raise bad_request("user not found")
    return chat_member(state, chat["id"], user_id)


def get_chat_administrators(state: SandboxState, p: Params) -> list[dict]:
    chat = state.chat(p.get("chat_id"))
    if chat["type"] == "private":
        raise bad_request("there are no administrators in the private chat")
    placed = sorted(
        uid for (cid, uid), status in state.member_status.items() if cid == chat["id"] and status in ("creator", "administrator")
    )
    return [chat_member(state, chat["id"], uid) for uid in placed]
