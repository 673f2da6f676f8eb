"""How to pull one shared account's conversations from the platform's HTTP API."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PullSettings:
    """One pull connector: ``url`` serves the account's conversations as pages of JSON
    (docs/pull-api.md). A run reads at most ``max_pages`` pages, so one run cannot hold the
    scheduler for long; the next run carries on from the stored cursor."""

    account: str
    platform: str
    url: str
    token: str = field(repr=False)  # settings get logged; the token must not be
    interval_minutes: int = 15
    page_size: int = 200
    timeout_seconds: float = 10.0
    max_attempts: int = 5
    backoff_seconds: float = 1.0
    max_pages: int = 50

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be at least {least}"
            for name, least in (("interval_minutes", 1), ("page_size", 1), ("max_attempts", 1), ("max_pages", 1))
            if getattr(self, name) < least
        ]
        if self.timeout_seconds <= 0:
            problems.append("timeout_seconds must be positive")
        if self.backoff_seconds < 0:
            problems.append("backoff_seconds must not be negative")
        if not self.url.startswith(("http://", "https://")):
            problems.append(f"url {self.url!r} must start with http:// or https://")
        if problems:
            raise ValueError(f"pull connector for {self.account!r}: {'; '.join(problems)}")


__all__ = ["PullSettings"]
