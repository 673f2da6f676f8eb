"""ledger_due (the days an import changed whose ledger is still to be compiled)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_due',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('marked_at', storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )


def downgrade() -> None:
    op.drop_table('ledger_due')
