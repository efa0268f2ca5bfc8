"""Every project and follow-up command through `crm`, with its failure cases, on both backends."""
import pytest


@pytest.fixture
def db(cli, backend):
    assert cli("--db", backend.url, "demo").code == 0
    return backend.url


def add(cli, db, *extra, name="赣州稀土深加工项目", amount="120000", signed="2011-06-15"):
    return cli("--db", db, "projects", "add", "--name", name, "--investor", "示例稀土集团有限公司",
               "--industry", "稀土钨新材料", "--city", "赣州", "--amount", amount, "--signed-on", signed, *extra)


def test_add_prints_ref_and_show_has_history(cli, db):
    result = add(cli, db, "--event", "B3", "--json")
    assert result.code == 0, result.err
    ref = result.json()["ref"]
    assert ref == "P00001"
    shown = cli("--db", db, "projects", "show", ref, "--json").json()
    assert shown["name"] == "赣州稀土深加工项目"
    assert shown["investor"] == "示例稀土集团有限公司"
    assert shown["city"] == "赣州市"
    assert shown["event"] == "B3"
    assert shown["amount"] == 120000.0
    assert shown["stage"] == "signed" and shown["signed_on"] == "2011-06-15"
    assert [s["stage"] for s in shown["stage_history"]] == ["signed"]
    assert shown["stage_history"][0]["recorded_by"] == "tester"


def test_plain_add_prints_only_the_ref(cli, db):
    result = add(cli, db)
    assert result.out.strip() == "P00001"


def test_advance_through_every_stage_then_list(cli, db):
    add(cli, db)
    for stage, day in (("construction", "2011-09-01"), ("production", "2012-06-30"), ("results", "2013-01-15")):
        result = cli("--db", db, "projects", "advance", "P00001", "--to", stage, "--on", day, "--note", "按期")
        assert result.code == 0, result.err
    assert "见效" in result.out
    listed = cli("--db", db, "projects", "list", "--json").json()
    assert [(p["ref"], p["stage"], p["stage_on"]) for p in listed] == [("P00001", "results", "2013-01-15")]
    history = cli("--db", db, "projects", "show", "P00001", "--json").json()["stage_history"]
    assert [(s["stage"], s["on"], s["note"]) for s in history] == [
        ("signed", "2011-06-15", None), ("construction", "2011-09-01", "按期"),
        ("production", "2012-06-30", "按期"), ("results", "2013-01-15", "按期")]


def test_advance_backwards_is_refused_and_nothing_written(cli, db):
    add(cli, db)
    assert cli("--db", db, "projects", "advance", "P00001", "--to", "construction", "--on", "2011-09-01").code == 0
    result = cli("--db", db, "projects", "advance", "P00001", "--to", "construction", "--on", "2011-10-01")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "阶段只能前进" in result.err
    assert "Traceback" not in result.err
    assert len(cli("--db", db, "projects", "show", "P00001", "--json").json()["stage_history"]) == 2


def test_advance_before_previous_date_is_refused(cli, db):
    add(cli, db)
    result = cli("--db", db, "projects", "advance", "P00001", "--to", "construction", "--on", "2011-06-14")
    assert result.code == 1 and "早于" in result.err


def test_correction_is_recorded_not_overwritten(cli, db):
    add(cli, db)
    cli("--db", db, "projects", "advance", "P00001", "--to", "construction", "--on", "2011-09-01")
    result = cli("--db", db, "projects", "correct", "P00001", "--on", "2011-08-20", "--note", "开工日期录错")
    assert result.code == 0, result.err
    shown = cli("--db", db, "projects", "show", "P00001", "--json").json()
    assert shown["stage_on"] == "2011-08-20"
    history = shown["stage_history"]
    assert [(s["stage"], s["on"], s["kind"], s["superseded"]) for s in history] == [
        ("signed", "2011-06-15", "advance", False),
        ("construction", "2011-09-01", "advance", True),
        ("construction", "2011-08-20", "correction", False),
    ]
    assert history[2]["corrects"] == history[1]["id"]


def test_retract_latest_step(cli, db):
    add(cli, db)
    cli("--db", db, "projects", "advance", "P00001", "--to", "construction", "--on", "2011-09-01")
    result = cli("--db", db, "projects", "correct", "P00001", "--retract", "--note", "误录")
    assert result.code == 0, result.err
    shown = cli("--db", db, "projects", "show", "P00001", "--json").json()
    assert shown["stage"] == "signed"
    assert len(shown["stage_history"]) == 3  # the original and its retraction both stay


