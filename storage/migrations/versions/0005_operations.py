"""operations: audit hash chain, update ids on holds and cases, digest claims, notices, hold flags

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""
from __future__ import annotations

from datetime import timezone

import sqlalchemy as sa
from alembic import op

import storage.types

# The chain's hash is frozen by design (see its module), so the migration may use it.
from domain.audit_chain import GENESIS, entry_hash

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _seal_existing_audit_rows() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, at, actor_agent_id, action, subject, detail FROM audit_log ORDER BY id")).all()
    prev = GENESIS
    for id_, at, actor, action, subject, detail in rows:
        if isinstance(at, str):  # SQLite hands back the stored text
            from datetime import datetime
            at = datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        sealed = entry_hash(prev, at, actor, action, subject, detail)
        connection.execute(sa.text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :i"), {"p": prev, "h": sealed, "i": id_})
        prev = sealed


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _seal_existing_audit_rows()
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('audit_log_prev_hash_key', ['prev_hash'])
        batch_op.create_unique_constraint('audit_log_hash_key', ['hash'])

    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('update_id', sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint('holds_update_id_key', ['update_id'])
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('update_id', sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint('cases_update_id_key', ['update_id'])
    with op.batch_alter_table('posted_digests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.BigInteger(), nullable=True))

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


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_sent_at'))
    op.drop_table('notices')
    with op.batch_alter_table('posted_digests', schema=None) as batch_op:
        batch_op.drop_column('message_id')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('cases_update_id_key', type_='unique')
        batch_op.drop_column('update_id')
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_constraint('holds_update_id_key', type_='unique')
        batch_op.drop_column('update_id')
        batch_op.drop_column('flag')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint('audit_log_hash_key', type_='unique')
        batch_op.drop_constraint('audit_log_prev_hash_key', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
