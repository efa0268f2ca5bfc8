"""province and cities: every event, project and invitation belongs to a unit; reporting up (上报)

- units: the provincial level itself (省本级, kind province) where none exists; a city unit for every
  city that events or projects name and no unit stands for yet.
- events, projects, invitations: owner_unit_id, backfilled (events: the city of a city-level event, else
  a hosting city or park, else the province; projects: their city, else their signing event's unit, else
  the province; invitations: their event's unit), then required.
- audit_entries: unit_id, the unit owning the record changed (none for the shared 客商库), backfilled.
- staff: reviewer (provincial reviewers confirm what units submit).
- submissions: plans, summaries and projects reported up, accepted or returned; the plan and summary
  dates already recorded become submissions awaiting review.
- PostgreSQL: row-level security keyed on the connected login (staff.login = current_user): staff of a
  city or park read and write their unit's records and those of the units under it, read the province's
  events, and nothing else; everyone else (the owner, the shared app role, provincial staff) sees all.
  Only the owner may change a login's unit or reviewer flag, re-parent a unit or change its kind.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OWNED = ('events', 'projects', 'invitations')
PROVINCE_NAME = '省本级'
PROVINCIAL_KINDS = "('province', 'department', 'office')"

# The units the connected login may write (its city or park and everything under it); NULL: all of them.
SCOPE_FUNCTION = """
CREATE OR REPLACE FUNCTION crm_scope_units() RETURNS int[] LANGUAGE sql STABLE AS $$
  WITH RECURSIVE mine AS (
    SELECT u.id FROM staff s JOIN units u ON u.id = s.unit_id
    WHERE s.login = current_user AND u.kind IN ('city', 'park')
  ), tree(id) AS (
    SELECT id FROM mine
    UNION SELECT u.id FROM units u JOIN tree t ON u.parent_id = t.id
  )
  SELECT CASE WHEN EXISTS (SELECT 1 FROM mine) THEN ARRAY(SELECT id FROM tree) END
$$
"""
# Units whose events every unit reads (the province's own meetings, where cities sign too).
PROVINCIAL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION crm_provincial_units() RETURNS int[] LANGUAGE sql STABLE AS $$
  SELECT ARRAY(SELECT id FROM units WHERE kind IN {PROVINCIAL_KINDS})
$$
"""
ALL = "(SELECT crm_scope_units()) IS NULL"


def _mine(column: str) -> str:
    # COALESCE makes the subquery an array expression (ANY of a bare subquery would compare with its rows),
    # evaluated once per statement as an InitPlan.
    return f"({ALL} OR {column} = ANY (COALESCE((SELECT crm_scope_units()), '{{}}')))"


OWN_EVENT = f"event_id IN (SELECT id FROM events WHERE {_mine('owner_unit_id')})"
# table -> (policy for reading, policy for writing); SELECT subqueries see only what the reader may see.
POLICIES = {
    'events': (f"({_mine('owner_unit_id')} OR owner_unit_id = ANY (COALESCE((SELECT crm_provincial_units()), '{{}}')))",
               _mine('owner_unit_id')),
    'projects': (_mine('owner_unit_id'), _mine('owner_unit_id')),
    'invitations': (_mine('owner_unit_id'), _mine('owner_unit_id')),
    'submissions': (_mine('unit_id'), _mine('unit_id')),
    'followups': (f"({ALL} OR project_id IN (SELECT id FROM projects))",) * 2,
    'problems': (f"({ALL} OR project_id IN (SELECT id FROM projects))",) * 2,
    'stage_steps': (f"({ALL} OR project_id IN (SELECT id FROM projects))",) * 2,
    'project_figures': (f"({ALL} OR project_id IN (SELECT id FROM projects))",) * 2,
    'status_changes': (f"({ALL} OR project_id IN (SELECT id FROM projects))",) * 2,
    'event_organizers': (f"({ALL} OR event_id IN (SELECT id FROM events))", f"({ALL} OR {OWN_EVENT})"),
    'event_industries': (f"({ALL} OR event_id IN (SELECT id FROM events))", f"({ALL} OR {OWN_EVENT})"),
    'event_quotas': (f"({ALL} OR event_id IN (SELECT id FROM events))", f"({ALL} OR {OWN_EVENT})"),
    'audit_entries': (f"({_mine('unit_id')} OR unit_id IS NULL)", "true"),
}
# Changes that would widen what a login sees: the owner's alone (crm_owner_only, migration 0006).
OWNER_ONLY_TRIGGERS = {
    'staff_scope_owner_only': 'BEFORE UPDATE OF login, unit_id, reviewer OR DELETE ON staff FOR EACH ROW',
    'units_tree_owner_only': 'BEFORE UPDATE OF kind, parent_id ON units FOR EACH ROW',
}


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewer', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_unit_id'), ['unit_id'], unique=False)
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('owner_unit_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_owner_unit_id'), ['owner_unit_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_owner_unit_id_units'), 'units', ['owner_unit_id'], ['id'])

    _backfill(bind)
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('owner_unit_id', existing_type=sa.Integer(), nullable=False)

    op.create_table(
        'submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('plan', 'summary', 'project', name='submission_kind', native_enum=False,
                                  create_constraint=True, length=24), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('outcome', sa.Enum('accepted', 'returned', name='submission_outcome', native_enum=False,
                                     create_constraint=True, length=24), nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
        sa.Column('duplicate_hint', sa.String(length=255), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['staff.id'], name=op.f('fk_submissions_decided_by_id_staff')),
        sa.ForeignKeyConstraint(['duplicate_of_id'], ['projects.id'],
                                name=op.f('fk_submissions_duplicate_of_id_projects')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_submissions_event_id_events')),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_submissions_project_id_projects')),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['staff.id'], name=op.f('fk_submissions_submitted_by_id_staff')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_submissions_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_kind_event_id', ['kind', 'event_id'], unique=False)
        batch_op.create_index('ix_submissions_kind_project_id', ['kind', 'project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_unit_id'), ['unit_id'], unique=False)
    for kind, column in (('plan', 'plan_submitted_on'), ('summary', 'summary_submitted_on')):
        op.execute(
            "INSERT INTO submissions (kind, event_id, unit_id, submitted_on, version, created_at, updated_at) "
            f"SELECT '{kind}', id, owner_unit_id, {column}, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
            f"FROM events WHERE {column} IS NOT NULL"
        )

    if bind.dialect.name == 'postgresql':
        op.execute(SCOPE_FUNCTION)
        op.execute(PROVINCIAL_FUNCTION)
        for table, (read, write) in POLICIES.items():
            op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
            op.execute(f'CREATE POLICY {table}_read ON {table} FOR SELECT USING ({read})')
            op.execute(f'CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK ({write})')
            op.execute(f'CREATE POLICY {table}_update ON {table} FOR UPDATE USING ({write}) WITH CHECK ({write})')
            op.execute(f'CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({write})')
        for name, when in OWNER_ONLY_TRIGGERS.items():
            op.execute(f'CREATE TRIGGER {name} {when} EXECUTE FUNCTION crm_owner_only()')