def test_followup_with_problem_and_resolution(cli, db):
    add(cli, db)
    result = cli("--db", db, "followups", "add", "P00001", "--on", "2011-07-01", "--note", "走访企业",
                 "--next-on", "2011-07-15", "--problem", "用地指标未落实", "--problem-unit", "赣州市政府")
    assert result.code == 0, result.err
    problems = cli("--db", db, "problems", "list", "--json").json()
    assert [(p["project"], p["description"], p["responsible_unit"]) for p in problems] == [
        ("P00001", "用地指标未落实", "赣州市政府")]
    pid = problems[0]["id"]
    assert cli("--db", db, "problems", "resolve", str(pid), "--on", "2011-08-01").code == 0
    assert cli("--db", db, "problems", "list", "--json").json() == []
    again = cli("--db", db, "problems", "resolve", str(pid), "--on", "2011-08-02")
    assert again.code == 1 and "已于 2011-08-01 办结" in again.err
    detail = cli("--db", db, "projects", "show", "P00001", "--json").json()
    assert detail["followups"][0]["next_on"] == "2011-07-15"
    assert detail["problems"][0]["resolved_on"] == "2011-08-01"


def test_status_needs_reason_and_terminated_blocks_steps(cli, db):
    add(cli, db)
    assert cli("--db", db, "projects", "status", "P00001", "--to", "terminated", "--on", "2012-01-01").code == 1
    result = cli("--db", db, "projects", "status", "P00001", "--to", "terminated", "--on", "2012-01-01",
                 "--reason", "投资方撤资")
    assert result.code == 0, result.err
    blocked = cli("--db", db, "projects", "advance", "P00001", "--to", "construction", "--on", "2012-02-01")
    assert blocked.code == 1 and "已终止" in blocked.err


def test_figures_keep_history(cli, db):
    add(cli, db)
    assert cli("--db", db, "projects", "figure", "P00001", "--funds", "30000", "--on", "2011-12-31").code == 0
    assert cli("--db", db, "projects", "figure", "P00001", "--funds", "50000", "--on", "2012-06-30").code == 0
    shown = cli("--db", db, "projects", "show", "P00001", "--json").json()
    assert shown["funds_in_place"] == 50000.0
    assert [f["amount"] for f in shown["figures"]] == [30000.0, 50000.0]


def test_lead_then_signing(cli, db):
    result = cli("--db", db, "projects", "add", "--name", "铜箔项目", "--investor", "示例铜业", "--industry", "copper",
                 "--city", "鹰潭市", "--stage", "lead", "--entered-on", "2026-10-01")
    assert result.code == 0, result.err
    assert cli("--db", db, "projects", "advance", "P00001", "--to", "negotiating", "--on", "2026-11-01").code == 0
    assert cli("--db", db, "projects", "advance", "P00001", "--to", "signed", "--on", "2026-11-20").code == 0
    shown = cli("--db", db, "projects", "show", "P00001", "--json").json()
    assert shown["signed_on"] == "2026-11-20" and shown["stage"] == "signed"


@pytest.mark.parametrize(
    "args,message",
    [
        (("--amount", "-5"), "金额无效"),
        (("--amount", "abc"), "金额无效"),
        (("--signed-on", "2011-02-30"), "日期无效"),
        (("--industry", "造船"), "未知的产业"),
        (("--city", "火星"), "未知的地区"),
        (("--event", "Z9"), "找不到活动"),
    ],
)
def test_add_failures(cli, db, args, message):
    base = {"--name": "项目", "--investor": "示例公司", "--industry": "光伏", "--city": "南昌", "--amount": "100",
            "--signed-on": "2011-11-20"}
    base.update(dict(zip(args[::2], args[1::2])))
    result = cli("--db", db, "projects", "add", *[x for kv in base.items() for x in kv])
    assert result.code == 1
    assert message in result.err and result.err.count("\n") == 1
    assert cli("--db", db, "projects", "list", "--json").json() == []


