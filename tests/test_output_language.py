"""Every output in the user's language. In Chinese no code reaches the screen — no value of the domain's
vocabularies, no field name of a record, no argparse English — in any command's output, its help or its
usage errors; codes stay in --json. In English amounts read in English units."""
import enum
import re

import pytest

from db.audit import UNTRACKED_FIELDS
from db.models import (
    Contact,
    Event,
    FollowUp,
    Invitation,
    Organization,
    Problem,
    Programme,
    Project,
    ProjectFigure,
    ProjectMilestone,
    PromotionTrip,
    SupervisionOrder,
    SupervisionReply,
)
from db.models import enums

from crm.cli.main import build_parser
from crm.rules import deadlines

SHOWN = (Project, Event, Programme, Contact, Organization, Invitation, Problem, FollowUp, ProjectFigure,
         SupervisionOrder, SupervisionReply, ProjectMilestone, PromotionTrip)
_WORD = re.compile(r"[a-z][a-z0-9_]*")
# A code stands alone: not inside a longer ASCII word, an option (--planned-construction) or a data code
# (the industry mobile-phones).
_EDGE = "A-Za-z0-9_-"


def _vocabularies() -> list[type[enum.StrEnum]]:
    return [v for v in vars(enums).values()
            if isinstance(v, type) and issubclass(v, enum.StrEnum) and v.__module__ == enums.__name__]


def _codes(json_keys: set[str], kinds: set[str]) -> set[str]:
    """The values of every vocabulary, the deadlines' states and other kinds, the columns of the records
    people look at and the fields their JSON shows: the words no Chinese screen shows."""
    codes = {value for vocabulary in _vocabularies() for value in vocabulary}
    codes |= {deadlines.DONE, deadlines.DUE, deadlines.OVERDUE} | kinds
    codes |= {column.key for model in SHOWN for column in model.__table__.columns} | json_keys
    return {code for code in codes if _WORD.fullmatch(code)}


def _found(text: str, codes: set[str]) -> set[str]:
    return {code for code in codes if re.search(f"(?<![{_EDGE}]){code}(?![{_EDGE}])", text)}


def _typed_words() -> set[str]:
    """What people type to crm — commands, options, choices: help and usage errors show them as typed."""
    words, parsers = set(), [build_parser()]
    while parsers:
        parser = parsers.pop()
        for action in parser._actions:
            words |= set(action.option_strings)
            if isinstance(action.choices, dict):
                words |= set(action.choices)
                parsers += action.choices.values()
            elif action.choices:
                words |= {str(choice) for choice in action.choices}
    return words


def _without_typed(text: str, typed: set[str]) -> str:
    text = re.sub(r"\{[^{}]*\}", "", text)  # {a,b}: the values an option takes, as argparse shows them
    return re.sub(f"[{_EDGE}]+", lambda m: "" if m.group() in typed else m.group(), text)


def _command_paths() -> list[list[str]]:
    paths, todo = [], [([], build_parser())]
    while todo:
        path, parser = todo.pop()
        paths.append(path)
        for action in parser._actions:
            if isinstance(action.choices, dict):
                todo += [([*path, name], sub) for name, sub in action.choices.items()]
    return sorted(paths)


