"""Baton's bot: the Telegram side (features on a small core), the command line, the simulated Bot API and the demo."""

import os

# python-telegram-bot 22 hands durations (a 429's retry_after) over as timedeltas when asked to, as
# its next major version always will; asking now keeps the deprecation notice out of every log.
os.environ.setdefault("PTB_TIMEDELTA", "1")
