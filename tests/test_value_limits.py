"""Every value at and beyond its limit, through the command line, on SQLite and on PostgreSQL: the lengths of
every user-text column, amounts, whole numbers, dates, ids, search text. The cases are generated from the
columns and the bounds of crm.services.values (at the limit, one past it, and lengths and amounts drawn with a
fixed seed in between), and each backend must give the exit code the rule says: 0 within the limits, 1 beyond
them, with one line on stderr, never a database error. A SQLite database filled with the largest accepted
values then backs up and restores into PostgreSQL."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from crm.i18n import t
from crm.rules.events import MAX_SCALE
from crm.services.values import AMOUNT_LIMIT, INT_MAX, JOBS_LIMIT, ROWS_LIMIT, SEARCH_LIMIT, TEXT_LIMIT
from db.models import (
    AuditEntry,
    Contact,
    Event,
    FollowUp,
    Industry,
    Organization,
    Problem,
    Programme,
    Project,
    ProjectFigure,
    Region,
    StageStep,
    Staff,
    StatusChange,
    Unit,
)
from tests.dbcompare import snapshot
from tests.pgscratch import scratch_database

SEED = 20261127
# Typed text as it arrives: full-width punctuation, brackets and digits, letters, CJK; no white space at the
# ends (typed text is trimmed) and none inside (logins take none); no ASCII "-" to start an option.
ALPHABET = "企业反映：用地（２００亩）测试项目ＡＢｃ－_.·【示例】，。"
SIGNED = "2026-01-05"


def typed(length: int, offset: int = 0) -> str:
    return "".join(ALPHABET[(offset + i) % len(ALPHABET)] for i in range(length))


def limit_of(column) -> int:
    return getattr(column.type, "length", None) or TEXT_LIMIT


def prepare(cli, db: str) -> None:
    """What the cases act on: an industry, a programme with an event, P00001 (a framework agreement
    converted to a contract), a follow-up #1 and a contact C#1."""
    steps = [
        ("industries", "add", "光伏", "--code", "pv"),
        ("programmes", "add", "--year", "2026", "--title", "2026年方案"),
        ("events", "add", "--programme", "2026", "--title", "定日活动", "--level", "city", "--when", "2026-11-10..2026-11-12"),
        ("projects", "add", "--name", "基础项目", "--investor", "基础投资方", "--industry", "pv", "--city", "南昌",
         "--amount", "100", "--signed-on", SIGNED, "--form", "agreement"),
        ("projects", "convert", "P00001", "--on", "2026-01-10"),
        ("followups", "add", "P00001", "--on", "2026-02-01", "--note", "走访"),
        ("contacts", "add", "--name", "张三", "--organization", "示例公司"),
    ]
    for args in steps:
        result = cli("--db", db, *args)
        assert result.code == 0, (args, result.err)


@dataclass(frozen=True)
class Case:
    """A command given one value: `run(cli, db, value, n)` runs it (n: a number unique to the value, for
    names that must differ) and returns the last result."""

    name: str
    run: Callable


def command(*template: str) -> Callable:
    """A single command; "{v}" is the value, "{n}" the unique number."""
    def run(cli, db, value, n):
        return cli("--db", db, *(value if part == "{v}" else part.replace("{n}", str(n)) for part in template))
    return run


def then(first: Callable, *more: tuple[str, ...]) -> Callable:
    """`first`, then (when it succeeded) commands that put the record back, so the next value starts alike."""
    def run(cli, db, value, n):
        result = first(cli, db, value, n)
        if result.code == 0:
            for args in more:
                assert cli("--db", db, *args).code == 0, args
        return result
    return run


def new_project(cli, db, n) -> str:
    result = cli("--db", db, "projects", "add", "--name", f"项目{n}", "--investor", "基础投资方", "--industry", "pv",
                 "--city", "南昌", "--signed-on", SIGNED)
    assert result.code == 0, result.err
    return result.out.strip()


