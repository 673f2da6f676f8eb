"""shifts and shift swaps: the roster kept in the database, set in the chat, seeded once from config

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('replaced_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['agents.id'], name='fk_shifts_created_by'),
    sa.ForeignKeyConstraint(['replaced_by'], ['shifts.id'], name='fk_shifts_replaced_by'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shifts_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_valid_from'), ['valid_from'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_valid_to'), ['valid_to'], unique=False)

    op.create_table('shift_swaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('offerer_id', sa.Integer(), nullable=False),
    sa.Column('colleague_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('offered_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('accepted_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('decided_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('cover_shift_id', sa.Integer(), nullable=True),
    sa.Column('chat_id', sa.BigInteger(), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['colleague_id'], ['agents.id'], name='fk_shift_swaps_colleague'),
    sa.ForeignKeyConstraint(['cover_shift_id'], ['shifts.id'], name='fk_shift_swaps_cover'),
    sa.ForeignKeyConstraint(['decided_by'], ['agents.id'], name='fk_shift_swaps_decided_by'),
    sa.ForeignKeyConstraint(['offerer_id'], ['agents.id'], name='fk_shift_swaps_offerer'),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name='fk_shift_swaps_shift'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('shift_swaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_swaps_day'), ['day'], unique=False)
        batch_op.create_index('uq_shift_swaps_one_live_per_occurrence', ['offerer_id', 'account_id', 'day', 'start_time'], unique=True, sqlite_where=sa.text("status IN ('offered', 'accepted', 'approved')"), postgresql_where=sa.text("status IN ('offered', 'accepted', 'approved')"))


def downgrade() -> None:
    with op.batch_alter_table('shift_swaps', schema=None) as batch_op:
        batch_op.drop_index('uq_shift_swaps_one_live_per_occurrence', sqlite_where=sa.text("status IN ('offered', 'accepted', 'approved')"), postgresql_where=sa.text("status IN ('offered', 'accepted', 'approved')"))
        batch_op.drop_index(batch_op.f('ix_shift_swaps_day'))

    op.drop_table('shift_swaps')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shifts_valid_to'))
        batch_op.drop_index(batch_op.f('ix_shifts_valid_from'))
        batch_op.drop_index(batch_op.f('ix_shifts_agent_id'))

    op.drop_table('shifts')
