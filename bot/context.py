"""What handlers and jobs share, kept in bot_data under one key."""
from __future__ import annotations

from dataclasses import dataclass

from telegram import User
from telegram.ext import ContextTypes

from bot.render import Renderer
from bot.services import Baton, Person

KEY = "baton"


@dataclass(frozen=True)
class Deps:
    baton: Baton
    render: Renderer


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    return context.application.bot_data[KEY]


def person(user: User) -> Person:
    return Person(tg_user_id=user.id, name=user.full_name or user.username or str(user.id), username=user.username)
