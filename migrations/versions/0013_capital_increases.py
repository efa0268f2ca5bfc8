"""projects: a capital increase (增资扩产) names the project it adds to, and counts only the increase

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('increase_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_projects_increase_of_id'), ['increase_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_projects_increase_of_id_projects'), 'projects',
                                    ['increase_of_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_projects_increase_of_id_projects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_projects_increase_of_id'))
        batch_op.drop_column('increase_of_id')
