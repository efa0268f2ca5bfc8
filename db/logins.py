"""PostgreSQL logins for staff members (crm db create-login): each person connects as themselves, so that
row-level security (migration 0007) decides what they see. Run by the database's owner, which needs
CREATEROLE. The password never travels in clear: the server receives a SCRAM-SHA-256 verifier computed
here, as psql's \\password does, so that no statement log can hold it."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from sqlalchemy import Connection, text

SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)
TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"


class LoginRefused(Exception):
    """Why the role could not be made: `reason` is one of exists, no_createrole."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def create_login(conn: Connection, login: str, password: str) -> None:
    """A role that can log in with the data rights of the app role (README) and nothing more."""
    if conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :login"), {"login": login}):
        raise LoginRefused("exists")
    if not conn.scalar(text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")):
        raise LoginRefused("no_createrole")
    role = _quoted(conn, login)
    verifier = scram_verifier(password).replace("'", "''")  # base64 has no quote; kept safe all the same
    database = _quoted(conn, conn.scalar(text("SELECT current_database()")))
    for statement in (
        f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '{verifier}'",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {TABLE_RIGHTS} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO {role}",
    ):
        conn.exec_driver_sql(statement)


def _quoted(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)
