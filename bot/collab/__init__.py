"""Collaboration: /thanks, /note, /join."""
