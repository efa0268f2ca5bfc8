"""events, deadlines, report kpi, demo, db and backup through `crm`, with failure cases."""
import sqlite3

import pytest


@pytest.fixture
def db(cli, backend):
    assert cli("--db", backend.url, "demo").code == 0
    return backend.url


def test_fix_date_changes_deadlines_and_marks_fixed(cli, db):
    result = cli("--db", db, "events", "fix-date", "A2-PV", "--on", "2011-11-18", "--to", "2011-11-19")
    assert result.code == 0, result.err
    event = cli("--db", db, "events", "show", "A2-PV", "--json").json()
    assert event["date_fixed"] is True
    assert (event["starts_on"], event["ends_on"]) == ("2011-11-18", "2011-11-19")
    assert event["plan_due"] == "2011-10-04"  # 45 days before 18 Nov
    assert event["summary_due"] == "2011-12-03"  # 14 days after 19 Nov


def test_fix_date_refuses_end_before_start(cli, db):
    result = cli("--db", db, "events", "fix-date", "B1", "--on", "2011-03-10", "--to", "2011-03-09")
    assert result.code == 1 and "不能早于" in result.err


def test_deadlines_as_of_a_date(cli, db):
    # 2011-09-10: A2 meetings' plans due 2011-09-17 (due); B4 plan due 2011-09-01 (overdue);
    # C1 plan due 2011-07-18 and C2's 2011-06-17: overdue; C3 summary due 2011-07-15: overdue ...
    rows = cli("--db", db, "deadlines", "--as-of", "2011-09-10", "--json").json()
    by_key = {(r["kind"], r["ref"]): r for r in rows}
    assert by_key[("plan", "A2-PV")]["status"] == "due" and by_key[("plan", "A2-PV")]["due"] == "2011-09-17"
    assert by_key[("plan", "B4")]["status"] == "overdue"
    assert ("plan", "A2") not in by_key  # an activity holding meetings files no plan of its own
    assert set(rows[0]) == {"kind", "ref", "title", "due", "status"}
    statuses = [r["status"] for r in rows]
    assert statuses == sorted(statuses, key=["overdue", "due", "done"].index)


def test_plan_submitted_turns_deadline_done(cli, db):
    assert cli("--db", db, "events", "plan-submitted", "A2-PV", "--on", "2011-09-05").code == 0
    rows = cli("--db", db, "deadlines", "--as-of", "2011-09-10", "--json").json()
    assert {(r["kind"], r["ref"]): r["status"] for r in rows}[("plan", "A2-PV")] == "done"


def test_deadlines_bad_date(cli, db):
    result = cli("--db", db, "deadlines", "--as-of", "2011-13-01", "--json")
    assert result.code == 1 and "日期无效" in result.err and result.out == ""


def test_unknown_event(cli, db):
    result = cli("--db", db, "events", "show", "Z1")
    assert result.code == 1 and "找不到活动：Z1" in result.err


def _project(cli, db, name, industry, city, amount, signed, event=None, form="contract"):
    args = ["--db", db, "projects", "add", "--name", name, "--investor", f"{name}投资方", "--industry", industry,
            "--city", city, "--amount", amount, "--signed-on", signed, "--form", form, "--json"]
    if event:
        args += ["--event", event]
    result = cli(*args)
    assert result.code == 0, result.err
    return result.json()["ref"]


def test_kpi_report_by_hand(cli, db):
    a = _project(cli, db, "甲", "光伏", "新余", "100000", "2011-11-20", "A2-PV")
    b = _project(cli, db, "乙", "光伏", "上饶", "50000", "2011-11-20", "A2-PV", form="agreement")
    c = _project(cli, db, "丙", "铜", "鹰潭", "50000", "2011-10-20", "B4")
    _project(cli, db, "丁", "铜", "鹰潭", "10000", "2012-05-01")  # signed after the as-of date
    cli("--db", db, "projects", "advance", a, "--to", "construction", "--on", "2012-02-01")
    cli("--db", db, "projects", "advance", a, "--to", "production", "--on", "2012-03-01")
    cli("--db", db, "projects", "advance", c, "--to", "construction", "--on", "2012-04-01")  # after as-of
    cli("--db", db, "projects", "figure", a, "--funds", "60000", "--on", "2012-02-15")
    cli("--db", db, "projects", "figure", b, "--funds", "15000", "--on", "2012-01-15")
    cli("--db", db, "projects", "convert", b, "--on", "2012-01-10")
    cli("--db", db, "problems", "raise", c, "--on", "2012-01-05", "--text", "电力增容")
    cli("--db", db, "problems", "raise", a, "--on", "2012-01-05", "--text", "用地")
    cli("--db", db, "problems", "resolve", "2", "--on", "2012-02-01")
    cli("--db", db, "projects", "status", c, "--to", "terminated", "--on", "2012-03-01", "--reason", "撤资")

    report = cli("--db", db, "report", "kpi", "--as-of", "2012-03-31", "--json").json()
    assert report["as_of"] == "2012-03-31"
    assert report["signed"] == 3 and report["signed_amount"] == 200000.0
    assert report["started_rate"] == 0.3333  # only 甲 by 31 March
    assert report["production_rate"] == 0.3333
    assert report["results_rate"] == 0.0
    assert report["funds_in_place_rate"] == 0.375  # 75000 / 200000
    assert report["problems_resolved_rate"] == 0.5
    assert report["performance_rate"] == 0.6667  # 丙 terminated
    assert report["agreement_conversion_rate"] == 1.0
    assert report["by_industry"]["光伏"]["signed"] == 2
    assert report["by_city"]["鹰潭市"]["signed"] == 1
    # The same data a year earlier: nothing signed yet.
    assert cli("--db", db, "report", "kpi", "--as-of", "2011-01-01", "--json").json()["signed"] == 0
    # A cohort: signed at one event.
    event_report = cli("--db", db, "report", "kpi", "--as-of", "2012-03-31", "--event", "A2-PV", "--json").json()
    assert event_report["signed"] == 2 and event_report["started_rate"] == 0.5


