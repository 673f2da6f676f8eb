"""Baton's Telegram side: handlers, jobs, rendering, i18n and the command line."""
