"""The README's "first ten minutes", run as written in a shell on a fresh database."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def first_ten_minutes_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## A new team's first ten minutes", 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1)


def test_first_ten_minutes_runs_as_written(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    script = "set -euo pipefail\n" + first_ten_minutes_block()
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "E0001" in done.stdout.splitlines()[-3] or "E0001" in done.stdout  # the deadlines table at the end
    database = tmp_path / "zhaoshang.sqlite3"
    assert database.exists()

    def crm(*args):
        result = subprocess.run(["crm", "--db", str(database), *args, "--json"], env=env, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    events = {e["ref"]: e for e in crm("events", "list")}
    assert events["E0001"]["level"] == "provincial" and events["E0001"]["plan_due"] == "2026-10-04"
    assert events["E0002"]["date_precision"] == "dekad" and events["E0002"]["plan_due"] == "2026-11-11"
    invited = crm("invitations", "list", "E0001")
    assert sorted(i["name"] for i in invited) == ["张伟", "李娜"]
    projects = crm("projects", "list")
    assert [p["name"] for p in projects] == ["年产5GW光伏组件项目"]
    due = {(d["kind"], d["ref"]): d["status"] for d in crm("deadlines")}  # today is pinned by the tests
    assert due[("plan", "E0001")] == "overdue" and due[("plan", "E0002")] == "overdue"
    assert due[("summary", "E0001")] == "due"  # 14 days after 18 November