def deleted_with_reason(cli, db, value, n):
    return cli("--db", db, "projects", "delete", new_project(cli, db, n), "--reason", value)


def resolved_with(cli, db, value, n):
    problem = cli("--db", db, "problems", "raise", "P00001", "--on", "2026-02-01", "--text", f"问题{n}").out.strip()
    return cli("--db", db, "problems", "resolve", problem, "--on", "2026-02-02", "--resolution", value)


def correction_why(cli, db, value, n):
    current = cli("--db", db, "projects", "show", "P00001", "--json").json()["followups"][-1]["id"]
    return cli("--db", db, "followups", "correct", str(current), "--note", f"走访{n}", "--why", value)


P, E = "P00001", "E0001"
# Every user-text column a command stores, and the command that stores it.
TEXT_CASES: list[tuple[object, Case]] = [
    (Project.__table__.c.name, Case("project name", command(
        "projects", "add", "--name", "{v}", "--investor", "甲", "--industry", "pv", "--city", "南昌", "--signed-on", SIGNED))),
    (Organization.__table__.c.name, Case("investor", command(
        "projects", "add", "--name", "乙", "--investor", "{v}", "--industry", "pv", "--city", "南昌", "--signed-on", SIGNED))),
    (Project.__table__.c.park, Case("park", command("projects", "edit", P, "--park", "{v}"))),
    (Project.__table__.c.notes, Case("project notes", command("projects", "edit", P, "--notes", "{v}"))),
    (StageStep.__table__.c.note, Case("stage note", command("projects", "correct", P, "--on", SIGNED, "--note", "{v}"))),
    (StatusChange.__table__.c.reason, Case("status reason", then(
        command("projects", "status", P, "--to", "stalled", "--reason", "{v}"), ("projects", "status", P, "--to", "active")))),
    (ProjectFigure.__table__.c.note, Case("figure note", command("projects", "figure", P, "--funds", "1", "--note", "{v}"))),
    (AuditEntry.__table__.c.note, Case("conversion correction", command("projects", "convert", P, "--on", "2026-01-11",
                                                                       "--why", "{v}"))),
    (AuditEntry.__table__.c.note, Case("deletion reason", deleted_with_reason)),
    (FollowUp.__table__.c.content, Case("follow-up", command("followups", "add", P, "--on", "2026-02-01", "--note", "{v}"))),
    (FollowUp.__table__.c.next_step, Case("next step", command(
        "followups", "add", P, "--on", "2026-02-01", "--note", "走访", "--next-step", "{v}"))),
    (FollowUp.__table__.c.correction_note, Case("correction why", correction_why)),
    (Problem.__table__.c.description, Case("problem", command("problems", "raise", P, "--on", "2026-02-01", "--text", "{v}"))),
    (Problem.__table__.c.resolution, Case("resolution", resolved_with)),
    (Staff.__table__.c.login, Case("login", command("staff", "add", "{v}"))),
    (Staff.__table__.c.name, Case("staff name", command("staff", "add", "login{n}", "--name", "{v}"))),
    (Staff.__table__.c.login, Case("--user", command("--user", "{v}", "followups", "add", P, "--on", "2026-02-01",
                                                     "--note", "走访"))),
    (Contact.__table__.c.name, Case("contact name", command("contacts", "add", "--name", "{v}"))),
    (Contact.__table__.c.title, Case("title", command("contacts", "add", "--name", "李{n}", "--title", "{v}"))),
    (Contact.__table__.c.phone, Case("phone", command("contacts", "add", "--name", "王{n}", "--phone", "{v}"))),
    (Contact.__table__.c.notes, Case("contact notes", command("contacts", "edit", "1", "--notes", "{v}"))),
    (Organization.__table__.c.name, Case("contact's organization", command(
        "contacts", "add", "--name", "赵{n}", "--organization", "{v}"))),
    (Organization.__table__.c.name, Case("organization", command("organizations", "add", "--name", "{v}"))),
    (Organization.__table__.c.address, Case("address", command("organizations", "add", "--name", "单位{n}",
                                                                "--address", "{v}"))),
    (Organization.__table__.c.notes, Case("organization notes", command("organizations", "add", "--name", "机构{n}",
                                                                        "--notes", "{v}"))),
    (Region.__table__.c.name, Case("organization region", command("organizations", "add", "--name", "境外{n}",
                                                                  "--region", "{v}"))),
    (Event.__table__.c.title, Case("event title", command(
        "events", "add", "--programme", "2026", "--title", "{v}", "--level", "city"))),
    (Event.__table__.c.venue, Case("place", command("events", "edit", E, "--place", "{v}"))),
    (Event.__table__.c.description, Case("event notes", command("events", "edit", E, "--notes", "{v}"))),
    (Event.__table__.c.programme_group, Case("group", command("events", "edit", E, "--group", "{v}"))),
    (Programme.__table__.c.title, Case("programme title", command("programmes", "add", "--year", "2027", "--title", "{v}"))),
    (Programme.__table__.c.document_no, Case("document number", command("programmes", "edit", "2026", "--document-no", "{v}"))),
    (Programme.__table__.c.notes, Case("programme notes", command("programmes", "edit", "2026", "--notes", "{v}"))),
    (Unit.__table__.c.name, Case("unit", command("units", "add", "{v}", "--kind", "department"))),
    (Industry.__table__.c.name, Case("industry", command("industries", "add", "{v}", "--code", "c{n}"))),
    (Industry.__table__.c.code, Case("industry code", command("industries", "add", "产业{n}", "--code", "{v}"))),
    (Region.__table__.c.name, Case("city", command("cities", "add", "{v}", "--short", "简{n}"))),
    (Region.__table__.c.short_name, Case("city short name", command("cities", "add", "城{n}", "--short", "{v}"))),
]