@pytest.fixture
def db(demo_backend, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # tables wide enough that no cell is cut short (a cut code hides)
    return demo_backend.url


def test_every_code_has_a_label():
    from crm import labels
    from crm.rules.stages import stage_label

    label_of = {
        enums.OrgKind: labels.org_kind_label, enums.UnitKind: labels.unit_kind_label,
        enums.EventLevel: labels.event_level_label, enums.EventKind: labels.event_kind_label,
        enums.DatePrecision: labels.precision_label, enums.OrganizerRole: labels.organizer_role_label,
        enums.InvitationStatus: labels.invitation_status_label, enums.Stage: stage_label,
        enums.SigningForm: labels.signing_form_label, enums.ProjectStatus: labels.project_status_label,
        enums.StepKind: labels.step_kind_label, enums.FigureKind: labels.figure_kind_label,
        enums.FollowUpKind: labels.followup_kind_label, enums.SubmissionKind: labels.submission_kind_label,
        enums.SubmissionOutcome: labels.submission_status_label, enums.InvestorOrigin: labels.origin_label,
        enums.MilestoneKind: labels.milestone_label, enums.Currency: labels.currency_label,
    }
    assert set(label_of) == set(_vocabularies())
    for vocabulary, label in label_of.items():
        assert all(label(value) != value for value in vocabulary), vocabulary
    for model in SHOWN:  # every column `crm history` shows (the trail leaves the untracked ones out)
        unlabelled = [c.key for c in model.__table__.columns
                      if c.key not in UNTRACKED_FIELDS and labels.field_label(model.__tablename__, c.key) == c.key]
        assert not unlabelled, model


def test_chinese_output_shows_no_code(cli, db, tmp_path):
    def run(*args, code=0):
        result = cli("--db", db, *args)
        assert result.code == code, (args, result.err)
        outputs.append((args, result.out + result.err))
        return result

    def json(*args):
        return cli("--db", db, *args, "--json").json()

    outputs: list[tuple[tuple, str]] = []
    run("programmes", "list")
    run("programmes", "show", "2011-544")
    run("programmes", "add", "--year", "2026", "--title", "2026年推介活动方案")
    run("programmes", "edit", "2026", "--document-no", "赣工信字〔2026〕1号", "--notes", "试行")
    run("programmes", "copy", "2011-544", "--year", "2027")
    run("events", "list")
    run("events", "show", "B3")
    run("events", "add", "--programme", "2026", "--title", "光伏产业合作推进会", "--level", "省", "--city", "南昌",
        "--when", "2026-11-18", "--host", "南昌市政府", "--industry", "光伏", "--quota", "5-8:光伏")
    event = json("events", "list", "--programme", "2026")[0]["ref"]
    run("events", "edit", event, "--place", "南昌国际展览中心", "--scale", "约200人", "--kind", "推介会")
    run("events", "show", event)
    run("events", "plan-submitted", event, "--on", "2026-10-01")
    run("events", "summary-submitted", event, "--on", "2026-11-20")
    run("events", "fix-date", event, "--on", "2026-11-18")
    run("deadlines")
    run("deadlines", "--as-of", "2011-06-01")
    run("projects", "list")
    run("projects", "add", "--name", "测试光伏项目", "--investor", "示例测试光伏有限公司", "--industry", "光伏",
        "--city", "南昌", "--amount", "1200", "--signed-on", "2026-11-18", "--event", event, "--form", "agreement")
    project = json("projects", "list")[-1]["ref"]
    run("projects", "edit", project, "--amount", "1500", "--park", "测试园区", "--jobs", "120")
    run("projects", "advance", project, "--to", "construction", "--on", "2026-11-20")
    run("projects", "correct", project, "--on", "2026-11-21", "--note", "录错")
    run("projects", "status", project, "--to", "stalled", "--reason", "资金不到位")
    run("projects", "status", project, "--to", "active", "--reason", "资金到位")
    run("projects", "figure", project, "--funds", "300", "--on", "2026-11-25")
    run("projects", "convert", project, "--on", "2026-11-26")
    run("followups", "add", project, "--on", "2026-11-26", "--note", "电话了解进度", "--kind", "call",
        "--next-step", "现场走访", "--next-on", "2026-12-10", "--problem", "用地指标", "--problem-unit", "省工信委新兴产业处")
    shown = json("projects", "show", project)
    followup, figure, problem = shown["followups"][0]["id"], shown["figures"][0]["id"], shown["problems"][0]["id"]
    run("followups", "correct", str(followup), "--why", "方式录错", "--kind", "visit")
    run("figures", "correct", str(figure), "--why", "金额录错", "--amount", "350")
    run("problems", "resolve", str(problem), "--on", "2026-11-27", "--resolution", "已协调")
    run("problems", "reopen", str(problem), "--on", "2026-11-27", "--reason", "未落实")
    run("problems", "raise", project, "--on", "2026-11-27", "--text", "融资缺口")
    run("problems", "list")
    shown = json("projects", "show", project)
    run("followups", "retract", str(shown["followups"][0]["id"]), "--why", "重复录入")
    run("figures", "retract", str(shown["figures"][0]["id"]), "--why", "重复录入")
    run("problems", "correct", str(shown["problems"][-1]["id"]), "--why", "描述不准", "--description", "融资缺口较大")
    run("projects", "show", project)
    run("projects", "show", project, "--with-corrections")
    run("projects", "show", "P00001")
    run("projects", "delete", project, "--reason", "测试")
    run("projects", "restore", project)
    run("history", project)
    run("history", event)
    run("history", "2026")
    run("history", f"#{problem}")
    run("contacts", "search", "示例")
    run("contacts", "show", "1")
    run("contacts", "add", "--name", "王测试", "--organization", "示例测试光伏有限公司", "--mobile", "13800138000")
    contact = json("contacts", "search", "王测试")[0]["id"]
    run("contacts", "edit", f"C#{contact}", "--title", "总经理")
    run("contacts", "merge", "1", "2", "--dry-run")
    run("contacts", "merge", "1", "2")
    run("contacts", "unmerge", "2")
    run("history", "C#1")
    run("organizations", "search", "示例")
    run("organizations", "add", "--name", "示例测试央企", "--kind", "央企", "--region", "北京")
    organization = json("organizations", "search", "示例测试央企")[0]["id"]
    run("organizations", "edit", f"O#{organization}", "--kind", "民企")
    run("history", f"O#{organization}")
    run("invitations", "list", "A1")
    run("invitations", "add", "A1", str(contact))
    invitation = next(i["id"] for i in json("invitations", "list", "A1") if i["contact_id"] == contact)
    run("invitations", "set-status", "A1", "--status", "invited", str(invitation))
    run("history", f"I#{invitation}")
    run("invitations", "add", "A1", "3")
    proposed = next(i["id"] for i in json("invitations", "list", "A1", "--status", "proposed"))
    run("invitations", "remove", "A1", str(proposed), "--reason", "不再邀请")
    run("contacts", "delete", f"C#{contact}", "--reason", "测试")
    run("contacts", "restore", f"C#{contact}")
    run("organizations", "delete", f"O#{organization}", "--reason", "测试")
    run("organizations", "restore", f"O#{organization}")
    invitees = tmp_path / "名单.csv"
    invitees.write_text("姓名,单位,职务,手机\n张伟,示例光伏科技有限公司,总经理,13800138001\n", encoding="utf-8")
    run("import", "invitees", str(invitees), "--event", "B3")
    run("import", "list")
    run("import", "undo", str(json("import", "list")[0]["batch"]))
    run("report", "kpi")
    run("staff", "add", "zhangsan", "--name", "张三")
    run("staff", "list")
    run("industries", "add", "测试产业")
    run("industries", "list")
    run("cities", "add", "测试市", "--outside")
    run("cities", "list")
    run("units", "add", "省工信委测试处", "--kind", "处室")
    run("units", "list")
    run("export", "weekly", "--out", str(tmp_path / "周报.xlsx"))  # file names are the user's words
    run("export", "event", "A1", "--out", str(tmp_path / "活动总结.xlsx"))
    run("export", "plan", "A1", "--out", str(tmp_path / "工作方案.xlsx"))
    run("programmes", "delete", "2027", "--reason", "测试")
    run("programmes", "restore", "2027")
    run("events", "delete", event, "--reason", "测试")
    run("events", "restore", event)
    run("projects", "show", "P99999", code=1)
    run("db", "current")

    codes = _codes(set(shown) | set(json("events", "show", "B3")) | set(shown["followups"][0]),
                   # what is due, and the kinds of import batches
                   {w["kind"] for w in json("deadlines", "--as-of", "2026-12-31")} | {"invitees", "programme"})
    assert {"construction", "contracted_amount", "starts_on", "overdue", "plan", "central_soe"} <= codes
    leaks = [(args, found) for args, text in outputs if (found := _found(text, codes))]
    assert not leaks


def test_chinese_help_and_usage_errors_show_no_code(cli):
    typed = _typed_words()
    codes = _codes(set(), set()) - typed
    leaks = []
    for path in _command_paths():
        result = cli(*path, "--help")
        assert result.code == 0 and "用法：" in result.out and "选项" in result.out, path
        for english in ("usage:", "positional arguments", "options:", "show this help"):
            assert english not in result.out, (path, english)
        if found := _found(_without_typed(result.out, typed), codes):
            leaks.append((path, found))
    assert not leaks

    for args, message in (
        (("projects", "advance", "P00001"), "缺少必需的参数：--to, --on"),
        (("projects", "show"), "缺少必需的参数：项目编号"),
        (("projects", "list", "--bogus"), "无法识别的参数：--bogus"),
        (("projects", "advance", "P00001", "--to", "x", "--on", "2011-01-01"), "参数 --to：无效的选择：'x'"),
        (("projects", "frobnicate"), "无效的选择：'frobnicate'"),
        (("projects", "add", "--name"), "参数 --name：需要一个值"),
        (("projects", "correct", "P00001", "--on", "2011-01-01", "--retract", "--note", "x"),
         "参数 --retract：不能与参数 --on 同时使用"),
        (("projects", "figure", "P00001"), "须给出以下参数之一：--funds --invested"),
        (("contacts", "search", "张", "--limit", "x"), "参数 --limit：无效的值：'x'"),
        (("projects", "list", "--json=1"), "参数 --json：该选项不带值：'1'"),
        (("invitations", "set-status", "A1", "--status", "invited"), "缺少必需的参数：邀请编号"),
    ):
        result = cli(*args)
        assert result.code == 2 and message in result.err, (args, result.err)
        assert not _found(_without_typed(result.err, typed), codes), args


# An all-caps ASCII word (REF, DATE, HOSTS, FILE.xlsx's FILE, YYYY-Www's YYYY): an English placeholder.
_CAPS = re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]*(?![a-z0-9_])")


