"""The setup checklist, posted where the bot is added."""