def text_values(limit: int, rng: random.Random) -> list[tuple[str, int]]:
    """(value, expected exit code): at the limit, one past it, far past it, and lengths drawn in between."""
    drawn = sorted({rng.randint(1, limit) for _ in range(2)})
    return [(typed(limit), 0), (typed(limit + 1, 1), 1), (typed(limit * 3 + 7, 2), 1),
            *((typed(length, 3 + i), 0) for i, length in enumerate(drawn))]


def amount_values(rng: random.Random, *, zero: int) -> list[tuple[str, int]]:
    """Amounts as typed; `zero`: the exit code of 0 (a contracted amount must be above it, a figure not)."""
    top = AMOUNT_LIMIT - 1
    drawn = [f"{rng.randint(1, int(top * 100)) / 100:.2f}" for _ in range(3)]
    return [
        ("0.01", 0), (f"{top}.99", 0), (str(AMOUNT_LIMIT), 1), ("0", zero), ("12,000.50", 0), ("１２０００", 0),
        ("1e20", 1), ("1e400", 1), ("1e-50", 1), ("1,2,3", 1), ("-5", 1), ("1.234", 1), ("NaN", 1),
        ("Infinity", 1), ("0x10", 1), ("9" * 400, 1), *((value, 0) for value in drawn),
    ]


AMOUNT_CASES = [
    (Case("contracted amount, add", command(
        "projects", "add", "--name", "额{n}", "--investor", "甲", "--industry", "pv", "--city", "南昌", "--signed-on",
        SIGNED, "--amount", "{v}")), 1),
    (Case("contracted amount, edit", command("projects", "edit", P, "--amount", "{v}")), 1),
    (Case("funds in place", command("projects", "figure", P, "--funds", "{v}")), 0),
    (Case("investment completed", command("projects", "figure", P, "--invested", "{v}")), 0),
]