def _placeholders(help_text: str) -> list[str]:
    """The words of a help page that stand for values: the usage lines, and the first column of the
    positional and option lines (what a user types), without the help texts beside them."""
    found, usage = [], True
    for line in help_text.splitlines():
        if usage:
            if not line.strip():
                usage = False
                continue
            found.append(line)
        elif re.match(r" {2,4}\S", line):
            found.append(re.split(r"\s{2,}", line.strip())[0])
    return found


def test_chinese_help_names_its_placeholders_in_chinese(cli):
    """crm … --help in Chinese: every placeholder of a value in Chinese (--on 日期, 项目编号, --host 单位), none
    in English capitals; the choices of an option are told with their labels (--to 阶段 … construction 开工).
    The top level (`crm --help`: --db, --user and the command) is crm.cli.main's, left out here."""
    leaks = []
    for path in _command_paths():
        if not path:
            continue
        result = cli(*path, "--help")
        assert result.code == 0, path
        caps = [word for part in _placeholders(result.out) for word in _CAPS.findall(part)]
        if caps:
            leaks.append((path, caps))
    assert not leaks
    advance = cli("projects", "advance", "--help").out
    assert "--to 阶段" in advance and "--on 日期" in advance and "construction 开工" in advance
    assert "{" not in advance  # no raw {negotiating,signed,…}: the placeholder, with the codes' labels below
    assert "--host 单位" in cli("events", "add", "--help").out
    assert "name 姓名" in cli("contacts", "merge", "--help").out
    english = cli("--lang", "en", "projects", "advance", "--help").out
    assert "--on DATE" in english and "{negotiating,signed,construction,production,results}" in english and "REF" in english


