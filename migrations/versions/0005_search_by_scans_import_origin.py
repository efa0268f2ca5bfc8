"""search by scans and a pinyin column; imported rows carry their import batch

Search indexes cost more than they saved: the FTS5 trigram tables, pg_trgm indexes and ~12 search-key
rows per contact made an import of 50,000 rows spend three quarters of its time keeping them, while a
plain scan of 100,000 contacts takes under 10 ms. They are replaced by the derived column `pinyin`
(db.pinyin) on contacts and organizations; search scans columns (crm.services.search).

An import recorded every row it created twice (an import_changes row for undo, an audit entry); the
created row now names its batch in `import_batch_id`, and undo and history read it from there.
Changed rows keep their import_changes rows (the old values). ix_contacts_organization_id goes: the
index (organization_id, name_key) starts with the same column.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from __future__ import annotations

import importlib
import re

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

SEARCH_0003 = 'migrations.versions.0003_contact_search_and_merges'
# import_changes.entity of each table that imports create rows in.
IMPORTED = {'organizations': 'organization', 'contacts': 'contact', 'invitations': 'invitation'}
CHUNK = 2000
# PostgreSQL answers `LIKE 'abc%'` from a btree only in the C collation or with pattern operators:
# these serve the prefix searches (crm.services.search) whatever the database's collation.
PREFIX_INDEXES = {
    'search_contacts_name_key_prefix': ('contacts', 'name_key'),
    'search_contacts_mobile_key_prefix': ('contacts', 'mobile_key'),
    'search_contacts_email_key_prefix': ('contacts', 'email_key'),
    'search_organizations_name_key_prefix': ('organizations', 'name_key'),
}


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns))


def upgrade() -> None:
    bind = op.get_bind()
    importlib.import_module(SEARCH_0003).drop_search_objects(bind)
    for table_name in IMPORTED:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            if table_name != 'invitations':
                batch_op.add_column(sa.Column('pinyin', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('import_batch_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table_name}_import_batch_id_import_batches'), 'import_batches', ['import_batch_id'],
                ['id'],
            )
            if table_name == 'contacts':
                batch_op.drop_index('ix_contacts_organization_id')
    _fill_pinyin(bind)
    if bind.dialect.name == 'postgresql':
        for name, (table_name, column) in PREFIX_INDEXES.items():
            op.execute(f'CREATE INDEX {name} ON {table_name} ({column} varchar_pattern_ops)')
    _move_import_origins(bind)


def _move_import_origins(bind) -> None:
    """Each row a live (not undone) batch created gets the batch's id. Read once and written by id: an
    undone batch's rows are gone, and on SQLite a later batch may have created rows under the same ids."""
    changes = _table('import_changes', 'batch_id', 'entity', 'entity_id', 'action')
    batches = _table('import_batches', 'id', 'undone_at')
    live = (
        sa.select(changes.c.entity, changes.c.entity_id, changes.c.batch_id)
        .join(batches, batches.c.id == changes.c.batch_id)
        .where(changes.c.action == 'create', batches.c.undone_at.is_(None))
        .order_by(changes.c.batch_id)
    )
    origins: dict[str, dict[int, int]] = {entity: {} for entity in IMPORTED.values()}
    for entity, entity_id, batch_id in bind.execute(live):
        if entity in origins:
            origins[entity][entity_id] = batch_id  # the latest live batch, should two name one id
    for table_name, entity in IMPORTED.items():
        target = _table(table_name, 'id', 'import_batch_id')
        statement = (sa.update(target).where(target.c.id == sa.bindparam('row_id'))
                     .values(import_batch_id=sa.bindparam('batch')))
        values = [{'row_id': entity_id, 'batch': batch_id} for entity_id, batch_id in origins[entity].items()]
        for start in range(0, len(values), CHUNK):
            bind.execute(statement, values[start : start + CHUNK])
    bind.execute(sa.delete(changes).where(changes.c.action == 'create'))


def _fill_pinyin(bind) -> None:
    from db.pinyin import contact_pinyin, organization_pinyin  # derived values: today's rule, as live rows get

    for table_name, derive in (('contacts', contact_pinyin), ('organizations', organization_pinyin)):
        table = _table(table_name, 'id', 'name_key', 'pinyin')
        rows = bind.execute(sa.select(table.c.id, table.c.name_key)).all()
        values = [{'row_id': row.id, 'value': derive(row.name_key)} for row in rows]
        values = [v for v in values if v['value'] is not None]
        statement = sa.update(table).where(table.c.id == sa.bindparam('row_id')).values(pinyin=sa.bindparam('value'))
        for start in range(0, len(values), CHUNK):
            bind.execute(statement, values[start : start + CHUNK])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for name in PREFIX_INDEXES:
            op.execute(f'DROP INDEX IF EXISTS {name}')
    changes = _table('import_changes', 'batch_id', 'entity', 'entity_id', 'action', 'before')
    for table_name, entity in IMPORTED.items():
        target = _table(table_name, 'id', 'import_batch_id')
        bind.execute(sa.insert(changes).from_select(
            ['batch_id', 'entity', 'entity_id', 'action'],
            sa.select(target.c.import_batch_id, sa.literal(entity), target.c.id, sa.literal('create'))
            .where(target.c.import_batch_id.is_not(None)),
        ))
    keys = _search_key_rows(bind)  # read while the pinyin columns are still there
    for table_name in IMPORTED:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table_name}_import_batch_id_import_batches'),
                                     type_='foreignkey')
            batch_op.drop_column('import_batch_id')
            if table_name != 'invitations':
                batch_op.drop_column('pinyin')
            if table_name == 'contacts':
                batch_op.create_index('ix_contacts_organization_id', ['organization_id'], unique=False)
    # After the rebuilds above: a rebuilt SQLite table loses its triggers (the FTS5 ones among them).
    importlib.import_module(SEARCH_0003).create_search_objects(bind)
    search_keys = _table('search_keys', 'entity', 'kind', 'term', 'entity_id')
    for start in range(0, len(keys), CHUNK):
        bind.execute(sa.insert(search_keys), keys[start : start + CHUNK])


_CJK_RUN = re.compile('[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+')


def _search_key_rows(bind) -> list[dict]:
    """0003's search keys from the columns: names, pinyin pairs, mobile and email keys, CJK 1–2 grams."""
    rows = []
    for entity, table_name, columns in (('c', 'contacts', ('mobile_key', 'email_key')), ('o', 'organizations', ())):
        table = _table(table_name, 'id', 'name_key', 'pinyin', *columns)
        for row in bind.execute(sa.select(table)).mappings():
            terms = {('n', row['name_key'])}
            tokens = (row['pinyin'] or '').split()
            terms |= {('p', full) for full in tokens[0::2]} | {('i', initials) for initials in tokens[1::2]}
            for run in _CJK_RUN.findall(row['name_key']):
                terms |= {('g', gram) for gram in run} | {('g', run[i : i + 2]) for i in range(len(run) - 1)}
            terms |= {(kind, row[name]) for kind, name in (('m', 'mobile_key'), ('e', 'email_key'))
                      if name in row and row[name]}
            rows += [{'entity': entity, 'kind': kind, 'term': term[:255], 'entity_id': row['id']} for kind, term in terms]
    return rows
