"""What handlers and jobs share, kept in bot_data under one key, and the language each answer is in.

The group hears the team's language. A private chat hears the person's own Telegram language
when Baton speaks it, else the team's. A handler's context knows which applies to its update, so
`deps(context).render` answers in the right one; a message sent elsewhere (to the group from a
private chat, to a supervisor, from a job) picks its renderer with `team`, `for_user`,
`for_agent` or `speaking_to`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from telegram import Update, User
from telegram.constants import ChatType
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.i18n import LANGUAGES, supported
from bot.render import Renderer
from bot.services import Baton, Person
from storage import repositories as repo
from storage.db import reading
from storage.models import Agent

KEY = "baton"


@dataclass(frozen=True)
class Deps:
    baton: Baton
    render: Renderer  # in the language of the chat the current update came from
    renderers: Mapping[str, Renderer]

    @classmethod
    def build(cls, baton: Baton) -> Deps:
        renderers = {lang: Renderer(baton.config, lang) for lang in LANGUAGES}
        return cls(baton, renderers[baton.config.team.language], renderers)

    @property
    def team(self) -> Renderer:
        """The group's language."""
        return self.renderers[self.baton.config.team.language]

    def speaking(self, lang: str) -> Deps:
        return self if lang == self.render.lang else replace(self, render=self.renderers[lang])

    def in_language(self, language_code: str | None) -> Renderer:
        return self.renderers[supported(language_code) or self.baton.config.team.language]

    def for_user(self, user: User | None) -> Renderer:
        """For a private message to the person behind the current update."""
        return self.in_language(user.language_code if user else None)

    def speaking_to(self, agent: Agent | None) -> Renderer:
        """For a private message to an agent: in the language Telegram last reported for them."""
        return self.in_language(agent.language_code if agent else None)

    def for_agent(self, tg_user_id: int) -> Renderer:
        with reading(self.baton.engine) as session:
            return self.speaking_to(repo.agent_by_tg_id(session, tg_user_id))

    def answering(self, update: object) -> Renderer:
        """The group hears the team's language; a private chat its person's, when Baton speaks it."""
        chat = update.effective_chat if isinstance(update, Update) else None
        return self.for_user(update.effective_user) if chat is not None and chat.type == ChatType.PRIVATE else self.team


class BatonContext(CallbackContext[ExtBot, dict, dict, dict]):
    """A handler's context, which also knows which language its update is answered in."""

    language: str | None = None

    @classmethod
    def from_update(cls, update: object, application) -> BatonContext:
        context = super().from_update(update, application)
        found: Deps | None = application.bot_data.get(KEY)
        if found is not None:
            context.language = found.answering(update).lang
        return context


CONTEXT_TYPES = ContextTypes(context=BatonContext)


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    found: Deps = context.application.bot_data[KEY]
    language = getattr(context, "language", None)
    return found if language is None else found.speaking(language)


def person(user: User) -> Person:
    return Person(tg_user_id=user.id, name=user.full_name or user.username or str(user.id), username=user.username, language_code=user.language_code)
