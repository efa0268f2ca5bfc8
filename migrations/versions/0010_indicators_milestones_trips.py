"""the indicators leaders read: currency of amounts, investors' origin, post-landing milestones, trips

- projects: currency (CNY by default), amount_usd (万美元 as signed) and exchange_rate (元 per dollar on the
  signing day); trip_id, the outbound trip a project came of.
- organizations: origin (inside / outside the province / abroad), for 省外资金 and 境外资金.
- project_milestones: 入库/纳统, 入规, 达产 as dated, correctable rows.
- promotion_trips, trip_visits: outbound promotion trips (招商小分队), owned by a unit.
- PostgreSQL: row-level security on the new tables as in 0007.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ALL = "(SELECT crm_scope_units()) IS NULL"
POLICIES = {
    'promotion_trips': f"({ALL} OR owner_unit_id = ANY (COALESCE((SELECT crm_scope_units()), '{{}}')))",
    'trip_visits': f"({ALL} OR trip_id IN (SELECT id FROM promotion_trips))",
    'project_milestones': f"({ALL} OR project_id IN (SELECT id FROM projects))",
}


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    op.create_table(
        'promotion_trips',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('destination', sa.String(length=255), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('members', sa.Text(), nullable=True),
        sa.Column('purpose', sa.Text(), nullable=True),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('owner_unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_promotion_trips_owner_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_trips')),
    )
    with op.batch_alter_table('promotion_trips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_trips_owner_unit_id'), ['owner_unit_id'], unique=False)
    op.create_table(
        'trip_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trip_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('visited_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_trip_visits_organization_id_organizations')),
        sa.ForeignKeyConstraint(['trip_id'], ['promotion_trips.id'], name=op.f('fk_trip_visits_trip_id_promotion_trips'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_trip_visits')),
    )
    with op.batch_alter_table('trip_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trip_visits_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trip_visits_trip_id'), ['trip_id'], unique=False)
    op.create_table(
        'project_milestones',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', _enum('milestone_kind', 'in_statistics', 'above_size', 'full_capacity'), nullable=False),
        sa.Column('reached_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retracted', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=True),
        sa.Column('superseded_on', sa.Date(), nullable=True),
        sa.Column('correction_note', sa.Text(), nullable=True),
        sa.Column('corrects_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['corrects_id'], ['project_milestones.id'],
                                name=op.f('fk_project_milestones_corrects_id_project_milestones')),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_milestones_project_id_projects'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_project_milestones_recorded_by_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestones')),
    )
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_milestones_project_id'), ['project_id'], unique=False)
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', _enum('investor_origin', 'inside', 'outside', 'abroad'), nullable=True))
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', _enum('currency', 'CNY', 'USD'), server_default='CNY', nullable=False))
        batch_op.add_column(sa.Column('amount_usd', sa.Numeric(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('exchange_rate', sa.Numeric(precision=12, scale=6), nullable=True))
        batch_op.add_column(sa.Column('trip_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_projects_trip_id'), ['trip_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_projects_trip_id_promotion_trips'), 'promotion_trips', ['trip_id'],
                                    ['id'])
    if op.get_bind().dialect.name == 'postgresql':
        for table, rule in POLICIES.items():
            op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
            op.execute(f'CREATE POLICY {table}_all ON {table} FOR ALL USING ({rule}) WITH CHECK ({rule})')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in POLICIES:
            op.execute(f'DROP POLICY IF EXISTS {table}_all ON {table}')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_projects_trip_id_promotion_trips'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_projects_trip_id'))
        batch_op.drop_constraint(batch_op.f('ck_projects_currency'), type_='check')
        batch_op.drop_column('trip_id')
        batch_op.drop_column('exchange_rate')
        batch_op.drop_column('amount_usd')
        batch_op.drop_column('currency')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_organizations_investor_origin'), type_='check')
        batch_op.drop_column('origin')
    op.drop_table('project_milestones')
    op.drop_table('trip_visits')
    op.drop_table('promotion_trips')
