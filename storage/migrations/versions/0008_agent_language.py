"""agents.language_code: the language Telegram reports for each person, so private messages follow it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agents') as batch_op:
        batch_op.add_column(sa.Column('language_code', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agents') as batch_op:
        batch_op.drop_column('language_code')
