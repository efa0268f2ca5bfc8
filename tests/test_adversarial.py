"""Hundreds of hostile invocations across the commands, generated from templates and hostile values:
bad, future and out-of-order dates, absurd numbers, 1 MB strings, NUL and control characters, markup,
SQL-looking text, emoji, unknown refs, wrong option combinations. Whatever they are, crm answers with a
documented exit code and one line, never a traceback, never "the database failed" (exit 5: the database
is fine), and a refusal leaves every row of the database as it was."""
from __future__ import annotations

import hashlib
import itertools
import random

from pathlib import Path

from sqlalchemy import create_engine, func, select, text

import db.models  # noqa: F401  (every table on the metadata)
from db.base import Base
from db.engine import resolve_url

SEED = 20261207
INVOCATIONS = int(__import__("os").environ.get("CRM_HOSTILE_INVOCATIONS", "320"))  # per backend

DATES = ["2030-01-01", "0001-01-01", "9999-12-31", "2011-02-30", "2011-13-01", "昨天", "", "1e5", "2011-11-18\x00",
         "２０１１－１１－１８", "2011-11-18; DROP TABLE projects", "1949-12-31"]
NUMBERS = ["1e20", "1e400", "-5", "1,2,3", "1e-50", "NaN", "inf", "99999999999999999999", "0x10", "１２３",
           "12.345", "0", "-0", "1_000", " 5 ", "五百"]
TEXTS = ["x" * 1_000_000, "\x00abc", "a\x1b[31mred\x1b[0m", "[bold red]markup[/]", "'; DROP TABLE projects; --",
         "😀" * 50, "=cmd|' /C calc'!A0", "\u202egnp.exe", "", " ", "\t\n", "企业反映：用地（200亩）", "名" * 300]
REFS = ["P99999", "A99", "#99999999999999999999", "E0000", "", "../../etc/passwd", "P00001'--", "😀", "x" * 120_000]
IDS = ["0", "-1", "99999999999999999999", "abc", "C#1", "1.5", ""]
STATUSES = ["active", "stalled", "terminated", "deleted", "已终止", ""]
STAGES = ["lead", "signed", "construction", "production", "results", "finished", "投产", ""]
KINDS = ["visit", "call", "party", ""]

TEMPLATES = [
    ("projects", "add", "--name", "{text}", "--investor", "{text}", "--industry", "光伏", "--city", "南昌",
     "--amount", "{number}", "--signed-on", "{date}"),
    ("projects", "add", "--name", "对抗测试", "--investor", "示例", "--industry", "{text}", "--city", "{text}",
     "--signed-on", "2011-11-18"),
    ("projects", "edit", "{ref}", "--amount", "{number}"),
    ("projects", "edit", "P00001", "--jobs", "{number}", "--planned-construction", "{date}"),
    ("projects", "edit", "P00001", "--name", "{text}", "--notes", "{text}"),
    ("projects", "edit", "P00001", "--planned-construction", "2013-01-01", "--planned-production", "{date}"),
    ("projects", "advance", "{ref}", "--to", "{stage}", "--on", "{date}"),
    ("projects", "advance", "P00001", "--to", "{stage}", "--on", "{date}", "--note", "{text}"),
    ("projects", "correct", "P00001", "--on", "{date}", "--note", "{text}"),
    ("projects", "correct", "P00001", "--retract", "--on", "{date}", "--note", "x"),
    ("projects", "status", "{ref}", "--to", "{status}", "--on", "{date}", "--reason", "{text}"),
    ("projects", "figure", "P00001", "--funds", "{number}", "--on", "{date}"),
    ("projects", "figure", "P00001", "--funds", "1", "--invested", "{number}"),
    ("projects", "convert", "{ref}", "--on", "{date}"),
    ("projects", "show", "{ref}"),
    ("followups", "add", "{ref}", "--on", "{date}", "--note", "{text}", "--kind", "{kind}"),
    ("followups", "add", "P00001", "--on", "2026-11-01", "--note", "x", "--next-on", "{date}"),
    ("followups", "correct", "{id}", "--on", "{date}", "--why", "{text}"),
    ("followups", "retract", "{id}", "--why", "{text}"),
    ("problems", "raise", "{ref}", "--on", "{date}", "--description", "{text}"),
    ("problems", "resolve", "{id}", "--on", "{date}"),
    ("problems", "reopen", "{id}", "--on", "{date}", "--reason", "{text}"),
    ("figures", "correct", "{id}", "--amount", "{number}", "--why", "x"),
    ("events", "add", "--programme", "{ref}", "--title", "{text}", "--level", "city"),
    ("events", "add", "--programme", "2011-544", "--title", "{text}", "--level", "{status}", "--when", "{date}"),
    ("events", "add", "--programme", "2011-544", "--title", "对抗活动", "--level", "city", "--scale", "{number}"),
    ("events", "edit", "{ref}", "--when", "{text}"),
    ("events", "fix-date", "{ref}", "--on", "{date}", "--to", "{date}"),
    ("events", "plan-submitted", "{ref}", "--on", "{date}"),
    ("events", "summary-submitted", "A1", "--on", "{date}"),
    ("events", "show", "{ref}"),
    ("programmes", "add", "--year", "{number}", "--title", "{text}"),
    ("programmes", "copy", "{ref}", "--year", "{number}"),
    ("programmes", "edit", "2011-544", "--title", "{text}"),
    ("contacts", "add", "--name", "{text}", "--mobile", "{text}", "--email", "{text}"),
    ("contacts", "add", "--name", "对抗", "--mobile", "{number}"),
    ("contacts", "edit", "{id}", "--name", "{text}"),
    ("contacts", "search", "{text}"),
    ("contacts", "show", "{id}"),
    ("contacts", "merge", "{id}", "{id}"),
    ("organizations", "add", "--name", "{text}", "--kind", "{kind}", "--region", "{text}"),
    ("organizations", "search", "{text}"),
    ("invitations", "add", "{ref}", "{id}", "--status", "{status}"),
    ("invitations", "remove", "A1", "{id}"),
    ("invitations", "set-status", "{ref}", "--status", "{status}", "{id}"),
    ("invitations", "list", "{ref}", "--search", "{text}"),
    ("import", "invitees", "{ref}"),
    ("import", "undo", "{id}"),
    ("export", "weekly", "--week", "{text}", "--out", "{tmp}/w.xlsx"),
    ("export", "weekly", "--as-of", "{date}", "--week", "2011-W40", "--out", "{tmp}/w.xlsx"),
    ("export", "plan", "{ref}", "--as-of", "{date}", "--out", "{tmp}/p.xlsx"),
    ("deadlines", "--as-of", "{date}"),
    ("report", "kpi", "--as-of", "{date}", "--from", "{date}", "--to", "{date}"),
    ("report", "kpi", "--industry", "{text}", "--city", "{text}", "--event", "{ref}"),
    ("history", "{ref}"),
    ("staff", "add", "{text}", "--name", "{text}"),
    ("units", "add", "{text}", "--kind", "{kind}"),
    ("industries", "add", "{text}", "--code", "{text}"),
    ("cities", "add", "{text}", "--short", "{text}"),
    ("backup", "{tmp}"),
    ("restore", "{ref}"),
    ("projects", "list", "--json", "--bogus"),
    ("events", "fix-date", "A1"),
]
SLOTS = {"date": DATES, "number": NUMBERS, "text": TEXTS, "ref": REFS, "id": IDS, "status": STATUSES,
         "stage": STAGES, "kind": KINDS}


