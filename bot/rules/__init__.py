"""/rules and /set_weight: the scoring rules in force, and a new version of them."""
