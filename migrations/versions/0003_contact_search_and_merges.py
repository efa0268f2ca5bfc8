"""contact search (search keys, FTS5 trigram / pg_trgm) and contact merges

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Hand-made objects (named search_*, ignored by autogenerate):
- search_keys: names, pinyin, initials, mobile/email keys and CJK unigrams/bigrams (db.search_index);
- SQLite: FTS5 trigram tables over contacts and organizations, external content, kept by triggers;
- PostgreSQL: pg_trgm GIN indexes, only when the extension exists or can be created here.
Since 0005 these objects are gone (search scans columns and a derived pinyin column), so the keys of
existing rows are no longer computed here: 0005 drops the table, and its downgrade refills it.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CONTACT_TRGM_COLUMNS = ('name_key', 'title', 'mobile_key', 'phone', 'email_key')
# One FTS5 table per group of similar fields: a query for a name never reads the doclists of
# trigrams that every email shares (@example.com, qq.com).
FTS_TABLES = {
    'search_contact_fts': ('contacts', ('name_key', 'title')),
    'search_contact_phone_fts': ('contacts', ('mobile_key', 'phone')),
    'search_contact_email_fts': ('contacts', ('email_key',)),
    'search_org_fts': ('organizations', ('name_key',)),
}


def upgrade() -> None:
    op.create_table('contact_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['kept_id'], ['contacts.id'], name=op.f('fk_contact_merges_kept_id_contacts')),
    sa.ForeignKeyConstraint(['merged_id'], ['contacts.id'], name=op.f('fk_contact_merges_merged_id_contacts')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_contact_merges_staff_id_staff')),
    sa.ForeignKeyConstraint(['undone_by_id'], ['staff.id'], name=op.f('fk_contact_merges_undone_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_merges'))
    )
    op.create_index(op.f('ix_contact_merges_kept_id'), 'contact_merges', ['kept_id'], unique=False)
    op.create_index(op.f('ix_contact_merges_merged_id'), 'contact_merges', ['merged_id'], unique=False)
    op.create_index(op.f('ix_contacts_name_key'), 'contacts', ['name_key'], unique=False)

    create_search_objects(op.get_bind())


def create_search_objects(bind) -> None:
    """search_keys, and FTS5 tables (SQLite) or pg_trgm indexes (PostgreSQL); 0005's downgrade too."""
    # Byte-order collation on PostgreSQL: prefix ranges (term >= 'zs' AND term < 'zt') stay exact.
    op.create_table('search_keys',
    sa.Column('entity', sa.String(1), nullable=False),
    sa.Column('kind', sa.String(1), nullable=False),
    sa.Column('term', sa.String(255).with_variant(sa.String(255, collation='C'), 'postgresql'), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'kind', 'term', 'entity_id', name='search_keys_pkey'),
    sqlite_with_rowid=False,
    )
    op.create_index('search_keys_entity_id', 'search_keys', ['entity', 'entity_id'])
    if bind.dialect.name == 'sqlite':
        _create_fts(bind)
    elif bind.dialect.name == 'postgresql' and _pg_trgm_available(bind):
        op.execute(
            'CREATE INDEX search_trgm_contacts ON contacts USING gin ('
            + ', '.join(f'{c} gin_trgm_ops' for c in CONTACT_TRGM_COLUMNS) + ')'
        )
        op.execute('CREATE INDEX search_trgm_organizations ON organizations USING gin (name_key gin_trgm_ops)')


def _create_fts(bind) -> None:
    """FTS5 with the trigram tokenizer (SQLite ≥ 3.34); without it, search falls back to scans."""
    try:
        with bind.begin_nested():
            for fts, (table, columns) in FTS_TABLES.items():
                names = ', '.join(columns)
                old = ', '.join(f'old.{c}' for c in columns)
                new = ', '.join(f'new.{c}' for c in columns)
                bind.exec_driver_sql(
                    f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
                    "tokenize='trigram')"
                )
                bind.exec_driver_sql(
                    f'CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN '
                    f'INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END'
                )
                bind.exec_driver_sql(
                    f'CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN '
                    f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END"
                )
                bind.exec_driver_sql(
                    f'CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN '
                    f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
                    f'INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END'
                )
                bind.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    except sa.exc.OperationalError:  # no FTS5 or no trigram tokenizer in this SQLite build
        pass


def _pg_trgm_available(bind) -> bool:
    """pg_trgm if it is there or this role may create it; else search works without its indexes."""
    if bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
        return True
    try:
        with bind.begin_nested():
            bind.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        return True
    except sa.exc.DBAPIError:
        return False


def downgrade() -> None:
    drop_search_objects(op.get_bind())
    op.drop_index(op.f('ix_contacts_name_key'), table_name='contacts')
    op.drop_index(op.f('ix_contact_merges_merged_id'), table_name='contact_merges')
    op.drop_index(op.f('ix_contact_merges_kept_id'), table_name='contact_merges')
    op.drop_table('contact_merges')


def drop_search_objects(bind) -> None:
    if bind.dialect.name == 'sqlite':
        for fts in FTS_TABLES:
            for suffix in ('ai', 'ad', 'au'):
                op.execute(f'DROP TRIGGER IF EXISTS {fts}_{suffix}')
            op.execute(f'DROP TABLE IF EXISTS {fts}')
    elif bind.dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS search_trgm_contacts')
        op.execute('DROP INDEX IF EXISTS search_trgm_organizations')
    op.drop_index('search_keys_entity_id', table_name='search_keys')
    op.drop_table('search_keys')
