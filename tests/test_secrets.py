"""Passwords never shown: in the URL (user:password@, ?password=), from --db or CRM_DATABASE_URL, through
every failure path (refused connection, a server quoting the database, backup, restore, export, and
the CRM_DEBUG=1 traceback), nothing prints them. Only 127.0.0.1 is contacted."""
from __future__ import annotations

import socket

import pytest

from db.engine import display_url, resolve_url, scrub_secrets


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free now, and nobody listens on it


def _pg_port_open() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 5432)) == 0


SECRET = "Sekr3t-pw-4711"
PORT = _closed_port()
URLS = {
    "userinfo": f"postgresql://crm_app:{SECRET}@127.0.0.1:{PORT}/crm",
    "query": f"postgresql://crm_app@127.0.0.1:{PORT}/crm?password={SECRET}",
    "userinfo-psycopg": f"postgresql+psycopg://crm_app:{SECRET}@127.0.0.1:{PORT}/crm?connect_timeout=2",
    "no-such-database": f"postgresql://postgres:{SECRET}@127.0.0.1:5432/no_such_db_{PORT}",
}
COMMANDS = [
    ("events", "list"), ("db", "current"), ("db", "upgrade"), ("projects", "add", "--name", "x", "--investor", "y",
    "--industry", "pv", "--city", "南昌", "--signed-on", "2026-01-05"), ("report", "kpi"),
    ("backup", "{tmp}/b.zip", "--portable"), ("backup", "{tmp}/b.dump"), ("restore", "{tmp}/missing.zip"),
    ("export", "weekly", "--out", "{tmp}/w.xlsx"), ("history", "A1"),
]


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "CRM_DEBUG"])
@pytest.mark.parametrize("how", ["--db", "env"])
@pytest.mark.parametrize("name", sorted(URLS))
def test_no_password_in_any_failure(cli, monkeypatch, tmp_path, name, how, debug):
    if name == "no-such-database" and not _pg_port_open():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 to answer with its own message")
    url = URLS[name]
    if debug:
        monkeypatch.setenv("CRM_DEBUG", "1")
    if how == "env":
        monkeypatch.setenv("CRM_DATABASE_URL", url)
    for command in COMMANDS:
        args = [a.replace("{tmp}", str(tmp_path)) for a in command]
        result = cli(*(["--db", url] if how == "--db" else []), *args)
        shown = result.out + result.err
        assert SECRET not in shown, (command, shown)
        assert result.code in (1, 3, 5), (command, result.code, shown)
        if not debug:
            assert result.err.count("\n") == 1 and "Traceback" not in result.err, (command, result.err)


def test_a_query_password_is_hidden_like_any_other():
    url = resolve_url(URLS["query"])
    assert url.password == SECRET and "password" not in url.query
    assert SECRET not in display_url(url)


@pytest.mark.parametrize("text", [
    f"connection to server failed: FATAL: password authentication failed (password={SECRET})",
    f"could not connect: postgresql://u:{SECRET}@127.0.0.1/crm",
    f"password: '{SECRET}' was refused",
])
def test_quoted_passwords_are_masked(text):
    assert SECRET not in scrub_secrets(text)