# (case, the largest accepted). A scale is read as people write it (150-200, 约200人): its own rule,
# crm.rules.events.parse_scale, bounds it.
INTEGER_CASES = [
    (Case("jobs, add", command("projects", "add", "--name", "岗{n}", "--investor", "甲", "--industry", "pv",
                               "--city", "南昌", "--signed-on", SIGNED, "--jobs", "{v}")), JOBS_LIMIT),
    (Case("jobs, edit", command("projects", "edit", P, "--jobs", "{v}")), JOBS_LIMIT),
    (Case("scale", command("events", "edit", E, "--scale", "{v}")), MAX_SCALE),
]


def integer_values(high: int, rng: random.Random) -> list[tuple[str, int]]:
    return [(str(high), 0), (str(high + 1), 1), (str(INT_MAX + 1), 1), (str(10**20), 1), ("1.5", 1), ("abc", 1),
            ("-" + str(high + 1), 1), *((str(rng.randint(1, high)), 0) for _ in range(2))]


# (command, exit code): dates out of range, ids no row can have, limits, search text.
FIXED_CASES: list[tuple[tuple[str, ...], int]] = [
    (("followups", "add", P, "--on", "0001-01-01", "--note", "x"), 1),
    (("followups", "add", P, "--on", "9999-12-31", "--note", "x"), 1),
    (("deadlines", "--as-of", "9999-12-31"), 1),
    (("deadlines", "--as-of", "2200-12-31"), 0),
    (("report", "kpi", "--as-of", "1950-01-01"), 0),
    (("report", "kpi", "--as-of", "1949-12-31"), 1),
    (("problems", "list", "--as-of", "2201-01-01"), 1),
    (("projects", "advance", P, "--to", "construction", "--on", "2200-12-31"), 1),
    (("contacts", "show", "99999999999999999999"), 1),
    (("contacts", "show", str(INT_MAX + 1)), 1),
    (("contacts", "show", str(INT_MAX)), 1),
    (("contacts", "show", "1"), 0),
    (("contacts", "edit", "99999999999999999999", "--name", "x"), 1),
    (("contacts", "delete", "99999999999999999999", "--reason", "x"), 1),
    (("contacts", "merge", "1", "99999999999999999999"), 1),
    (("organizations", "edit", "O#99999999999999999999", "--name", "x"), 1),
    (("problems", "resolve", "99999999999999999999", "--on", "2026-02-01"), 1),
    (("problems", "resolve", "#" + str(INT_MAX + 1), "--on", "2026-02-01"), 1),
    (("followups", "correct", "99999999999999999999", "--note", "x", "--why", "y"), 1),
    (("figures", "retract", str(INT_MAX + 1), "--why", "y"), 1),
    (("history", "C#99999999999999999999"), 1),
    (("history", "#99999999999999999999"), 1),
    (("invitations", "add", E, "99999999999999999999"), 1),
    (("invitations", "remove", E, "99999999999999999999"), 1),
    (("contacts", "search", "张", "--limit", str(ROWS_LIMIT)), 0),
    (("contacts", "search", "张", "--limit", str(ROWS_LIMIT + 1)), 1),
    (("contacts", "search", "张", "--limit", str(10**20)), 1),
    (("organizations", "search", "示例", "--limit", "0"), 1),
    (("contacts", "search", typed(SEARCH_LIMIT)), 0),
    (("contacts", "search", typed(SEARCH_LIMIT + 1)), 1),
    (("contacts", "search", "张" * 120_000), 1),
    (("organizations", "search", "示例" * 60_000), 1),
    (("invitations", "list", E, "--search", "张" * 120_000), 1),
]


# The command line's last resort for a value no check caught (crm.cli.main): never what a case should meet.
SAFETY_NET = t("value_out_of_range")


def _check(cli, db: str, case: Case, values: list[tuple[str, int]]) -> list[str]:
    """Each value through the case's command: the mismatches, described (empty when all is as expected)."""
    wrong = []
    for n, (value, expected) in enumerate(values):
        result = case.run(cli, db, value, n)
        shown = value if len(value) <= 20 else f"{value[:12]}…({len(value)})"
        if result.code != expected:
            wrong.append(f"{case.name} {shown}: exit {result.code}, expected {expected}: {result.err.strip()[:200]}")
        elif expected and (result.err.count("\n") != 1 or not result.err.startswith("crm: ")):
            wrong.append(f"{case.name} {shown}: not one line: {result.err[:200]!r}")
        elif expected and any(word in result.err for word in ("数据库错误", "Error", SAFETY_NET)):
            wrong.append(f"{case.name} {shown}: not refused by a check: {result.err.strip()[:200]}")
    return wrong


