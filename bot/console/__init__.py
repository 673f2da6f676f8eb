"""The console: /console, /on, /off, /case and the console's buttons; /start and /help lead to it."""
