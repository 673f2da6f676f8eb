"""platform_totals (per-agent report rows: reference totals and the basis of apportioned credit);
conversations.customer and conversations.left_message (JD 留言, out of the response metrics)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_COUNTS = (
    'received', 'consulted', 'effective_received', 'unanswered', 'slow_received', 'inquiries', 'inquiry_paid',
    'very_satisfied', 'satisfied', 'neutral', 'dissatisfied', 'very_dissatisfied', 'customer_messages', 'agent_messages',
)
_FRACTIONS = ('reply_rate', 'three_min_reply_rate', 'inquiry_conversion', 'first_response_s', 'avg_response_s', 'avg_reception_s')


def upgrade() -> None:
    op.create_table('platform_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hour', sa.SmallInteger(), nullable=False),
    sa.Column('agent', sa.String(length=128), nullable=False),
    sa.Column('shop', sa.String(length=128), nullable=False),
    sa.Column('sub_account', sa.String(length=128), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('report', sa.String(length=32), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=True) for name in _COUNTS),
    sa.Column('sales_cents', sa.BigInteger(), nullable=True),
    *(sa.Column(name, sa.Float(), nullable=True) for name in _FRACTIONS),
    sa.Column('not_final', sa.String(length=256), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('imported_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id', 'day', 'hour', 'agent', name='uq_platform_totals_slot')
    )
    with op.batch_alter_table('platform_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_totals_day'), ['day'], unique=False)

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('left_message', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('left_message')
        batch_op.drop_column('customer')

    with op.batch_alter_table('platform_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_totals_day'))

    op.drop_table('platform_totals')
