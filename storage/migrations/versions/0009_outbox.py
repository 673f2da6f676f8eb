"""outbox: one table for every message the bot owes a chat; digest claims and notices move into it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('hold_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('resolution', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], ),
    sa.ForeignKeyConstraint(['hold_id'], ['holds.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', name='uq_outbox_kind_key')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_state'), ['state'], unique=False)

    # Notices keep their ids: a reminder's button names its notice.
    op.execute(
        "INSERT INTO outbox (id, kind, key, chat_id, created_at, state, message_id, attempts, agent_id, hold_id, resolved_at, resolution) "
        "SELECT id, kind, key, COALESCE(chat_id, 0), sent_at, "
        "CASE WHEN message_id IS NOT NULL THEN 'sent' WHEN resolution = 'sending' THEN 'sending' "
        "WHEN resolution = 'unconfirmed' THEN 'unconfirmed' ELSE 'owed' END, "
        "message_id, 0, agent_id, hold_id, resolved_at, "
        "CASE WHEN resolution IN ('sending', 'unconfirmed') THEN NULL ELSE resolution END "
        "FROM notices"
    )
    # The copied ids are taken: number on after them.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('outbox', 'id'), COALESCE((SELECT MAX(id) FROM outbox), 0) + 1, false)")
    # A digest claim without a message id is one a crash interrupted mid-send: never posted again.
    op.execute(
        "INSERT INTO outbox (kind, key, chat_id, created_at, state, message_id, attempts) "
        "SELECT kind, period || '@' || CAST(chat_id AS VARCHAR(24)), chat_id, posted_at, "
        "CASE WHEN message_id IS NOT NULL THEN 'sent' ELSE 'sending' END, message_id, 1 "
        "FROM posted_digests"
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_sent_at'))
    op.drop_table('notices')
    op.drop_table('posted_digests')


def downgrade() -> None:
    op.create_table('posted_digests',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('posted_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'period', 'chat_id')
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('sent_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('hold_id', sa.Integer(), nullable=True),
    sa.Column('chat_id', sa.BigInteger(), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('resolved_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('resolution', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], ),
    sa.ForeignKeyConstraint(['hold_id'], ['holds.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', name='uq_notices_kind_key')
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_sent_at'), ['sent_at'], unique=False)
    op.execute(
        "INSERT INTO posted_digests (kind, period, chat_id, posted_at, message_id) "
        "SELECT kind, substr(key, 1, instr(key, '@') - 1), chat_id, created_at, message_id FROM outbox WHERE kind IN ('daily', 'monthly')"
        if op.get_bind().dialect.name == "sqlite" else
        "INSERT INTO posted_digests (kind, period, chat_id, posted_at, message_id) "
        "SELECT kind, split_part(key, '@', 1), chat_id, created_at, message_id FROM outbox WHERE kind IN ('daily', 'monthly')"
    )
    op.execute(
        "INSERT INTO notices (id, kind, key, sent_at, agent_id, hold_id, chat_id, message_id, resolved_at, resolution) "
        "SELECT id, kind, key, created_at, agent_id, hold_id, chat_id, message_id, resolved_at, "
        "COALESCE(resolution, CASE state WHEN 'sending' THEN 'sending' WHEN 'unconfirmed' THEN 'unconfirmed' END) "
        "FROM outbox WHERE kind NOT IN ('daily', 'monthly')"
    )
    op.drop_table('outbox')
