"""follow-ups: index (project_id, happened_on) for each project's latest follow-up

The dashboard, the warnings and the weekly sheet read every project's latest follow-up; with 200,000
follow-ups the per-column indexes leave that to a scan (0.3 s), the pair makes it an index walk.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from __future__ import annotations

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index('ix_followups_project_id_happened_on', ['project_id', 'happened_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_project_id_happened_on')
