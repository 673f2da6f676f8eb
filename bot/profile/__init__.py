"""Talent profiles: /profile, /skills, /tag, /untag, /talent."""
