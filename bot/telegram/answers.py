"""A use case run for an update, and its outcome turned into the answer: the result, or the refusal in words.

`attempt` answers a command's refusal with a reply, `attempt_press` a button's with a toast (every
press must be answered). Both return None once a refusal was answered, or for a redelivered update.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from telegram import CallbackQuery

from bot.core.baton import UnitOfWork
from bot.core.errors import Duplicate, Refused
from bot.telegram.context import BatonContext
from bot.text.layout import toast_text
from bot.text.renderer import Renderer

P = ParamSpec("P")
T = TypeVar("T")
RefusalText = Callable[[Renderer, Refused], str]


def plain_refusal(render: Renderer, refusal: Refused) -> str:
    return render.refusal(refusal)


async def attempt(
    context: BatonContext,
    use_case: Callable[Concatenate[UnitOfWork, P], T],
    /,
    *args: P.args,
    refusal: RefusalText = plain_refusal,
    **kwargs: P.kwargs,
) -> T | None:
    try:
        return await context.command(use_case, *args, **kwargs)
    except Refused as refused:
        await context.reply(refusal(context.render, refused))
    except Duplicate:
        pass
    return None


async def attempt_press(
    query: CallbackQuery,
    context: BatonContext,
    use_case: Callable[Concatenate[UnitOfWork, P], T],
    /,
    *args: P.args,
    refusal: RefusalText = plain_refusal,
    **kwargs: P.kwargs,
) -> T | None:
    try:
        return await context.command(use_case, *args, **kwargs)
    except Refused as refused:
        await query.answer(toast_text(refusal(context.render, refused)), show_alert=True)
    except Duplicate:
        pass
    return None


async def refuse_press(query: CallbackQuery, context: BatonContext, refusal: Refused, refusal_text: RefusalText = plain_refusal) -> None:
    await query.answer(toast_text(refusal_text(context.render, refusal)), show_alert=True)
    await context.record()


async def parsed(
    context: BatonContext, reader: Callable[P, T], /, *args: P.args, refusal: RefusalText = plain_refusal, **kwargs: P.kwargs
) -> T | None:
    """What was typed or sent, read off the event loop and before any transaction; None once its refusal is answered."""
    try:
        return await asyncio.to_thread(reader, *args, **kwargs)
    except Refused as refused:
        await context.reply(refusal(context.render, refused))
        return None
