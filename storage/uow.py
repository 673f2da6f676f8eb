"""The tables of one transaction, as repositories: `uow.holds`, `uow.agents`, `uow.cases` …

A unit of work is one SQLModel session; each repository reads and writes one table (or, for the
month and the roster, one subject's few tables). Opening and committing the transaction is the
caller's business (bot.core.baton opens one per command).
"""

from __future__ import annotations

from sqlmodel import Session

from storage.accounts import Accounts
from storage.agents import Agents
from storage.audit import Audit
from storage.boards import Boards
from storage.cases import Cases
from storage.conversations import Conversations
from storage.holds import Holds
from storage.ledger import Ledger
from storage.months import Months
from storage.outbox import Outbox
from storage.platform_totals import PlatformTotals
from storage.roster import Roster
from storage.skills import Skills
from storage.thanks import Thanks
from storage.updates import Updates


class Tables:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.accounts = Accounts(session)
        self.agents = Agents(session)
        self.holds = Holds(session, self.accounts)
        self.cases = Cases(session, self.accounts)
        self.conversations = Conversations(session, self.accounts)
        self.ledger = Ledger(session)
        self.months = Months(session)
        self.thanks = Thanks(session)
        self.skills = Skills(session)
        self.roster = Roster(session, self.accounts, self.agents)
        self.outbox = Outbox(session)
        self.updates = Updates(session)
        self.audit = Audit(session)
        self.boards = Boards(session)
        self.platform_totals = PlatformTotals(session)
