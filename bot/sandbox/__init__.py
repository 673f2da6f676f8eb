"""A simulated Telegram Bot API server for end-to-end tests and `baton demo`."""

from bot.sandbox.server import BotApiSandbox
from bot.sandbox.state import ApiCall, CallbackAnswer, Upload
from bot.sandbox.transcript import format_transcript
from bot.sandbox.wire import UploadedFile

__all__ = ["ApiCall", "BotApiSandbox", "CallbackAnswer", "Upload", "UploadedFile", "format_transcript"]
