"""annual targets of units (目标任务), per indicator, overall or per industry

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# A city or park reads its own targets; the province sets and reads them all (as in 0007).
PROVINCE = "(SELECT crm_scope_units()) IS NULL"
RULE = f"({PROVINCE} OR unit_id = ANY (COALESCE((SELECT crm_scope_units()), '{{}}')))"


def upgrade() -> None:
    op.create_table(
        'targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('industry_id', sa.Integer(), nullable=True),
        sa.Column('indicator', sa.String(length=32), nullable=False),
        sa.Column('value', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['industry_id'], ['industries.id'], name=op.f('fk_targets_industry_id_industries')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_targets_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index('ix_targets_year_unit_id', ['year', 'unit_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE targets ENABLE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY targets_read ON targets FOR SELECT USING ({RULE})')
        # Targets are the province's to set.
        op.execute(f'CREATE POLICY targets_write ON targets FOR ALL USING ({PROVINCE}) WITH CHECK ({PROVINCE})')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP POLICY IF EXISTS targets_read ON targets')
        op.execute('DROP POLICY IF EXISTS targets_write ON targets')
    op.drop_table('targets')
