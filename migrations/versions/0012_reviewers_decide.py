"""PostgreSQL: only reviewers decide, whatever a login types into psql

Row-level security (0007) lets a city's login change its own submissions and the supervision orders
addressed to it; that must not include accepting them. Triggers let a decision — a submission's outcome, an
order closed, a reply accepted or not — be recorded only by a provincial reviewer (staff.reviewer), the
tables' owner, a superuser or a role that is no staff member (a shared app role, as before units). A new
staff row may name a reviewer only when the owner adds it. No change on SQLite (one user, one file).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""
from __future__ import annotations

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

REVIEWER_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION crm_reviewer_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND (to_jsonb(NEW) ->> TG_ARGV[0]) IS NULL THEN
    RETURN NEW;  -- nothing decided yet
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper)
     OR pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                   WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME), 'USAGE')
     OR NOT EXISTS (SELECT 1 FROM staff WHERE login = current_user)
     OR EXISTS (SELECT 1 FROM staff WHERE login = current_user AND reviewer)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'permission denied: only a reviewer may decide on %', TG_TABLE_NAME USING ERRCODE = '42501';
END $$
"""
TRIGGERS = {
    'submissions_reviewer_decides': (
        "BEFORE INSERT OR UPDATE OF outcome, decided_on, decided_by_id ON submissions FOR EACH ROW",
        "crm_reviewer_only('outcome')"),
    'supervision_orders_reviewer_closes': (
        "BEFORE INSERT OR UPDATE OF closed_on, closed_by_id ON supervision_orders FOR EACH ROW",
        "crm_reviewer_only('closed_on')"),
    'supervision_replies_reviewer_decides': (
        "BEFORE INSERT OR UPDATE OF accepted, decided_on, decided_by_id ON supervision_replies FOR EACH ROW",
        "crm_reviewer_only('decided_on')"),
    'staff_reviewer_by_owner': (
        "BEFORE INSERT ON staff FOR EACH ROW WHEN (NEW.reviewer)", "crm_owner_only()"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(REVIEWER_ONLY_FUNCTION)
    for name, (when, function) in TRIGGERS.items():
        op.execute(f'CREATE TRIGGER {name} {when} EXECUTE FUNCTION {function}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, (when, _function) in TRIGGERS.items():
        op.execute(f'DROP TRIGGER IF EXISTS {name} ON {when.split(" ON ")[1].split()[0]}')
    op.execute('DROP FUNCTION IF EXISTS crm_reviewer_only()')
