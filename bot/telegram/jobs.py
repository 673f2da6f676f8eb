"""How Baton's jobs are scheduled on PTB's JobQueue (APScheduler underneath)."""

from __future__ import annotations

# APScheduler drops a job that starts more than 1 s late by default; a busy bot is often later.
MISFIRE_GRACE_SECONDS = 15 * 60
JOB_KWARGS = {"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True}