def test_unknown_project_ref(cli, db):
    for args in (("projects", "show", "P99999"), ("projects", "advance", "P99999", "--to", "results", "--on", "2012-01-01"),
                 ("followups", "add", "P99999", "--on", "2012-01-01", "--note", "x")):
        result = cli("--db", db, *args)
        assert result.code == 1 and "找不到项目：P99999" in result.err


def test_messages_in_english(cli, db):
    result = cli("--db", db, "--lang", "en", "projects", "show", "P404")
    assert result.code == 1 and "no such project: P404" in result.err


def test_edit_sets_the_responsible_person_and_other_fields(cli, db):
    ref = add(cli, db, "--owner", "tester", "--json").json()["ref"]  # tester has just recorded something
    assert cli("--db", db, "projects", "show", ref, "--json").json()["responsible_staff"] == "tester"
    edited = cli("--db", db, "projects", "edit", ref, "--owner", "", "--jobs", "300", "--notes", "重点项目")
    assert edited.code == 0, edited.err
    assert "就业人数" in edited.out and "责任人" in edited.out
    shown = cli("--db", db, "projects", "show", ref, "--json").json()
    assert (shown["responsible_staff"], shown["jobs"], shown["notes"]) == (None, 300, "重点项目")
    history = cli("--db", db, "history", ref, "--json").json()["changes"]
    assert {(h["field"], h["new"]) for h in history if h["action"] == "update"} >= {("jobs", "300"), ("notes", "重点项目")}


def test_edit_refuses_unknown_staff_and_empty_edits(cli, db):
    ref = add(cli, db, "--json").json()["ref"]
    before = cli("--db", db, "projects", "show", ref, "--json").json()["version"]
    unknown = cli("--db", db, "projects", "edit", ref, "--owner", "nobody")
    assert unknown.code == 1 and "nobody" in unknown.err and "tester" in unknown.err
    assert cli("--db", db, "projects", "edit", ref).code == 1
    assert cli("--db", db, "projects", "edit", "P09999", "--notes", "x").code == 1
    shown = cli("--db", db, "projects", "show", ref, "--json").json()
    assert shown["version"] == before and shown["responsible_staff"] is None


def test_staff_added_by_a_team_lead_can_be_named_responsible(cli, db):
    added = cli("--db", db, "staff", "add", "wangfang", "--name", "王芳", "--json")
    assert added.code == 0, added.err
    assert added.json() == {"login": "wangfang", "name": "王芳"}
    assert cli("--db", db, "staff", "add", "WangFang").code == 1  # logins are one person whatever the case
    assert cli("--db", db, "staff", "add", "wang fang").code == 1
    assert cli("--db", db, "staff", "add", "lisi", "--unit", "不存在的单位").code == 1
    logins = [row["login"] for row in cli("--db", db, "staff", "list", "--json").json()]
    assert "wangfang" in logins and "lisi" not in logins
    ref = add(cli, db, "--json").json()["ref"]
    assert cli("--db", db, "projects", "edit", ref, "--owner", "王芳").code == 0  # by name
    assert cli("--db", db, "projects", "show", ref, "--json").json()["responsible_staff"] == "王芳"


def test_amounts_read_as_the_product_shows_them(cli, db, monkeypatch):
    """Thousands separated, two decimals only when there are fractions: never 5000.0 (JSON keeps numbers)."""
    monkeypatch.setenv("COLUMNS", "200")
    ref = add(cli, db, "--json", amount="5000").json()["ref"]
    shown = cli("--db", db, "projects", "show", ref)
    assert "5,000" in shown.out and "5000.0" not in shown.out
    assert cli("--db", db, "projects", "show", ref, "--json").json()["amount"] == 5000.0
    figure = cli("--db", db, "projects", "figure", ref, "--funds", "1234.5", "--on", "2011-07-01")
    assert figure.code == 0 and "1,234.50 万元" in figure.out
    assert cli("--db", db, "projects", "edit", ref, "--amount", "120000.25").code == 0
    shown = cli("--db", db, "projects", "show", ref).out
    assert "120,000.25" in shown and "1,234.50" in shown and "120000.2" not in shown and "1234.5" not in shown
    listed = cli("--db", db, "projects", "list").out
    assert "120,000.25" in listed
    history = cli("--db", db, "history", ref).out
    assert "5,000" in history and "120,000.25" in history and "5000.00" not in history
    english = cli("--lang", "en", "--db", db, "projects", "show", ref).out
    assert "120,000.25" in english and "1,234.50" in english
