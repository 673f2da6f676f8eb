"""Running Baton: `baton run|migrate|backup|health` and the heartbeat."""
