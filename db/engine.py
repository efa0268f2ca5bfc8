"""Where the database is and how to connect to it (SQLite pragmas, PostgreSQL through psycopg 3)."""
from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from db.errors import DatabaseRefused

ENV_URL = "CRM_DATABASE_URL"
# How long a writer waits for another SQLite writer before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_S = 15.0
ENV_BUSY_TIMEOUT = "CRM_SQLITE_BUSY_TIMEOUT"


def sqlite_busy_timeout() -> float:
    """Seconds to wait for the write lock: CRM_SQLITE_BUSY_TIMEOUT when it is a number ≥ 0, else the default."""
    try:
        seconds = float(os.environ.get(ENV_BUSY_TIMEOUT, ""))
    except ValueError:
        return SQLITE_BUSY_TIMEOUT_S
    return seconds if seconds >= 0 else SQLITE_BUSY_TIMEOUT_S


def default_sqlite_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("crm", appauthor=False) / "crm.sqlite3"


def resolve_url(explicit: str | None = None) -> URL:
    """--db beats CRM_DATABASE_URL beats the per-user SQLite file. A bare path means a SQLite file."""
    raw = explicit or os.environ.get(ENV_URL) or str(default_sqlite_path())
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if "password" in url.query:  # ?password=… is a password like any other: kept where it is hidden
        value = url.query["password"]
        url = url.difference_update_query(["password"]).set(password=value if isinstance(value, str) else value[-1])
    return url


def display_url(url: URL) -> str:
    """The URL as it may appear in any message or log: never with its password."""
    return url.render_as_string(hide_password=True)


_SECRET_PATTERNS = (
    re.compile(r"(://[^:/@\s]*:)[^@\s]*(@)"),  # scheme://user:secret@host
    re.compile(r"(password\s*[=:]\s*['\"]?)[^\s'\"&;]+", re.IGNORECASE),  # password=secret, password: 'secret'
)


def scrub_secrets(text: str, *urls: URL | None) -> str:
    """Any text that may quote a connection (a driver's error, a server's message, a traceback) with
    every password masked: the URLs' own, and anything written the way passwords are written."""
    for url in urls:
        if url is not None and url.password:
            text = text.replace(str(url.password), "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***\2" if pattern.groups == 2 else r"\1***", text)
    return text


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> Path | None:
    if not is_sqlite(url) or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def make_engine(url: URL, *, foreign_keys: bool = True, pooled: bool = True) -> Engine:
    if is_sqlite(url):
        path = sqlite_file(url)
        if path is not None and path.is_dir():
            # SQLite would make nothing of a folder either, only fail later with a file-system error.
            raise DatabaseRefused("db_is_folder", path=path)
        if path is not None and not path.parent.is_dir():
            # Only the default location is made on first use: a mistyped --db is not a new database.
            if path != default_sqlite_path():
                raise DatabaseRefused("db_folder_missing", path=path)
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": sqlite_busy_timeout(), "check_same_thread": False},
            poolclass=None if pooled else NullPool,
        )
        _configure_sqlite(engine, foreign_keys=foreign_keys)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        poolclass=None if pooled else NullPool,
        # jit off: under row-level security a city's queries are estimated far above their real cost, and
        # PostgreSQL would spend 100-300 ms compiling a 35 ms query (bench/bench_rls.py).
        connect_args={"connect_timeout": 10, "options": "-c jit=off"} if url.get_backend_name() == "postgresql" else {},
    )


def enable_wal(engine: Engine) -> None:
    """Readers never wait for the writer (a persistent setting of the file)."""
    raw = engine.raw_connection()  # outside any transaction (the mode cannot change within one)
    try:
        raw.cursor().execute("PRAGMA journal_mode=WAL")
    finally:
        raw.close()


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Take transaction control from the sqlite3 module so that SAVEPOINTs and BEGIN IMMEDIATE work.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        # WAL is set once, when crm makes or migrates the file (enable_wal): connecting changes
        # nothing in a file, so a backup or a read-only copy is read as it is.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # Writers take the write lock up front: a deferred transaction that later wants to write
        # fails at once with SQLITE_BUSY instead of waiting out the busy timeout.
        mode = "IMMEDIATE" if conn.get_execution_options().get("crm_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")
