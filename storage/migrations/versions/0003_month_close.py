"""rules versions, thanks, month closes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('month_closes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rules_version', sa.Integer(), nullable=False),
    sa.Column('pool_cents', sa.BigInteger(), nullable=False),
    sa.Column('scheme', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('snapshot', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('checksum', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('closed_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('reopened_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('reopened_by', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['closed_by'], ['agents.id'], ),
    sa.ForeignKeyConstraint(['reopened_by'], ['agents.id'], name='fk_month_closes_reopened_by'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('month', 'version', name='uq_month_close_version')
    )
    with op.batch_alter_table('month_closes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_month_closes_month'), ['month'], unique=False)

    op.create_table('rules_versions',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['agents.id'], ),
    sa.PrimaryKeyConstraint('version')
    )
    with op.batch_alter_table('rules_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rules_versions_effective_from'), ['effective_from'], unique=False)

    op.create_table('thanks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['giver_id'], ['agents.id'], ),
    sa.ForeignKeyConstraint(['receiver_id'], ['agents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('thanks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thanks_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_thanks_giver_id'), ['giver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thanks_receiver_id'), ['receiver_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('thanks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thanks_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_thanks_giver_id'))
        batch_op.drop_index(batch_op.f('ix_thanks_at'))

    op.drop_table('thanks')
    with op.batch_alter_table('rules_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rules_versions_effective_from'))

    op.drop_table('rules_versions')
    with op.batch_alter_table('month_closes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_month_closes_month'))

    op.drop_table('month_closes')