def test_report_kpi_plain_output(cli, db):
    result = cli("--db", db, "report", "kpi", "--as-of", "2012-01-01")
    assert result.code == 0 and "统计截至 2012-01-01" in result.out


def test_demo_refuses_to_overwrite_without_force(cli, db):
    again = cli("--db", db, "demo")
    assert again.code == 1 and "--force" in again.err
    forced = cli("--db", db, "demo", "--force")
    assert forced.code == 0, forced.err
    assert len(cli("--db", db, "events", "list", "--json").json()) == 16


def test_db_commands(cli, backend):
    assert cli("--db", backend.url, "db", "upgrade").code == 0
    from db.migrate import head_revision

    current = cli("--db", backend.url, "db", "current")
    assert current.code == 0 and f"{head_revision()}（最新：{head_revision()}）" in current.out
    check = cli("--db", backend.url, "db", "check")
    assert check.code == 0, check.err


def test_db_check_on_empty_database_fails_until_upgraded(cli, tmp_path):
    url = str(tmp_path / "fresh.sqlite3")
    assert cli("--db", url, "db", "check").code == 1
    assert cli("--db", url, "db", "upgrade").code == 0
    assert cli("--db", url, "db", "check").code == 0


def test_first_use_creates_and_migrates(cli, tmp_path):
    url = str(tmp_path / "new.sqlite3")
    result = cli("--db", url, "events", "list", "--json")
    assert result.code == 0 and result.json() == []


def test_backup_is_a_consistent_copy(cli, tmp_path):
    url = str(tmp_path / "live.sqlite3")
    assert cli("--db", url, "demo", "--size", "small").code == 0
    target = tmp_path / "copy.sqlite3"
    result = cli("--db", url, "backup", str(target))
    assert result.code == 0, result.err
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM projects").fetchone()[0] == 42
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert cli("--db", str(target), "events", "list", "--json").code == 0


def test_unreachable_postgres_is_one_line_without_password(cli):
    result = cli("--db", "postgresql://crm:s3cret-pw@127.0.0.1:1/crm", "events", "list")
    assert result.code == 5
    assert "无法连接数据库" in result.err and "s3cret-pw" not in result.err and "***" in result.err
    assert result.err.count("\n") == 1


def test_unwritable_sqlite_location(cli):
    result = cli("--db", "/proc/no-such-dir/crm.sqlite3", "events", "list")
    assert result.code != 0 and "Traceback" not in result.err and result.err.count("\n") == 1


def test_usage_error_is_translated_and_exit_2(cli):
    result = cli("projects", "advance", "P1", "--to", "finished", "--on", "2011-01-01")
    assert result.code == 2 and "用法错误" in result.err


def test_summary_submitted(cli, db):
    # B1 is known only as March 2011: its summary is due 14 days after 31 March
    assert cli("--db", db, "events", "summary-submitted", "B1", "--on", "2011-04-02").code == 0
    assert cli("--db", db, "events", "show", "B1", "--json").json()["summary_submitted_on"] == "2011-04-02"
    rows = cli("--db", db, "deadlines", "--as-of", "2011-04-05", "--json").json()
    assert {(r["kind"], r["ref"]): r["status"] for r in rows}[("summary", "B1")] == "done"


