"""/me and /why: one agent's month explained factor by factor."""
