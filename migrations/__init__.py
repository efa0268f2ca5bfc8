"""Alembic migration scripts (run through db.migrate or `crm db upgrade`)."""
