"""a team's own year: programmes by year, unit tree, time precision, corrections of appended records

- programmes: year, issuing unit, notes; versioned and deletable like events (year backfilled from the
  issue date, else from the earliest event, else the year of the migration).
- units: parent (the unit tree); kinds province, city and park (city_government rows become city).
- events: time precision dekad (上中下旬), half (上下半年) and unknown (待定); longer section names.
- organizations: address.
- follow-ups, figures and problems: corrections as rows of their own (corrects_id, retracted,
  effective_on, superseded_on, correction_note); existing rows stay current.
- events, units and industries name the import batch that created them (programme tables); a batch
  says its kind (invitees, programme) and the programme it went into.
- regions: the province's cities come with every database (inserted where missing).
- PostgreSQL: the audit trail is append-only and the schema version belongs to the owner, whatever
  rights a role was granted (triggers; a superuser and the tables' owner are let through).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

UNIT_KINDS_OLD = ('department', 'office', 'city_government', 'collective')
UNIT_KINDS_NEW = ('province', 'department', 'office', 'city', 'park', 'collective')
PRECISIONS_OLD = ('day', 'month', 'quarter', 'year')
PRECISIONS_NEW = ('day', 'dekad', 'month', 'quarter', 'half', 'year', 'unknown')
CORRECTABLE = ('followups', 'project_figures', 'problems')
BATCHED = ('events', 'units', 'industries')
# 设区市 of Jiangxi (frozen here: the migration must not change when the program's lists do).
CITIES = (
    ('南昌市', '南昌'), ('景德镇市', '景德镇'), ('萍乡市', '萍乡'), ('九江市', '九江'), ('新余市', '新余'),
    ('鹰潭市', '鹰潭'), ('赣州市', '赣州'), ('吉安市', '吉安'), ('宜春市', '宜春'), ('抚州市', '抚州'),
    ('上饶市', '上饶'),
)


# Refuses a change unless it is made by the table's owner (or a member of that role) or a superuser.
OWNER_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION crm_owner_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper)
     AND NOT pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                        WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME), 'USAGE')
  THEN
    RAISE EXCEPTION 'permission denied: only the owner may % %', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$
"""
OWNER_ONLY_TRIGGERS = {
    'audit_entries_append_only': 'BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW',
    'audit_entries_kept': 'BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT',
    'alembic_version_owner_only': 'BEFORE INSERT OR UPDATE OR DELETE ON alembic_version FOR EACH ROW',
    'alembic_version_kept': 'BEFORE TRUNCATE ON alembic_version FOR EACH STATEMENT',
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_units_unit_kind'), type_='check')
    op.execute("UPDATE units SET kind = 'city' WHERE kind = 'city_government'")
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_units_parent_id_units'), 'units', ['parent_id'], ['id'])
        batch_op.create_check_constraint('unit_kind', _in('kind', UNIT_KINDS_NEW))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_events_date_precision'), type_='check')
        batch_op.alter_column('programme_group', existing_type=sa.String(length=32), type_=sa.String(length=128),
                              existing_nullable=True)
        batch_op.create_check_constraint('date_precision', _in('date_precision', PRECISIONS_NEW))

    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('issuing_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_programmes_issuing_unit_id_units'), 'units', ['issuing_unit_id'],
                                    ['id'])
    programmes = sa.table('programmes', sa.column('id'), sa.column('year'), sa.column('issued_on'),
                          sa.column('version'))
    events = sa.table('events', sa.column('programme_id'), sa.column('starts_on'))
    for programme_id, issued_on in bind.execute(sa.select(programmes.c.id, programmes.c.issued_on)).all():
        first = bind.scalar(sa.select(sa.func.min(events.c.starts_on)).where(events.c.programme_id == programme_id))
        day = issued_on or first
        if isinstance(day, str):  # SQLite hands dates back as text in a bare table clause
            day = dt.date.fromisoformat(day[:10])
        year = day.year if day else dt.date.today().year
        bind.execute(sa.update(programmes).where(programmes.c.id == programme_id).values(year=year, version=1))
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.alter_column('year', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('version', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=255), nullable=True))

    for table in CORRECTABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('retracted', sa.Boolean(), nullable=False, server_default=sa.false()))
            batch_op.add_column(sa.Column('effective_on', sa.Date(), nullable=True))
            batch_op.add_column(sa.Column('superseded_on', sa.Date(), nullable=True))
            batch_op.add_column(sa.Column('correction_note', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_corrects_id_{table}'), table, ['corrects_id'], ['id'])

    for table in BATCHED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('import_batch_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_import_batch_id_import_batches'), 'import_batches',
                                        ['import_batch_id'], ['id'])
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='invitees'))
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_import_batches_programme_id_programmes'), 'programmes',
                                    ['programme_id'], ['id'])
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=16), server_default=None, existing_nullable=False)

    if bind.dialect.name == 'postgresql':
        op.execute(OWNER_ONLY_FUNCTION)
        for name, when in OWNER_ONLY_TRIGGERS.items():
            op.execute(f'CREATE TRIGGER {name} {when} EXECUTE FUNCTION crm_owner_only()')

    regions = sa.table('regions', sa.column('name'), sa.column('short_name'), sa.column('in_province'))
    known = set(bind.scalars(sa.select(regions.c.name)))
    missing = [{'name': n, 'short_name': s, 'in_province': True} for n, s in CITIES if n not in known]
    if missing:
        op.bulk_insert(regions, missing)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name, when in OWNER_ONLY_TRIGGERS.items():
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON {when.split(" ON ")[1].split()[0]}')
        op.execute('DROP FUNCTION IF EXISTS crm_owner_only()')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_batches_programme_id_programmes'), type_='foreignkey')
        batch_op.drop_column('programme_id')
        batch_op.drop_column('kind')
    for table in BATCHED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_import_batch_id_import_batches'), type_='foreignkey')
            batch_op.drop_column('import_batch_id')
    # Corrections and the rows they replaced are both kept (0005 shows them side by side): nothing is lost.
    for table in CORRECTABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_corrects_id_{table}'), type_='foreignkey')
            batch_op.drop_column('corrects_id')
            batch_op.drop_column('correction_note')
            batch_op.drop_column('superseded_on')
            batch_op.drop_column('effective_on')
            batch_op.drop_column('retracted')

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('address')

    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programmes_issuing_unit_id_units'), type_='foreignkey')
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('version')
        batch_op.drop_column('notes')
        batch_op.drop_column('issuing_unit_id')
        batch_op.drop_column('year')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_events_date_precision'), type_='check')
    # 0005 knows no finer or vaguer precision: the span is kept, read as a month, a quarter or a year.
    op.execute("UPDATE events SET date_precision = 'month' WHERE date_precision = 'dekad'")
    op.execute("UPDATE events SET date_precision = 'year' WHERE date_precision IN ('half', 'unknown')")
    op.execute("UPDATE events SET programme_group = substr(programme_group, 1, 32) WHERE length(programme_group) > 32")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('programme_group', existing_type=sa.String(length=128), type_=sa.String(length=32),
                              existing_nullable=True)
        batch_op.create_check_constraint('date_precision', _in('date_precision', PRECISIONS_OLD))

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_units_unit_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_units_parent_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))
        batch_op.drop_column('parent_id')
    op.execute("UPDATE units SET kind = 'city_government' WHERE kind = 'city'")
    op.execute("UPDATE units SET kind = 'department' WHERE kind IN ('province', 'park')")
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_check_constraint('unit_kind', _in('kind', UNIT_KINDS_OLD))
