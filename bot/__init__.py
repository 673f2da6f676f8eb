"""Baton's bot: the Telegram side (features on a small core), the command line, the simulated Bot API and the demo."""
