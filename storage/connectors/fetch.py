"""One page of the pull API over HTTP, with retries for what may pass and none for what won't.

Timeouts, broken connections, 5xx and 429 are retried with exponential backoff
(backoff_seconds * 2**attempt; a Retry-After header is honoured when it asks for longer).
Any other answer means the request itself is wrong (bad token, wrong URL) and repeating it
cannot help, so it fails at once. Failures are PullFailed, never an httpx error.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from storage.connectors.settings import PullSettings
from storage.models import CURSOR_LENGTH

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[Any]]

CURSOR_MAX_LENGTH = CURSOR_LENGTH
_BODY_EXCERPT = 200


class PullFailed(Exception):
    """This run cannot go on; the message says why, for the supervisor's log."""


@dataclass(frozen=True)
class Page:
    conversations: list[Any]
    next_cursor: str | None
    has_more: bool


def is_retryable(status: int) -> bool:
    return status == 429 or status >= 500


async def fetch_page(
    client: httpx.AsyncClient,
    settings: PullSettings,
    cursor: str | None,
    *,
    sleep: Sleep,
    now: Callable[[], datetime],
) -> Page:
    """The page after ``cursor`` (the first page when None). Raises PullFailed."""
    params: dict[str, str | int] = {"limit": settings.page_size}
    if cursor is not None:
        params["cursor"] = cursor
    headers = {"Authorization": f"Bearer {settings.token}", "Accept": "application/json"}
    problem = ""
    for attempt in range(settings.max_attempts):
        retry_after: float | None = None
        try:
            response = await client.get(settings.url, params=params, headers=headers, timeout=settings.timeout_seconds)
        except httpx.TimeoutException:
            problem = f"no answer within {settings.timeout_seconds:g} s"
        except httpx.UnsupportedProtocol as error:
            raise PullFailed(f"the url cannot be requested: {error}") from error
        except httpx.TransportError as error:
            problem = f"connection failed ({type(error).__name__}: {error})"
        except httpx.HTTPError as error:
            raise PullFailed(f"the request failed ({type(error).__name__}: {error})") from error
        else:
            if response.is_success:
                return read_page(response)
            if not is_retryable(response.status_code):
                raise PullFailed(refusal_message(response))
            problem = f"HTTP {response.status_code}"
            retry_after = seconds_to_wait(response.headers.get("Retry-After"), now)
        if attempt + 1 == settings.max_attempts:
            break
        delay = settings.backoff_seconds * 2**attempt
        if retry_after is not None:
            # A wait beyond the next scheduled run is better spent by that run.
            if retry_after > settings.interval_minutes * 60:
                raise PullFailed(f"{problem}: the server asks to wait {retry_after:g} s; the next run tries again")
            delay = max(delay, retry_after)
        log.warning(
            "pull %s: %s (attempt %d of %d); retrying in %g s",
            settings.account,
            problem,
            attempt + 1,
            settings.max_attempts,
            delay,
        )
        await sleep(delay)
    raise PullFailed(f"gave up after {settings.max_attempts} attempts, the last: {problem}")


def read_page(response: httpx.Response) -> Page:
    """A 2xx answer -> Page, or PullFailed when it does not follow docs/pull-api.md."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PullFailed(f"HTTP {response.status_code} but the body is not JSON: {_excerpt(response)!r}") from error
    if not isinstance(body, dict) or not isinstance(body.get("conversations"), list):
        raise PullFailed(f'the answer has no "conversations" list: {_excerpt(response)!r}')
    has_more = body.get("has_more", False)
    if not isinstance(has_more, bool):
        raise PullFailed(f'"has_more" must be true or false, got {has_more!r}')
    next_cursor = body.get("next_cursor")
    if isinstance(next_cursor, int) and not isinstance(next_cursor, bool):
        next_cursor = str(next_cursor)
    if next_cursor is not None and not isinstance(next_cursor, str):
        raise PullFailed(f'"next_cursor" must be a string or null, got {next_cursor!r}')
    if next_cursor == "":
        next_cursor = None
    if has_more and next_cursor is None:
        raise PullFailed('"has_more" is true but there is no "next_cursor" to continue from')
    if next_cursor is not None and len(next_cursor) > CURSOR_MAX_LENGTH:
        raise PullFailed(f'"next_cursor" is {len(next_cursor)} characters long; at most {CURSOR_MAX_LENGTH} are kept')
    return Page(body["conversations"], next_cursor, has_more)


def refusal_message(response: httpx.Response) -> str:
    status = response.status_code
    if status in (401, 403):
        return f"HTTP {status}: the platform refused the token; check the connector's token for this account"
    if status == 404:
        return f"HTTP 404: nothing at {response.request.url.copy_with(query=None)}; check the connector's url"
    if 300 <= status < 400:
        return f"HTTP {status}: redirected to {response.headers.get('Location')!r}; set the url to the final address"
    return f"HTTP {status}: {_excerpt(response)!r}"


def seconds_to_wait(retry_after: str | None, now: Callable[[], datetime]) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) -> seconds from now; None when absent or unreadable."""
    if not retry_after:
        return None
    text = retry_after.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(text) - now()).total_seconds()
        except (TypeError, ValueError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _excerpt(response: httpx.Response) -> str:
    text = response.text
    return text if len(text) <= _BODY_EXCERPT else text[:_BODY_EXCERPT] + "…"


__all__ = ["CURSOR_MAX_LENGTH", "Page", "PullFailed", "Sleep", "fetch_page", "is_retryable", "read_page", "seconds_to_wait"]