@pytest.mark.parametrize("column,case", TEXT_CASES, ids=[case.name for _column, case in TEXT_CASES])
def test_text_at_and_beyond_its_column(cli, backend, column, case):
    prepare(cli, backend.url)
    values = text_values(limit_of(column), random.Random(f"{SEED}{case.name}"))
    assert _check(cli, backend.url, case, values) == []


@pytest.mark.parametrize("case,zero", AMOUNT_CASES, ids=[case.name for case, _zero in AMOUNT_CASES])
def test_amounts_at_and_beyond_their_bounds(cli, backend, case, zero):
    prepare(cli, backend.url)
    assert _check(cli, backend.url, case, amount_values(random.Random(f"{SEED}{case.name}"), zero=zero)) == []


@pytest.mark.parametrize("case,high", INTEGER_CASES, ids=[case.name for case, _high in INTEGER_CASES])
def test_whole_numbers_at_and_beyond_their_bounds(cli, backend, case, high):
    prepare(cli, backend.url)
    assert _check(cli, backend.url, case, integer_values(high, random.Random(f"{SEED}{case.name}"))) == []


def test_dates_ids_limits_and_searches_out_of_range(cli, backend):
    prepare(cli, backend.url)
    wrong = []
    for args, expected in FIXED_CASES:
        wrong += _check(cli, backend.url, Case(" ".join(a[:20] for a in args[:3]), command(*args)), [("", expected)])
    assert wrong == []


def test_a_broken_config_is_invalid_input(cli, backend, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_bytes(b'lang = "en\n\xff')
    monkeypatch.setenv("CRM_CONFIG", str(config))
    result = cli("--db", backend.url, "projects", "list")
    assert result.code == 1 and result.err.count("\n") == 1


def largest(n: int, column) -> str:
    return typed(limit_of(column), n)


def largest_accepted(cli, db: str) -> None:
    """Every text column at its limit, the largest amounts and numbers, through the commands."""
    prepare(cli, db)
    for n, (column, case) in enumerate(TEXT_CASES):
        result = case.run(cli, db, largest(n, column), 100 + n)
        assert result.code == 0, (case.name, result.err)
    top = f"{AMOUNT_LIMIT - 1}.99"
    for args in (("projects", "edit", P, "--amount", top, "--jobs", str(JOBS_LIMIT)),
                 ("projects", "figure", P, "--funds", top), ("projects", "figure", P, "--invested", top),
                 ("events", "edit", E, "--scale", "1000000", "--quota", "9999-9999")):
        result = cli("--db", db, *args)
        assert result.code == 0, (args, result.err)


def test_a_sqlite_database_of_the_largest_values_restores_into_postgresql(cli, tmp_path):
    with scratch_database("crm_limits") as pg:
        sqlite = str(tmp_path / "largest.sqlite3")
        largest_accepted(cli, sqlite)
        backup = tmp_path / "largest.zip"
        assert cli("--db", sqlite, "backup", "--portable", str(backup)).code == 0
        restored = cli("--db", pg, "restore", str(backup))
        assert restored.code == 0, restored.err
        assert snapshot(pg) == snapshot(sqlite)
        shown = cli("--db", pg, "projects", "show", P, "--json").json()
        notes = next(n for n, (_column, case) in enumerate(TEXT_CASES) if case.name == "project notes")
        assert shown["notes"] == largest(notes, Project.__table__.c.notes)
        assert shown["amount"] == float(f"{AMOUNT_LIMIT - 1}.99") and shown["jobs"] == JOBS_LIMIT