def _backfill(bind) -> None:
    """Owners from what the records already say; units the backfill needs are created first."""
    if not bind.scalar(sa.text("SELECT count(*) FROM events")) and not bind.scalar(sa.text("SELECT count(*) FROM projects")):
        return  # a new database: units come as records are made (crm.rules.scope)
    if bind.scalar(sa.text("SELECT count(*) FROM units WHERE kind = 'province'")) == 0:
        taken = bind.scalar(sa.text("SELECT count(*) FROM units WHERE name = :name"), {"name": PROVINCE_NAME})
        bind.execute(sa.text("INSERT INTO units (name, kind) VALUES (:name, 'province')"),
                     {"name": PROVINCE_NAME if not taken else f"{PROVINCE_NAME}（省级）"})
    province = bind.scalar(sa.text("SELECT min(id) FROM units WHERE kind = 'province'"))
    needed = bind.execute(sa.text(
        "SELECT id, name FROM regions r WHERE (r.id IN (SELECT region_id FROM events WHERE level = 'city') "
        "OR r.id IN (SELECT region_id FROM projects)) "
        "AND NOT EXISTS (SELECT 1 FROM units u WHERE u.kind = 'city' AND u.region_id = r.id)")).all()
    for region_id, name in needed:
        taken = bind.scalar(sa.text("SELECT count(*) FROM units WHERE name = :name"), {"name": name})
        bind.execute(sa.text("INSERT INTO units (name, kind, region_id) VALUES (:name, 'city', :region)"),
                     {"name": name if not taken else f"{name}人民政府", "region": region_id})
    city_of = "(SELECT min(u.id) FROM units u WHERE u.kind = 'city' AND u.region_id = {}.region_id)"
    op.execute(
        "UPDATE events SET owner_unit_id = COALESCE("
        f"CASE WHEN level = 'city' THEN {city_of.format('events')} END, "
        "(SELECT min(o.unit_id) FROM event_organizers o JOIN units u ON u.id = o.unit_id "
        " WHERE o.event_id = events.id AND o.role = 'host' AND u.kind IN ('city', 'park')), "
        f"{province})"
    )
    op.execute(  # a meeting belongs to whoever holds its activity
        "UPDATE events SET owner_unit_id = (SELECT p.owner_unit_id FROM events p WHERE p.id = events.parent_id) "
        "WHERE parent_id IS NOT NULL"
    )
    op.execute(
        f"UPDATE projects SET owner_unit_id = COALESCE({city_of.format('projects')}, "
        f"(SELECT e.owner_unit_id FROM events e WHERE e.id = projects.signing_event_id), {province})"
    )
    op.execute("UPDATE invitations SET owner_unit_id = "
               "(SELECT e.owner_unit_id FROM events e WHERE e.id = invitations.event_id)")
    for table in OWNED:
        op.execute(f"UPDATE audit_entries SET unit_id = (SELECT t.owner_unit_id FROM {table} t "
                   f"WHERE t.id = audit_entries.entity_id) WHERE entity = '{table}'")
    for table in ('followups', 'problems', 'stage_steps', 'project_figures', 'status_changes'):
        op.execute(f"UPDATE audit_entries SET unit_id = (SELECT p.owner_unit_id FROM {table} t "
                   f"JOIN projects p ON p.id = t.project_id WHERE t.id = audit_entries.entity_id) "
                   f"WHERE entity = '{table}'")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name, when in OWNER_ONLY_TRIGGERS.items():
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON {when.split(" ON ")[1].split()[0]}')
        for table in POLICIES:
            for action in ('read', 'insert', 'update', 'delete'):
                op.execute(f'DROP POLICY IF EXISTS {table}_{action} ON {table}')
            if table != 'submissions':
                op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
        op.execute('DROP FUNCTION IF EXISTS crm_scope_units()')
        op.execute('DROP FUNCTION IF EXISTS crm_provincial_units()')
    op.drop_table('submissions')
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_owner_unit_id_units'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_owner_unit_id'))
            batch_op.drop_column('owner_unit_id')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_unit_id'))
        batch_op.drop_column('unit_id')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('reviewer')