def test_english_keeps_argparse_and_says_units_in_english(cli, db):
    result = cli("--lang", "en", "projects", "advance", "--help")
    assert "usage:" in result.out and "options:" in result.out and "show this help message and exit" in result.out
    assert "the following arguments are required: --to, --on" in cli("--lang", "en", "projects", "advance", "P1").err
    for args in (("projects", "list"), ("projects", "show", "P00001"), ("report", "kpi"),
                 ("projects", "add", "--help"), ("projects", "edit", "--help"), ("projects", "figure", "--help"),
                 ("figures", "correct", "--help")):
        result = cli("--lang", "en", "--db", db, *args)
        assert result.code == 0, (args, result.err)
        assert "万元" not in result.out + result.err and "亿元" not in result.out + result.err, args
    assert "contracted investment (10k CNY)" in cli("--lang", "en", "projects", "edit", "--help").out
    assert "funds in place (10k CNY)" in cli("--lang", "en", "--db", db, "projects", "show", "P00001").out


def test_json_keeps_its_codes(cli, db):
    assert {w["kind"] for w in cli("--db", db, "deadlines", "--json").json()} >= {"plan", "construction"}
    shown = cli("--db", db, "projects", "show", "P00002", "--json").json()
    assert shown["status"] in ("active", "stalled") and shown["signing_form"] in ("contract", "agreement")
    assert cli("--db", db, "events", "show", "B3", "--json").json()["date_precision"] == "month"
