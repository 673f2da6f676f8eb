"""A handler's context: the application's parts as typed properties, and the update's one unit of work.

The group hears the team's language. A private chat hears the person's own Telegram language
when Baton speaks it, else the team's: `context.render` answers in whichever applies to the
update. A message sent elsewhere (to the group from a private chat, to a supervisor, from a job)
picks its renderer with `team`, `for_user` or `for_agent`.

Use cases run off the event loop, in a worker thread, so a compile or a workbook never stalls
the bot: `await context.command(use_case, …)` runs one as this update's transaction, which
records the update id and registers its sender; `await context.query(query, …)` reads. Either
raises Duplicate for an update handled before, so a redelivery is never answered twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from telegram import InlineKeyboardMarkup, InputFile, Message, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.core.baton import Baton, UnitOfWork
from bot.core.errors import Duplicate
from bot.core.person import Person
from bot.telegram.courier import Courier, Post
from bot.telegram.fairness import Fairness
from bot.telegram.membership import Membership
from bot.telegram.processor import next_in_line
from bot.telegram.reach import PrivateReach
from bot.text.i18n import LANGUAGES, supported
from bot.text.renderer import Renderer
from storage.models import Agent

P = ParamSpec("P")
T = TypeVar("T")
KEY = "baton"
Departed = Callable[["BatonContext", int], Awaitable[None]]  # (context, the Telegram user id)
AfterImport = Callable[[Application], Awaitable[object]]


@dataclass(frozen=True)
class Parts:
    """What every handler and job shares, kept in bot_data under one key."""

    baton: Baton
    renderers: Mapping[str, Renderer]
    membership: Membership
    courier: Courier
    fairness: Fairness
    reach: PrivateReach
    # What follows Telegram saying someone is out of the group (bot/members): the gate refuses them.
    departed: Departed | None = None
    # What follows an import that changed some days (bot/digest): their posted digests are corrected.
    imported: AfterImport | None = None

    @classmethod
    def build(
        cls,
        baton: Baton,
        courier: Callable[[Renderer], Courier],
        departed: Departed | None = None,
        imported: AfterImport | None = None,
    ) -> Parts:
        renderers = {lang: Renderer(baton.config, lang) for lang in LANGUAGES}
        team = renderers[baton.config.team.language]
        membership = Membership(baton.config.team.chat_id, baton.clock)
        fairness, reach = Fairness(baton.config.fairness), PrivateReach(baton.clock)
        return cls(baton, renderers, membership, courier(team), fairness, reach, departed, imported)

    @property
    def team(self) -> Renderer:
        """The group's language."""
        return self.renderers[self.baton.config.team.language]

    def in_language(self, language_code: str | None) -> Renderer:
        return self.renderers[supported(language_code) or self.baton.config.team.language]

    def speaking_to(self, agent: Agent | None) -> Renderer:
        """For a private message to an agent: in the language Telegram last reported for them."""
        return self.in_language(agent.language_code if agent else None)

    def for_agent(self, tg_user_id: int) -> Renderer:
        return self.speaking_to(self.baton.read(lambda uow: uow.agents.by_tg_id(tg_user_id)))

    def answering(self, update: object) -> Renderer:
        """The group hears the team's language; a private chat its person's, when Baton speaks it."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and chat.type == ChatType.PRIVATE and update.effective_user is not None:
            return self.in_language(update.effective_user.language_code)
        return self.team


def parts_of(application: Application) -> Parts:
    return application.bot_data[KEY]


def person_of(user: User) -> Person:
    return Person(
        tg_user_id=user.id, name=user.full_name or user.username or str(user.id), username=user.username, language_code=user.language_code
    )


class BatonContext(CallbackContext[ExtBot, dict, dict, dict]):
    """One per update (PTB shares it across handler groups), or per job run."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application, chat_id, user_id)
        # Not `update`: CallbackContext.update(data) is PTB's own method, which filters' data goes through.
        self.current_update: Update | None = None
        # Whether this update has met processed_updates yet (checked or recorded), and been recorded.
        self.checked = False
        self.recorded = False
        self.posted = 0  # messages this update has queued for a group so far: each is queued once
        # Whether all that must follow the sender's earlier updates in order is this update's
        # transaction: then its sender's next update starts as soon as it commits.
        self.in_order_until_committed = False

    @classmethod
    def from_update(cls, update: object, application: Application) -> BatonContext:
        context = super().from_update(update, application)
        context.current_update = update if isinstance(update, Update) else None
        return context

    # -- the parts ----------------------------------------------------------------------------------

    @property
    def parts(self) -> Parts:
        return parts_of(self.application)

    @property
    def baton(self) -> Baton:
        return self.parts.baton

    @property
    def render(self) -> Renderer:
        """In the language of the chat the update came from (the team's for a job)."""
        return self.parts.answering(self.current_update)

    @property
    def team(self) -> Renderer:
        return self.parts.team

    def for_user(self, user: User | None) -> Renderer:
        """For a private message to the person behind the update."""
        return self.parts.in_language(user.language_code if user else None)

    async def for_agent(self, tg_user_id: int) -> Renderer:
        """For a private message to someone else: in the language Telegram last reported for them."""
        return await asyncio.to_thread(self.parts.for_agent, tg_user_id)

    @property
    def person(self) -> Person | None:
        """Who asked: nobody for a membership change, which whoever made it did not ask of Baton."""
        update = self.current_update
        if update is None or update.chat_member is not None or update.my_chat_member is not None:
            return None
        user = update.effective_user
        return person_of(user) if user is not None and not user.is_bot else None

    # -- the update's unit of work --------------------------------------------------------------------

    async def command(self, use_case: Callable[Concatenate[UnitOfWork, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`use_case(uow, …)` as this update's one transaction, in a worker thread. Refused and Duplicate pass through."""
        update_id = self.current_update.update_id if self.current_update is not None else None
        person = self.person

        def work() -> T:
            with self.baton.command(update_id, person) as uow:
                return use_case(uow, *args, **kwargs)

        self.checked = self.recorded = update_id is not None
        lane = self.baton.press_lane
        writer = lane.executor if self.in_order_until_committed else self._writer(person)
        with lane.entered(person.tg_user_id if person is not None and writer is lane.executor else None):
            running = asyncio.get_running_loop().run_in_executor(writer, work)
            if self.in_order_until_committed:
                # Handed to the lane, which runs commands in the order given: the sender's next
                # update, whose writes follow this one there, need not wait for its commit.
                next_in_line()
            return await running

    async def follow_up(self, use_case: Callable[Concatenate[UnitOfWork, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`use_case(uow, …)` in a transaction of its own after the update's, with no update behind it
        (work derived from what the command committed), queued in the writer thread like a command."""
        return await asyncio.get_running_loop().run_in_executor(
            self._writer(self.person), lambda: self.baton.run(use_case, *args, **kwargs)
        )

    async def query(self, query: Callable[Concatenate[UnitOfWork, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`query(uow, …)` read in a worker thread; Duplicate for an update handled before."""
        update_id = None if self.checked or self.current_update is None else self.current_update.update_id

        def read() -> T:
            with self.baton.reading() as uow:
                if update_id is not None and uow.updates.seen(update_id):
                    raise Duplicate(update_id)
                return query(uow, *args, **kwargs)

        result = await asyncio.to_thread(read)
        self.checked = True
        return result

    async def record(self) -> None:
        """Remember an update whose handlers wrote nothing, with its sender: once."""
        if self.recorded or self.current_update is None:
            return
        self.recorded = self.checked = True
        # A write like any command's, so queued in the writer thread: on SQLite, waiting for the lock
        # in a thread of its own, it could lose it again and again to the writer's next transaction.
        update_id, person = self.current_update.update_id, self.person
        await asyncio.get_running_loop().run_in_executor(self._writer(person), lambda: self.baton.record(update_id, person))

    def _writer(self, sender: Person | None) -> Executor:
        """The writers, or the press lane while a press of the sender's waits there: after it."""
        lane = self.baton.press_lane
        return lane.executor if sender is not None and lane.holds(sender.tg_user_id) else self.baton.writer

    # -- answering ------------------------------------------------------------------------------------

    # Writes into a group are queued for the courier (bot/telegram/courier.py), never awaited here:
    # once the group's budget is spent Telegram makes a writer wait, and nobody else should.
    # A private chat is answered at once.

    async def reply(
        self, text: str, keyboard: InlineKeyboardMarkup | None = None, *, then: tuple[str, int] | None = None
    ) -> Message | None:
        """Answer the update in its own chat; nothing for an update handled before.

        The message, when it was sent here and now; None when it was queued for a group. `then`
        names what to do once it is sent (the courier's after-sent hooks), wherever it goes.
        """
        if not self.checked:
            try:
                await self.query(lambda _uow: None)
            except Duplicate:
                return None
        message = self.current_update.effective_message
        if in_group(message.chat_id):
            await self.post(message.chat_id, Post(text, keyboard, then=then))
            return None
        sent = await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard, do_quote=False)
        if then is not None:
            await self.parts.courier.sent(then, sent.chat_id, sent.message_id)
        return sent

    async def send(self, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None) -> Message | None:
        """A message to `chat_id`: sent at once to a person, queued for a group."""
        if in_group(chat_id):
            await self.post(chat_id, Post(text, keyboard))
            return None
        refused = self.parts.reach.refusal(chat_id)
        if refused is not None:
            raise type(refused)(refused.message)  # as Telegram said a moment ago, without asking again
        try:
            return await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        except TelegramError as exc:
            self.parts.reach.failed(chat_id, exc)
            raise

    async def edit(self, message: Message, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
        """Change one of the bot's messages: at once in a private chat, queued in a group."""
        if in_group(message.chat_id):
            await self.post(message.chat_id, Post(text, keyboard, edit=message.message_id))
        else:
            await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)

    async def send_file(self, chat_id: int, data: bytes, filename: str, *, photo: bool = False) -> None:
        """A photo or a document: sent at once to a person, queued for a group."""
        if in_group(chat_id):
            await self.post(chat_id, Post(file=data, filename=filename, photo=photo))
        elif photo:
            await self.bot.send_photo(chat_id, InputFile(data, filename=filename))
        else:
            await self.bot.send_document(chat_id, InputFile(data, filename=filename))

    async def post(self, chat_id: int, post: Post, *, shared: bool = True) -> None:
        """Queue `post` for the courier, once for this update however often it is redelivered.

        `shared`: it counts against its sender's share of the group's minute, as answers do.
        """
        update_id = self.current_update.update_id if self.current_update is not None else None
        key = f"{update_id}:{self.posted}" if update_id is not None else f"job:{uuid.uuid4().hex}"
        self.posted += 1
        sender = self.person.tg_user_id if self.person is not None and shared else None
        await self.parts.courier.post(chat_id, key, post, sender=sender)

    async def tell_group(self, text_for: Callable[[Renderer], str]) -> None:
        """What a private command did, told to the team's group too, in the group's language."""
        group = self.baton.config.team.chat_id
        chat = self.current_update.effective_chat if self.current_update is not None else None
        if chat is None or chat.id != group:
            await self.send(group, text_for(self.team))


def in_group(chat_id: int) -> bool:
    """Groups and channels have negative ids: Telegram's per-group limit applies to them."""
    return chat_id < 0


CONTEXT_TYPES = ContextTypes(context=BatonContext)