def test_project_warnings_in_deadlines(cli, db):
    ref = cli("--db", db, "projects", "add", "--name", "晚开工项目", "--investor", "示例公司", "--industry", "铜",
              "--city", "鹰潭", "--amount", "5000", "--signed-on", "2011-10-20", "--planned-construction",
              "2012-01-31", "--planned-production", "2012-12-31", "--json").json()["ref"]
    cli("--db", db, "followups", "add", ref, "--on", "2011-12-01", "--note", "电话了解进度", "--kind", "call",
        "--next-on", "2011-12-20")
    rows = cli("--db", db, "deadlines", "--as-of", "2012-02-01", "--json").json()
    mine = {r["kind"]: r for r in rows if r["ref"] == ref}
    assert mine["construction"]["status"] == "overdue" and mine["construction"]["due"] == "2012-01-31"
    assert mine["followup"]["due"] == "2011-12-20" and mine["followup"]["status"] == "overdue"
    assert mine["stale"]["due"] == "2011-12-31"  # 30 days after the last follow-up
    assert "production" not in mine  # 31 Dec 2012 is still far away
    cli("--db", db, "projects", "advance", ref, "--to", "construction", "--on", "2012-01-25")
    rows = cli("--db", db, "deadlines", "--as-of", "2012-02-01", "--json").json()
    assert "construction" not in {r["kind"] for r in rows if r["ref"] == ref}


def test_correct_a_chosen_step_and_bad_corrections(cli, db):
    ref = cli("--db", db, "projects", "add", "--name", "陶瓷项目", "--investor", "示例陶瓷", "--industry", "ceramics",
              "--city", "萍乡", "--amount", "8000", "--signed-on", "2011-07-20", "--json").json()["ref"]
    cli("--db", db, "projects", "advance", ref, "--to", "construction", "--on", "2011-09-01")
    history = cli("--db", db, "projects", "show", ref, "--json").json()["stage_history"]
    signed_id = history[0]["id"]
    too_late = cli("--db", db, "projects", "correct", ref, "--step", str(signed_id), "--on", "2011-09-02",
                   "--note", "x")
    assert too_late.code == 1 and "晚于下一阶段" in too_late.err
    ok = cli("--db", db, "projects", "correct", ref, "--step", str(signed_id), "--on", "2011-07-18", "--note", "签约日")
    assert ok.code == 0, ok.err
    assert cli("--db", db, "projects", "show", ref, "--json").json()["signed_on"] == "2011-07-18"
    missing = cli("--db", db, "projects", "correct", ref, "--retract")
    assert missing.code == 2  # --note is required


def test_figure_invested_and_convert_before_signing_refused(cli, db):
    ref = cli("--db", db, "projects", "add", "--name", "光伏组件", "--investor", "示例光伏", "--industry", "pv",
              "--city", "新余", "--amount", "30000", "--signed-on", "2011-11-20", "--form", "agreement",
              "--json").json()["ref"]
    assert cli("--db", db, "projects", "figure", ref, "--invested", "12000.5", "--on", "2012-03-01").code == 0
    assert cli("--db", db, "projects", "show", ref, "--json").json()["investment_completed"] == 12000.5
    early = cli("--db", db, "projects", "convert", ref, "--on", "2011-11-01")
    assert early.code == 1 and "不能早于" in early.err
    assert cli("--db", db, "projects", "figure", ref, "--funds", "-1").code == 1