def invocations(rng: random.Random, count: int, tmp: str) -> list[list[str]]:
    """Every template with hostile values drawn for its slots, round-robin so each template is tried often."""
    found = []
    for template in itertools.islice(itertools.cycle(TEMPLATES), count):
        args = []
        for part in template:
            if part.startswith("{") and part.endswith("}") and part[1:-1] in SLOTS:
                args.append(rng.choice(SLOTS[part[1:-1]]))
            else:
                args.append(part.replace("{tmp}", tmp))
        found.append(args)
    return found


def fingerprint(url: str) -> tuple[dict[str, int], str]:
    """Row counts per table and a checksum of every row: SQLite's file and journal byte for byte,
    PostgreSQL's rows hashed by the server."""
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            tables = Base.metadata.sorted_tables  # the models' tables: no reflection per call
            counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in tables}
            if conn.dialect.name == "postgresql":
                parts = [conn.execute(text(f'SELECT md5(string_agg(md5(t::text), \'\' ORDER BY md5(t::text))) '
                                           f'FROM "{t.name}" t')).scalar() or "" for t in tables]
                return counts, hashlib.sha256("".join(parts).encode()).hexdigest()
    finally:
        engine.dispose()
    digest = hashlib.sha256()
    for path in (Path(url), Path(f"{url}-wal")):
        if path.exists():
            digest.update(path.read_bytes())
    return counts, digest.hexdigest()


def test_hostile_invocations(cli, demo_backend, tmp_path):
    url = demo_backend.url
    rng = random.Random(SEED)
    before = fingerprint(url)
    failures = []
    for args in invocations(rng, INVOCATIONS, str(tmp_path)):
        result = cli("--db", url, *args)
        shown = [a[:40] + ("…" if len(a) > 40 else "") for a in args]
        if "Traceback" in result.err or result.code not in (0, 1, 2, 3, 4, 6):
            failures.append((shown, result.code, result.err[:300]))
            continue
        if result.code != 0:
            if result.err.count("\n") != 1 or not result.err.startswith("crm"):
                failures.append((shown, "not one line", result.err[:300]))
            after = fingerprint(url)
            if after != before:
                changed = {t for t in after[0] if after[0][t] != before[0].get(t)}
                failures.append((shown, "refused but changed", sorted(changed) or "contents"))
            before = after
        else:
            before = fingerprint(url)
    assert not failures, "\n".join(map(repr, failures[:40])) + f"\n({len(failures)} in all, seed {SEED})"
