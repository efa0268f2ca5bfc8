"""The import as one unit of work, on SQLite and PostgreSQL: the samples with counts made by
hand, identity against the database and earlier rows, fill-blank-only, invitations, dry run, strict,
idempotence, undo and the rejected-rows workbook."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from crm.errors import FileRefused, NotFound, RuleViolation
from crm.importing.errors_out import write_rejected
from crm.importing.service import ImportOptions, import_invitees
from crm.importing.table import parse_mapping
from crm.importing.undo import undo_batch
from crm.rules.scope import province_unit
from db.models import (
    Contact,
    DatePrecision,
    Event,
    EventKind,
    EventLevel,
    ImportBatch,
    ImportChange,
    Invitation,
    InvitationStatus,
    Organization,
    OrgKind,
    Project,
)
from tests.conftest import SAMPLES
from tests.test_import_builders import HEADER, person_rows, write_csv, write_ods, write_xlsx

PV = SAMPLES / "invitees-pv-2011.xlsx"
NEV = SAMPLES / "invitees-nev-two-cities.xlsx"
COPPER = SAMPLES / "invitees-copper-gbk.csv"
WEB = SAMPLES / "invitees-web-export.xls"
TABLES = (Organization, Contact, Invitation, ImportBatch, ImportChange)


def run(database, path, **options):
    if "mapping" in options:
        options["mapping"] = parse_mapping(options["mapping"])
    return import_invitees(database, path, ImportOptions(**options), login="tester")


def table_counts(database) -> dict[str, int]:
    with database.unit_of_work(write=False) as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def add_event(database, ref="T1") -> str:
    with database.unit_of_work() as session:
        session.add(Event(ref=ref, title="测试合作推进会", level=EventLevel.CITY, kind=EventKind.COOPERATION,
                          starts_on=dt.date(2011, 9, 28), ends_on=dt.date(2011, 9, 28),
                          date_precision=DatePrecision.DAY, owner_unit_id=province_unit(session).id))
    return ref


def contact(database, **where) -> Contact:
    with database.unit_of_work(write=False) as session:
        query = select(Contact).where(*(getattr(Contact, k) == v for k, v in where.items()))
        found = session.scalars(query).one()
        session.expunge(found)  # readable after the read-only unit of work rolls back
        return found


def summary(result) -> tuple:
    return (result.rows, result.created, result.updated["contacts"], result.duplicates, len(result.errors))


# --- the samples (tests/fixtures/make_invitee_samples.py), counted by hand ---------------------------


def test_pv_sample(database):
    """22 data rows between a merged title, a 报送单位 line, one blank row and two footers. Rows 12 and
    18 are 待定 (organization-level); row 26 repeats 宋杰 of row 7; 昊嘉科技 (rows 10, 20) and 凌颖信息
    (rows 21, 24) employ two people each: 19 people at 19 organizations. The two pairs give their
    company different categories: two conflicts, nothing overwritten."""
    event = add_event(database)
    result = run(database, PV, event=event)
    assert summary(result) == (22, {"contacts": 19, "organizations": 19, "invitations": 21}, 0, 1, 0)
    assert [(c.row, c.field) for c in result.conflicts] == [(20, "category"), (24, "category")]
    assert result.sheets[0].header_row == 3 and result.sheets[0].rows == 22
    assert result.sheets[0].unknown_columns == []
    assert result.batch is not None and result.written
    qiu = contact(database, name_key="邱秀荣")  # 邱  秀荣 as the list wrote it, +86 138-5634-0883
    assert (qiu.name, qiu.mobile) == ("邱  秀荣", "13856340883")
    assert contact(database, mobile_key="13469268843").name == "邓志强"  # full-width digits
    assert contact(database, name="熊志强").mobile == "13883424050"  # a numeric cell
    assert contact(database, name="颜建华").mobile == "13786692296"  # 137 8669 2296
    assert contact(database, name="李柳").mobile == "13255299599"  # 13255299599.0 typed as text
    zhang = contact(database, name="张伟")
    assert (zhang.mobile, zhang.email, zhang.email_key) == ("13725079043", "JUAN32@YAHOO.COM", "juan32@yahoo.com")
    with database.unit_of_work(write=False) as session:
        haojia = session.scalars(select(Organization).where(Organization.name == "昊嘉科技有限公司")).one()
        assert haojia.kind is OrgKind.CENTRAL_SOE  # row 10 came first; row 20 said 金融机构
        org_level = session.scalars(
            select(Invitation).where(Invitation.contact_id.is_(None)).order_by(Invitation.id)).all()
        assert [i.organization.name for i in org_level] == ["华远软件网络有限公司", "鑫博腾飞信息有限公司"]
        assert org_level[0].notes == "职务：处长；手机：13668483533；邮箱：gongming@hotmail.com"
        assert {i.status for i in session.scalars(select(Invitation))} == {InvitationStatus.PROPOSED}
        song = session.scalars(select(Contact).where(Contact.name == "宋杰")).one()
        assert session.scalar(select(func.count()).select_from(Invitation).where(Invitation.contact_id == song.id)) == 1
        assert song.notes == "重复"  # the repeated row filled the blank notes of the person it repeats


def test_nev_sample_two_sheets_chinese_and_english_headers(database):
    """宜春 (11 rows, Chinese header) and Ganzhou (8 rows, English header); 周波 of 七喜传媒 is on both
    sheets (same mobile, once in full-width digits); 飞利信信息 employs two people: 18 people, 17
    organizations. 飞利信信息 is 央企 for one and 民企 for the other."""
    result = run(database, NEV)
    assert summary(result) == (19, {"contacts": 18, "organizations": 17, "invitations": 0}, 0, 1, 0)
    assert [(s.name, s.header_row, s.rows) for s in result.sheets] == [("宜春", 1, 11), ("Ganzhou", 1, 8)]
    assert [(c.sheet, c.row, c.field) for c in result.conflicts] == [("宜春", 6, "category")]
    assert contact(database, name="周波").mobile == "13656786866"
    assert contact(database, name="张洋").mobile == "13800138000"  # 138 0013 8000
    assert contact(database, name="樊伟").mobile == "13150517632"  # 8613150517632
    assert contact(database, name="尤建").mobile == "13260460864"  # +86 132-6046-0864


def test_copper_sample_gbk_csv(database):
    """14 rows; 新格林耐特科技 employs two; the mobiles stand under 联系电话, one landline among them."""
    result = run(database, COPPER)
    assert summary(result) == (14, {"contacts": 14, "organizations": 13, "invitations": 0}, 0, 0, 0)
    assert result.format == "csv"
    tang = contact(database, name="唐玉兰")
    assert (tang.mobile, tang.mobile_key, tang.phone, tang.email) == (
        "13448404152", "13448404152", None, "ping44@hotmail.com")
    liu = contact(database, name="刘兵")
    assert (liu.mobile, liu.phone) == (None, "0701-6234567")


def test_the_three_samples_into_one_database(database):
    """The lists share people and organizations. Copper: 14 people at 13 organizations. NEV: 18 people,
    17 organizations of which 双敏电子传媒 is copper's. PV: of its 19 people, 张伟 is copper's (the same
    mobile, written 8613725079043), 蒋静 is on the 宜春 sheet (the same mobile, spaced) and 熊志强 on the
    Ganzhou sheet without a mobile (the same email: the PV list fills his mobile in); with 宋杰 twice, 4
    duplicates and 16 new people. Of its 19 organizations 8 are known (昊嘉, 富罳, 天开 and 双敏电子传媒
    from copper, 天益, 九方, 飞利信信息 and 创联世纪 from NEV): 11 new."""
    results = [run(database, path) for path in (COPPER, NEV, PV)]
    assert [r.created["contacts"] for r in results] == [14, 18, 16]
    assert [r.created["organizations"] for r in results] == [13, 16, 11]
    assert [(r.duplicates, r.updated["contacts"]) for r in results] == [(0, 0), (1, 0), (4, 1)]
    assert table_counts(database)["contacts"] == 48
    xiong = contact(database, name="熊志强")
    assert (xiong.mobile, xiong.email) == ("13883424050", "linjuan@gmail.com")
    with database.unit_of_work(write=False) as session:
        haojia = session.scalars(select(Organization).where(Organization.name == "昊嘉科技有限公司")).one()
        assert haojia.kind is OrgKind.CENTRAL_SOE  # copper gave no category, the PV list's first row did
        assert session.scalar(select(func.count()).select_from(Contact).where(Contact.name == "张伟")) == 1


def test_the_web_export_read_like_a_workbook(database):
    """An HTML table under an .xls name, in GB2312, with newer header words: 5 people; 李平 works where
    the company cell spanning two rows says, 符瑜 and 田甜 are written with &nbsp;, and 联系方式 holds
    landlines. 张伟, 李平, 符瑜 and 熊志强 are also in the PV list."""
    result = run(database, WEB)
    assert summary(result) == (5, {"contacts": 5, "organizations": 4, "invitations": 0}, 0, 0, 0)
    assert (result.format, result.sheets[0].header_row, result.sheets[0].unknown_columns) == ("html", 2, [])
    assert result.sheets[0].headers == {"参会人员": "name", "工作单位": "organization", "职称": "title",
                                        "手机号": "mobile", "电子信箱": "email", "联系方式": "phone", "备注": "notes"}
    li = contact(database, name="李平")
    assert (li.organization_id, li.mobile) == (contact(database, name="张伟").organization_id, "13626484208")
    fu = contact(database, name_key="符瑜")  # written with &nbsp;, kept as written; its notes keep their line
    assert (fu.name, fu.title, fu.notes) == ("符 瑜", "处长", "拟确认\n需接站")
    assert contact(database, name_key="田甜").phone == "0701-6200017"
    assert contact(database, name="熊志强").title == "副总裁董事会秘书"  # wrapped in its cell: one line
    again = run(database, PV)
    assert (again.created["contacts"], again.duplicates) == (15, 5)  # 张伟, 李平, 符瑜, 熊志强 and 宋杰's repeat


def test_the_samples_are_what_their_script_writes(tmp_path):
    from crm.importing.reader import open_workbook
    from tests.fixtures.make_invitee_samples import main

    def cells(path):
        book = open_workbook(path)
        try:
            return [(sheet.name, sheet.rows, sheet.merged) for sheet in book.sheets()]
        finally:
            book.close()

    for written in main(tmp_path):
        committed = SAMPLES / written.name
        if written.suffix == ".xlsx":  # another XlsxWriter release may zip other bytes, never other cells
            assert cells(written) == cells(committed), written.name
        else:
            assert written.read_bytes() == committed.read_bytes(), written.name


# --- hand-made lists ----------------------------------------------------------------------------


def messy_list(path):
    """Title rows, a header on row 3, a repeated header, blank and pre-numbered rows, a banner, an
    organization merged down over two people, an org-level entry, an error row and footers."""
    rows = [
        ["2011年赣州稀土新材料对接会拟邀请嘉宾名单"],  # 1 (merged)
        ["报送单位：赣州市商务局"],  # 2
        HEADER + ["籍贯"],  # 3
        [1, "甲稀土集团有限公司", "张  三", "总经理", "138 0013 8000", "ZS@JIA.COM", "央企", "", "赣州"],  # 4
        [2, None, "李四", "副总", 13800138001, None, None, "拟确认"],  # 5 (甲 merged down from row 4)
        [3],  # 6 pre-numbered, empty
        [],  # 7 blank
        ["一、外省客商"],  # 8 banner
        HEADER,  # 9 repeated header
        [4, "乙钨业股份公司", "待定", "处长", None, None, "民企"],  # 10 organization-level
        [5, None, None, None, "13800138009"],  # 11 neither name nor organization
        [6, "丙研究院", "王五", None, "+86 139-0000-0005", None, "科研院所"],  # 12
        ["合计", None, "共计：5人"],  # 13
        ["制表人：李明"],  # 14
    ]
    return write_xlsx(path, {"赣州": rows}, merges={"赣州": [(0, 0, 0, 7, rows[0][0]), (7, 0, 7, 7, rows[7][0]),
                                                          (3, 1, 4, 1, "甲稀土集团有限公司")]})


def test_a_messy_list(database, tmp_path):
    result = run(database, messy_list(tmp_path / "messy.xlsx"))
    assert summary(result) == (5, {"contacts": 3, "organizations": 3, "invitations": 0}, 0, 0, 1)
    assert [e.as_dict() for e in result.errors] == [
        {"sheet": "赣州", "row": 11, "column": None, "message": "既无姓名也无单位"}]
    assert result.sheets[0].unknown_columns == ["籍贯"]
    li = contact(database, name="李四")
    zhang = contact(database, name_key="张三")
    assert zhang.name == "张  三"  # as typed; 张三 by its key
    assert (li.mobile, li.organization_id) == ("13800138001", zhang.organization_id)


def test_ods_list(database, tmp_path):
    path = write_ods(tmp_path / "list.ods", {"名单": [HEADER, *person_rows(3)], "备用": [["说明"]]})
    result = run(database, path)
    assert summary(result) == (3, {"contacts": 3, "organizations": 3, "invitations": 0}, 0, 0, 0)
    assert [(s.name, s.header_row) for s in result.sheets] == [("名单", 1), ("备用", None)]


def test_only_the_named_sheets(database):
    result = run(database, NEV, sheets=["Ganzhou"])
    assert (result.rows, result.created["contacts"]) == (8, 8)
    with pytest.raises(Exception) as caught:
        run(database, NEV, sheets=["南昌"])
    assert caught.value.key == "import_unknown_sheet"


def test_header_without_rows_imports_nothing(database, tmp_path):
    result = run(database, write_xlsx(tmp_path / "empty.xlsx", {"名单": [["2011年名单"], HEADER]}))
    assert summary(result) == (0, {"contacts": 0, "organizations": 0, "invitations": 0}, 0, 0, 0)


def test_a_file_without_any_list_is_refused_and_writes_nothing(database, tmp_path):
    before = table_counts(database)
    with pytest.raises(FileRefused) as caught:
        run(database, write_xlsx(tmp_path / "budget.xlsx", {"预算": [["项目", "金额"], ["差旅", 1000]]}))
    assert caught.value.key == "import_refused_no_header"
    assert table_counts(database) == before


def test_people_without_a_name_column_the_words_know_are_refused_and_nothing_is_written(database, tmp_path):
    """Not one organization-level entry per person: the whole file is refused, the good sheet too."""
    path = write_xlsx(tmp_path / "two.xlsx", {
        "九江": [HEADER, *person_rows(3)],
        "南昌": [["序号", "单位名称", "贵宾", "职务", "手机"], [1, "甲公司", "张三", "总经理", "13800138000"],
                 [2, "乙公司", "李四", "处长", "13800138001"]],
    })
    before = table_counts(database)
    for dry_run in (False, True):
        with pytest.raises(FileRefused) as caught:
            run(database, path, dry_run=dry_run)
        assert caught.value.key == "import_refused_no_name_column"
        assert (caught.value.params["sheet"], caught.value.params["columns"]) == ("南昌", "贵宾")
    assert table_counts(database) == before
    assert run(database, path, sheets=["九江"]).created["contacts"] == 3
    mapped = run(database, path, mapping=["贵宾=name"])
    assert (mapped.created["contacts"], contact(database, name="李四").title) == (2, "处长")


def test_map_for_headers_nobody_uses(database, tmp_path):
    path = write_csv(tmp_path / "guests.csv", [["贵宾", "所在单位", "QQ"], ["张三", "甲公司", "12345"]])
    result = run(database, path, mapping=["贵宾=name", "QQ=notes"])
    assert result.created == {"contacts": 1, "organizations": 1, "invitations": 0}
    assert contact(database, name="张三").notes == "12345"


# --- identity -------------------------------------------------------------------------------------


def test_identity_against_the_database(database, tmp_path):
    run(database, write_csv(tmp_path / "first.csv", [
        ["姓名", "单位", "手机", "邮箱", "职务"],
        ["张三", "甲公司", "13800138000", "", ""],
        ["李四", "乙公司", "", "Li4@Yi.com", ""],
        ["王五", "丙公司", "", "", "处长"],
        ["赵六", "", "", "", ""],
    ]))
    result = run(database, write_csv(tmp_path / "second.csv", [
        ["姓名", "单位", "手机", "邮箱", "职务"],
        ["张叁", "甲公司", "+86 138-0013-8000", "zs@jia.com", "总经理"],  # mobile: same person, name differs
        ["李四", "乙公司", "13900139000", "li4@YI.COM", ""],  # email, case aside
        ["王五", "丙公司", "", "", "副处长"],  # name within the organization; title differs
        ["王五", "丁公司", "", "", ""],  # same name elsewhere: another person
        ["赵六", "", "", "", "顾问"],  # same name, both without organization
        ["张三", "甲公司", "13700137000", "", ""],  # same name and company, another mobile: another person
    ]))
    assert summary(result) == (6, {"contacts": 2, "organizations": 1, "invitations": 0}, 3, 4, 0)
    zhang = contact(database, mobile_key="13800138000")
    assert (zhang.name, zhang.email, zhang.title, zhang.version) == ("张三", "zs@jia.com", "总经理", 2)
    li = contact(database, name="李四")
    assert (li.mobile, li.mobile_key, li.email) == ("13900139000", "13900139000", "Li4@Yi.com")
    assert contact(database, name="赵六").title == "顾问"
    assert contact(database, name="王五", title="处长").version == 1  # a conflict is not an update
    assert [(c.row, c.field, c.existing, c.incoming) for c in result.conflicts] == [
        (2, "name", "张三", "张叁"), (4, "title", "处长", "副处长")]


def test_identity_against_earlier_rows_of_the_same_file(database, tmp_path):
    result = run(database, write_csv(tmp_path / "repeats.csv", [
        ["姓名", "单位", "手机", "邮箱"],
        ["张三", "甲公司", "13800138000", ""],
        ["张三", "甲公司", "13800138000", "zs@jia.com"],  # fills the email of the pending row
        ["Zhang San", "", "", "ZS@jia.com"],  # email: the same person again
        ["李四", "乙公司", "", ""],
        ["李四", "乙公司", "", "li@yi.com"],  # name within the organization
        ["", "乙公司", "", ""],  # organization-level entry: 乙 is known by now
    ]))
    assert summary(result) == (6, {"contacts": 2, "organizations": 2, "invitations": 0}, 0, 4, 0)
    assert contact(database, name="张三").email == "zs@jia.com"
    assert contact(database, name="李四").email == "li@yi.com"


def test_organization_names_match_when_normalised(database, tmp_path):
    run(database, write_csv(tmp_path / "a.csv", [["姓名", "单位"], ["张三", "ＭＢＰ软件 传媒有限公司"]]))
    result = run(database, write_csv(tmp_path / "b.csv", [["姓名", "单位"], ["李四", "mbp软件传媒有限公司"]]))
    assert result.created["organizations"] == 0
    assert contact(database, name="李四").organization_id == contact(database, name="张三").organization_id


# --- invitations ----------------------------------------------------------------------------------


def test_invitations_with_statuses(database, tmp_path):
    event = add_event(database)
    path = write_csv(tmp_path / "status.csv", [
        ["姓名", "单位", "手机", "状态"],
        ["张三", "甲公司", "13800138000", "已确认"],
        ["李四", "乙公司", "13800138001", ""],
        ["待定", "丙公司", "", "已邀请"],
        ["王五", "丁公司", "13800138002", "可能来"],
    ])
    result = run(database, path, event=event)
    assert summary(result) == (4, {"contacts": 2, "organizations": 3, "invitations": 3}, 0, 0, 1)
    assert result.errors[0].column == "状态" and result.errors[0].row == 5
    with database.unit_of_work(write=False) as session:
        statuses = {(i.contact.name if i.contact else i.organization.name): i.status
                    for i in session.scalars(select(Invitation))}
    assert statuses == {"张三": InvitationStatus.CONFIRMED, "李四": InvitationStatus.PROPOSED,
                        "丙公司": InvitationStatus.INVITED}
    again = run(database, write_csv(tmp_path / "later.csv", [
        ["姓名", "手机", "状态"], ["张三", "13800138000", "婉拒"], ["李四", "13800138001", ""]]), event=event)
    assert again.created["invitations"] == 0
    assert [(c.field, c.existing, c.incoming) for c in again.conflicts] == [("status", "confirmed", "declined")]


def test_unknown_event_fails_before_reading(database):
    with pytest.raises(NotFound):
        run(database, PV, event="NOPE")
    assert table_counts(database)["contacts"] == 0


def test_soft_deleted_organization_and_invitation_come_back(database, tmp_path):
    event = add_event(database)
    path = write_csv(tmp_path / "a.csv", [["姓名", "单位", "手机"], ["张三", "甲公司", "13800138000"]])
    run(database, path, event=event)
    now = dt.datetime.now(dt.timezone.utc)
    with database.unit_of_work() as session:
        session.scalars(select(Organization)).one().deleted_at = now
        session.scalars(select(Invitation)).one().deleted_at = now
    result = run(database, path, event=event)
    assert result.created == {"contacts": 0, "organizations": 0, "invitations": 1}
    with database.unit_of_work(write=False) as session:
        assert session.scalars(select(Organization)).one().deleted_at is None
        assert session.scalars(select(Invitation)).one().deleted_at is None
    undo_result = _undo(database, result.batch)
    assert undo_result.restored == {"contacts": 0, "organizations": 1, "invitations": 1}
    with database.unit_of_work(write=False) as session:
        assert session.scalars(select(Invitation)).one().deleted_at is not None


# --- dry run, strict, idempotence -----------------------------------------------------------------


def test_dry_run_reports_exactly_what_a_real_run_does(database, tmp_path):
    event = add_event(database)
    run(database, COPPER)
    before = table_counts(database)
    dry = run(database, PV, event=event, dry_run=True)
    assert table_counts(database) == before
    assert dry.batch is None and not dry.written and dry.dry_run
    real = run(database, PV, event=event)
    assert summary(dry) == summary(real)
    assert [c.as_dict() for c in dry.conflicts] == [c.as_dict() for c in real.conflicts]


def test_strict_writes_nothing_when_a_row_is_rejected(database, tmp_path):
    path = messy_list(tmp_path / "messy.xlsx")
    before = table_counts(database)
    strict = run(database, path, strict=True)
    assert table_counts(database) == before
    assert (strict.batch, strict.written, len(strict.errors)) == (None, False, 1)
    assert strict.created == {"contacts": 0, "organizations": 0, "invitations": 0}
    assert run(database, PV, strict=True).written  # no rejected row: written as usual


def test_the_same_file_twice_creates_nothing_the_second_time(database):
    event = add_event(database)
    first = run(database, PV, event=event)
    after_first = table_counts(database)
    second = run(database, PV, event=event)
    assert second.created == {"contacts": 0, "organizations": 0, "invitations": 0}
    assert (second.updated["contacts"], second.duplicates, second.earlier_batch) == (0, 22, first.batch)
    after_second = table_counts(database)
    assert {k: v for k, v in after_second.items() if k != "import_batches"} == \
        {k: v for k, v in after_first.items() if k != "import_batches"}


# --- undo -------------------------------------------------------------------------------------------


def _undo(database, batch):
    with database.unit_of_work() as session:
        return undo_batch(session, batch)


def test_undo_removes_what_the_batch_created_and_restores_what_it_changed(database, tmp_path):
    event = add_event(database)
    run(database, write_csv(tmp_path / "known.csv", [["姓名", "单位", "手机"], ["宋杰", "", "13909990291"]]))
    before = table_counts(database)
    result = run(database, PV, event=event)
    assert result.updated["contacts"] == 1  # 宋杰 was known: his organization, title and email filled
    song = contact(database, name="宋杰")
    assert (song.title, song.email, song.version) == ("研究员", "isong@hotmail.com", 2)
    undone = _undo(database, result.batch)
    assert undone.removed == {"contacts": 18, "organizations": 19, "invitations": 21}
    assert undone.restored == {"contacts": 1, "organizations": 0, "invitations": 0}
    after = table_counts(database)
    assert {k: after[k] for k in ("contacts", "organizations", "invitations")} == \
        {k: before[k] for k in ("contacts", "organizations", "invitations")}
    song = contact(database, name="宋杰")
    assert (song.title, song.email, song.organization_id, song.version) == (None, None, None, 3)
    with pytest.raises(RuleViolation) as caught:
        _undo(database, result.batch)
    assert caught.value.key == "import_already_undone"
    again = run(database, PV, event=event)  # after an undo the file imports as new again
    assert again.created == result.created


def test_undo_refuses_when_records_changed_or_are_used_since(database, tmp_path):
    first = run(database, write_csv(tmp_path / "a.csv", [["姓名", "单位", "手机"], ["张三", "甲公司", "13800138000"]]))
    with database.unit_of_work() as session:
        session.scalars(select(Contact)).one().title = "董事长"  # edited by hand after the import
    with pytest.raises(RuleViolation) as caught:
        _undo(database, first.batch)
    assert caught.value.key == "import_undo_changed"
    second = run(database, write_csv(tmp_path / "b.csv", [["姓名", "单位"], ["李四", "乙公司"]]))
    with database.unit_of_work() as session:
        investor = session.scalars(select(Organization).where(Organization.name == "乙公司")).one()
        session.add(Project(ref="P90001", name="乙公司稀土项目", investor_id=investor.id,
                            owner_unit_id=province_unit(session).id))
    with pytest.raises(RuleViolation) as caught:
        _undo(database, second.batch)
    assert caught.value.key == "import_undo_referenced"
    assert table_counts(database)["contacts"] == 2  # nothing removed


def test_undo_later_batches_first(database, tmp_path):
    first = run(database, write_csv(tmp_path / "a.csv", [["姓名", "单位", "手机"], ["张三", "甲公司", "13800138000"]]))
    second = run(database, write_csv(tmp_path / "b.csv", [["姓名", "手机", "邮箱"], ["张三", "13800138000", "z@j.com"]]))
    with pytest.raises(RuleViolation):
        _undo(database, first.batch)  # batch 2 filled the email since
    assert _undo(database, second.batch).restored["contacts"] == 1
    assert _undo(database, first.batch).removed["contacts"] == 1
    assert table_counts(database)["contacts"] == 0


def test_undo_unknown_batch(database):
    with pytest.raises(NotFound):
        _undo(database, 999)


# --- rejected rows back to the user --------------------------------------------------------------


def test_rejected_rows_can_be_fixed_and_imported_again(database, tmp_path):
    result = run(database, messy_list(tmp_path / "messy.xlsx"))
    out = tmp_path / "rejected.xlsx"
    assert write_rejected(result.parsed, out) == 1
    import openpyxl

    book = openpyxl.load_workbook(out)
    sheet = book["赣州"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER + ["籍贯", "错误原因", "来源工作表", "来源行号"]
    assert rows[1][4] == "13800138009" and rows[1][9:] == ["既无姓名也无单位", "赣州", "11"]
    sheet.cell(row=2, column=3, value="赵七")  # the fix: a name
    book.save(out)
    fixed = run(database, out)
    assert summary(fixed) == (1, {"contacts": 1, "organizations": 0, "invitations": 0}, 0, 0, 0)
    assert fixed.sheets[0].unknown_columns == ["籍贯"]


def test_rejected_rows_never_become_formulas(database, tmp_path):
    path = write_csv(tmp_path / "evil.csv", [
        ["姓名", "单位", "备注", "状态"],
        ["=HYPERLINK(\"http://x\")", "", "+cmd|' /C calc'!A0", "?"],
    ])
    result = run(database, path)
    xlsx, csv_out = tmp_path / "rejected.xlsx", tmp_path / "rejected.csv"
    write_rejected(result.parsed, xlsx)
    write_rejected(result.parsed, csv_out)
    import openpyxl

    cell = openpyxl.load_workbook(xlsx).active.cell(row=2, column=1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(\"\"http://x\"\")\"")
    assert "'+cmd|" in lines[1]


def test_imports_and_their_undo_are_in_the_audit_trail(database, tmp_path):
    from crm.services.actor import staff_for
    from crm.services.history import history
    from db.models import AuditEntry

    event = add_event(database)
    run(database, write_csv(tmp_path / "known.csv", [["姓名", "手机"], ["宋杰", "13909990291"]]))
    result = run(database, PV, event=event)
    with database.unit_of_work(write=False) as session:
        tester = staff_for(session, "tester").id
        entries = session.execute(
            select(AuditEntry.entity, AuditEntry.action, AuditEntry.field, AuditEntry.staff_id)
            .where(AuditEntry.note.like(f"%(batch {result.batch})"))).all()
        qiu = session.scalars(select(Contact).where(Contact.name_key == "邱秀荣")).one()
        created = {row["field"]: row for row in history(session, qiu) if row["action"] == "create"}
        counts = {table.__tablename__: session.scalar(select(func.count()).select_from(table).where(
            table.import_batch_id == result.batch)) for table in (Organization, Contact, Invitation)}
    # Rows the batch created name it; only the changes of known rows have entries of their own.
    assert counts == {"organizations": 19, "contacts": 18, "invitations": 21}
    assert [(e, a) for e, a, _f, _s in entries] == [("contacts", "update")] * 5  # 宋杰: organization, title,
    assert {staff_id for *_rest, staff_id in entries} == {tester}  # email (+ its key), notes
    assert created["mobile"]["new"] == "13856340883" and created["name"]["new"] == "邱  秀荣"
    assert created["name"]["login"] == "tester" and created["name"]["version"] == 1
    assert created["name"]["note"] == f"crm import invitees {PV.name} (batch {result.batch})"
    assert "pinyin" not in created and "import_batch_id" not in created
    _undo(database, result.batch)
    with database.unit_of_work(write=False) as session:
        undone = session.execute(select(AuditEntry.action, func.count()).where(
            AuditEntry.note.like(f"crm import undo {result.batch} %")).group_by(AuditEntry.action)).all()
    assert dict(undone) == {"purge": 19 + 18 + 21, "update": 5}


def test_history_shows_an_imported_row_as_the_list_gave_it(database, tmp_path):
    from crm.services.history import history

    run(database, write_csv(tmp_path / "one.csv", [["姓名", "职务", "手机"], ["宋杰", "处长", "13909990291"]]))
    with database.unit_of_work() as session:
        song = session.scalars(select(Contact).where(Contact.name == "宋杰")).one()
        song.title, song.notes = "副局长", "later"
        session.flush()
        rows = history(session, song)
    created = {row["field"]: row["new"] for row in rows if row["action"] == "create"}
    assert created == {"mobile": "13909990291", "mobile_key": "13909990291", "name": "宋杰", "name_key": "宋杰",
                       "title": "处长"}
    assert sorted((r["action"], r["field"], r["old"], r["new"]) for r in rows if r["action"] != "create") == [
        ("update", "notes", None, "later"), ("update", "title", "处长", "副局长")]


def test_history_of_a_row_under_a_reused_id_is_its_own(database, tmp_path):
    from crm.services.history import history

    first = run(database, write_csv(tmp_path / "a.csv", [["姓名", "手机"], ["张三", "13909990291"]]))
    _undo(database, first.batch)
    run(database, write_csv(tmp_path / "b.csv", [["姓名", "手机"], ["王五", "13909990292"]]))
    with database.unit_of_work(write=False) as session:
        wang = session.scalars(select(Contact).where(Contact.name == "王五")).one()
        rows = history(session, wang)
    assert {row["action"] for row in rows} == {"create"}
    assert {row["new"] for row in rows if row["field"] == "name"} == {"王五"}


def test_a_large_import_refreshes_postgresqls_statistics(database, backend, tmp_path):
    if backend.name != "postgresql":
        pytest.skip("ANALYZE is for PostgreSQL's planner; SQLite's does without statistics")
    from sqlalchemy import text

    run(database, write_csv(tmp_path / "big.csv", [HEADER, *person_rows(5000)]))
    with database.engine.connect() as conn:
        counted = conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'contacts'")).scalar()
    assert counted == 5000  # what ANALYZE found, not the -1 of a table never analyzed
