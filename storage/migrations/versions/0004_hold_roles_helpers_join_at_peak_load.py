"""hold roles: helpers join a held account at peak load

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=8), server_default='holder', nullable=False))
        batch_op.drop_index('uq_holds_one_open_per_account', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('uq_holds_one_open_holder_per_account', ['account_id'], unique=True, sqlite_where=sa.text("ended_at IS NULL AND role = 'holder'"), postgresql_where=sa.text("ended_at IS NULL AND role = 'holder'"))
        batch_op.create_index('uq_holds_one_open_per_agent_and_account', ['account_id', 'agent_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))


def downgrade() -> None:
    # The old schema has one hold per account at a time and no place for a helper beside it.
    op.execute("DELETE FROM holds WHERE role = 'helper'")
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_index('uq_holds_one_open_per_agent_and_account', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('uq_holds_one_open_holder_per_account', sqlite_where=sa.text("ended_at IS NULL AND role = 'holder'"), postgresql_where=sa.text("ended_at IS NULL AND role = 'holder'"))
        batch_op.create_index('uq_holds_one_open_per_account', ['account_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_column('role')
