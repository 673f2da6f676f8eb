"""Leaving the team's group: access ends, open holds are closed, supervisors are told."""
