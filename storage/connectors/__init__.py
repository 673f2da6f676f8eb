"""Connectors that bring conversations in from a platform's HTTP API (docs/pull-api.md).

settings = PullSettings(account="jd-main", platform="jd", url="https://…/conversations", token="…")
report = await pull_account(engine, settings, tz=ZoneInfo("Asia/Shanghai"), now=clock.now)
report.new, report.duplicates, report.rejected, report.error
"""

from storage.connectors.fetch import PullFailed
from storage.connectors.pull import SOURCE, PullReport, pull_account
from storage.connectors.records import RejectedRecord, read_conversations
from storage.connectors.settings import PullSettings

__all__ = ["SOURCE", "PullFailed", "PullReport", "PullSettings", "RejectedRecord", "pull_account", "read_conversations"]