def test_an_event_follows_its_city_and_level_with_its_meetings_and_invitations(cli, db, monkeypatch):
    """The unit an event belongs to (crm.rules.scope.owner_of_event) follows an edit of its city or level,
    in the same unit of work and audited; its meetings and the invitations made in its unit's name go with
    it, those another unit made stay that unit's. A city's staff cannot move an event away by editing it."""
    from sqlalchemy import text

    from db.session import Database

    def run(login, *args, code=0):
        monkeypatch.setenv("CRM_USER", login)
        result = cli("--db", db, *args)
        assert result.code == code, (login, args, result.out, result.err)
        return result

    def seen(login):
        return {e["ref"] for e in run(login, "events", "list", "--json").json()}

    def owners():
        """{event ref: its unit}, {(event ref, invitee): the invitation's unit}, as stored."""
        database = Database(db)
        with database.engine.connect() as conn:
            events = dict(conn.execute(text(
                "SELECT e.ref, u.name FROM events e JOIN units u ON u.id = e.owner_unit_id")).all())
            invitations = {(ref, name): unit for ref, name, unit in conn.execute(text(
                "SELECT e.ref, c.name, u.name FROM invitations i JOIN events e ON e.id = i.event_id "
                "JOIN contacts c ON c.id = i.contact_id JOIN units u ON u.id = i.owner_unit_id"))}
        database.dispose()
        return events, invitations

    for args in (("staff", "add", "nc", "--unit", "南昌市政府"), ("staff", "add", "jj", "--unit", "九江市政府")):
        run("tester", *args)
    meeting = run("tester", "events", "add", "--programme", "2011-544", "--parent", "B1", "--title", "南昌对接会分会",
                  "--json").json()["ref"]
    for name in ("张伟", "李娜"):
        run("tester", "contacts", "add", "--name", name, "--organization", "示例光伏科技有限公司")
    run("tester", "invitations", "add", "B1", "1")  # in B1's unit's name: 南昌's
    run("tester", "invitations", "add", "A5", "1")  # the province's, to its own event
    run("jj", "invitations", "add", "A5", "2")  # 九江 invites to a provincial event: its own invitation
    events, invitations = owners()
    assert (events["B1"], events[meeting], events["A5"]) == ("南昌市政府", "南昌市政府", "省本级")
    assert invitations == {("B1", "张伟"): "南昌市政府", ("A5", "张伟"): "省本级", ("A5", "李娜"): "九江市政府"}
    assert {"B1", meeting} <= seen("nc") and not {"B1", meeting} & seen("jj")

    # Staff of 南昌 put their event in 九江: it stays 南昌's, as everything they enter is.
    assert "改归" not in run("nc", "events", "edit", "B1", "--city", "九江").err
    assert owners()[0]["B1"] == "南昌市政府" and "B1" not in seen("jj")
    run("nc", "events", "edit", "B1", "--city", "南昌")

    # A provincial edit of its city: the event goes to 九江 with its meeting and its invitation, said on stderr.
    moved = run("tester", "events", "edit", "B1", "--city", "九江", "--json")
    assert moved.json() == {"ref": "B1", "changed": ["city"]}
    assert moved.err == "活动 B1 改归九江市政府（原属南昌市政府），其会议和以原单位名义的邀请随之改归\n"
    events, invitations = owners()
    assert (events["B1"], events[meeting], invitations[("B1", "张伟")]) == ("九江市政府",) * 3
    assert {"B1", meeting} <= seen("jj") and not {"B1", meeting} & seen("nc")
    assert [i["name"] for i in run("jj", "invitations", "list", "B1", "--json").json()] == ["张伟"]
    history = run("tester", "history", "B1", "--json").json()
    city, owner = ([c for c in history["changes"] if c["field"] == field and c["action"] == "update"][-1]
                   for field in ("region_id", "owner_unit_id"))
    assert "九江" in city["new"] and "南昌市政府" in owner["old"] and "九江市政府" in owner["new"]
    assert city["version"] == owner["version"] == history["version"]  # one edit, one version
    meeting_trail = run("tester", "history", meeting, "--json").json()["changes"]
    assert [(c["old"], c["new"]) for c in meeting_trail if c["field"] == "owner_unit_id" and c["action"] == "update"] \
        == [(owner["old"], owner["new"])]

    # Its level: a provincial event is the province's, read by every city.
    english = run("tester", "--lang", "en", "events", "edit", "B1", "--level", "provincial")
    assert "event B1 now belongs to 省本级 (was 九江市政府)" in english.err
    events, invitations = owners()
    assert (events["B1"], events[meeting], invitations[("B1", "张伟")]) == ("省本级",) * 3
    assert "B1" in seen("nc") and "B1" in seen("jj")
    # Another edit that leaves what the unit follows from as it was moves nothing.
    assert "改归" not in run("tester", "events", "edit", "B1", "--place", "九江国际会展中心").err

    # A provincial event goes to a city: the province's invitation follows it, 九江's own stays 九江's.
    run("tester", "events", "edit", "A5", "--level", "city", "--city", "南昌")
    events, invitations = owners()
    assert events["A5"] == "南昌市政府"
    assert (invitations[("A5", "张伟")], invitations[("A5", "李娜")]) == ("南昌市政府", "九江市政府")

    # Nor can a city's staff give their event away by putting it under the province's activity.
    own = run("nc", "events", "add", "--programme", "2011-544", "--title", "南昌自办推介会", "--level", "city",
              "--city", "南昌", "--when", "2011-02-20", "--json").json()["ref"]
    refused = run("nc", "events", "edit", own, "--parent", "A1", code=1)
    assert refused.err.count("\n") == 1 and own in refused.err and "省本级" in refused.err
    assert owners()[0][own] == "南昌市政府" and own in seen("nc")
    assert run("nc", "events", "show", own, "--json").json()["parent"] is None
    # Nor take the province's meeting by taking it out of its activity.
    provincial = run("tester", "events", "add", "--programme", "2011-544", "--parent", "A1", "--title", "A1南昌分会",
                     "--city", "南昌", "--json").json()["ref"]
    refused = run("nc", "events", "edit", provincial, "--parent", "", code=1)
    assert "由省本级改归南昌市政府" in refused.err
    assert owners()[0][provincial] == "省本级"
    assert run("nc", "events", "show", provincial, "--json").json()["parent"] == "A1"
