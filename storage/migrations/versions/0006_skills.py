"""skills: supervisors' tags and agents' self-declared skills, for talent profiles

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('tagged_by', sa.Integer(), nullable=True),
    sa.Column('at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], ),
    sa.ForeignKeyConstraint(['tagged_by'], ['agents.id'], name='fk_skills_tagged_by'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agent_id', 'skill', 'source', name='uq_skills_agent_skill_source')
    )
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skills_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_skills_skill'), ['skill'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skills_skill'))
        batch_op.drop_index(batch_op.f('ix_skills_agent_id'))
    op.drop_table('skills')
