"""Contact and organization search on both backends: 1-, 2- and 3-character Chinese, pinyin and its
initials, mobile and email fragments, organization names, ranking, filters, and the pinyin column kept
current by every kind of writer."""
import datetime as dt

import pytest
from sqlalchemy import insert, select, text

from db import pinyin
from db.migrate import upgrade
from db.models import Contact, Organization, OrgKind, Region
from db.session import Database

from crm.normalize import email_key, mobile_key, name_key, organization_key
from crm.services.search import ContactFilters, OrganizationFilters, parse_query, search_contacts, search_organizations
from tests.conftest import pg_admin_url
from tests.pgscratch import unique

PEOPLE = [
    # name, organization, title, mobile, email
    ("张三", "腾讯科技（深圳）有限公司", "总经理", "138 0013 8000", "ZhangSan@Tencent.com"),
    ("张三丰", "武当山道教协会", "会长", "+86 139-1234-5678", "sanfeng@wudang.cn"),
    ("李张", "示例华晶新能源科技股份有限公司", "项目经理", "18600001111", None),
    ("王小明", "示例华晶新能源科技股份有限公司", "投资总监", "18600002222", "xiaoming.wang@example.com"),
    ("曾国藩", "湘军研究院", "研究员", None, "guofan@example.org"),
    ("John Smith", "IBM（中国）有限公司", "Vice President", "13700007777", "john.smith@ibm.com"),
    ("欧阳娜娜", "[VIP]客户", "董事长", "13600006666", None),
]
ORG_KINDS = {"腾讯科技（深圳）有限公司": OrgKind.PRIVATE, "IBM（中国）有限公司": OrgKind.MULTINATIONAL,
             "湘军研究院": OrgKind.RESEARCH, "武当山道教协会": OrgKind.ASSOCIATION}


def add_contact(session, name, org, title=None, mobile=None, email=None) -> Contact:
    contact = Contact(name=name, name_key=name_key(name), organization=org, title=title, mobile=mobile,
                      mobile_key=mobile_key(mobile), email=email, email_key=email_key(email))
    session.add(contact)
    return contact


@pytest.fixture
def people(database):
    """The contacts above plus a deleted 张四; returns {name: id}."""
    with database.unit_of_work() as session:
        city = session.scalar(select(Region).where(Region.name == "南昌市"))  # every database has its cities
        orgs = {}
        for _name, org_name, *_ in PEOPLE:
            if org_name not in orgs:
                orgs[org_name] = Organization(name=org_name, name_key=organization_key(org_name),
                                              kind=ORG_KINDS.get(org_name, OrgKind.OTHER),
                                              region=city if org_name.startswith("示例") else None)
        for name, org_name, title, mobile, email in PEOPLE:
            add_contact(session, name, orgs[org_name], title, mobile, email)
        gone = add_contact(session, "张四", orgs["腾讯科技（深圳）有限公司"], mobile="13800009999")
        gone.deleted_at = dt.datetime.now(dt.timezone.utc)
        session.flush()
        return {c.name: c.id for c in session.scalars(select(Contact))}


def names(database, query, **kw):
    with database.unit_of_work(write=False) as session:
        return [h.name for h in search_contacts(session, query, **kw)]


def hits(database, query, **kw):
    with database.unit_of_work(write=False) as session:
        return [(h.name, h.matched) for h in search_contacts(session, query, **kw)]


def test_one_chinese_character_finds_prefix_before_contains(database, people):
    assert names(database, "张") == ["张三", "张三丰", "李张"]  # 张四 is deleted


def test_two_characters_exact_name_first(database, people):
    assert names(database, "张三") == ["张三", "张三丰"]
    assert names(database, "三丰") == ["张三丰"]
    assert names(database, "张 三") == ["张三", "张三丰"]  # stray space, as lists have it


def test_three_characters(database, people):
    assert names(database, "张三丰") == ["张三丰"]
    assert names(database, "王小明") == ["王小明"]
    assert names(database, "娜娜") == ["欧阳娜娜"]


def test_pinyin_initials_and_full_pinyin(database, people):
    assert hits(database, "zs")[:2] == [("张三", "pinyin"), ("张三丰", "pinyin")]
    assert names(database, "zhangsan") == ["张三", "张三丰"]
    assert names(database, "ZhangSan")[0] == "张三"
    assert names(database, "zhangs") == ["张三", "张三丰"]
    assert names(database, "oynn") == ["欧阳娜娜"]
    # A surname keeps all its readings: 曾 is zeng as a surname, ceng elsewhere.
    assert names(database, "zgf") == ["曾国藩"]
    assert names(database, "zengguofan") == ["曾国藩"]


def test_mobile_fragments(database, people):
    assert hits(database, "13800138000") == [("张三", "mobile")]
    assert names(database, "0013") == ["张三"]
    assert names(database, "1391234") == ["张三丰"]
    assert names(database, "+86 139-1234") == ["张三丰"]
    assert names(database, "5678") == ["张三丰"]
    assert set(names(database, "186")) == {"李张", "王小明"}


def test_email_fragments(database, people):
    assert hits(database, "zhangsan@tencent.com")[0] == ("张三", "email")
    assert names(database, "tencent") == ["张三"]
    assert names(database, "xiaoming") == ["王小明"]
    assert names(database, "wudang") == ["张三丰"]


def test_organization_fragments(database, people):
    assert hits(database, "腾讯") == [("张三", "organization")]
    assert names(database, "华晶") == ["李张", "王小明"]
    assert names(database, "新能源科技") == ["李张", "王小明"]
    assert names(database, "txkj") == ["张三"]  # 腾讯科技 by its initials
    assert names(database, "IBM") == ["John Smith"]
    assert names(database, "[VIP]") == ["欧阳娜娜"]


def test_titles_and_western_names(database, people):
    assert names(database, "总监") == ["王小明"]
    assert names(database, "vice president") == ["John Smith"]
    assert names(database, "john") == ["John Smith"]
    assert names(database, "smith") == ["John Smith"]


def test_a_short_query_that_names_people_does_not_scan_titles(database, people):
    with database.unit_of_work() as session:
        add_contact(session, "王总", None, title="经理")
        add_contact(session, "赵六", None, title="王总助理")
    assert names(database, "王总") == ["王总"]  # a name: the title 王总助理 is not what was meant
    assert names(database, "助理") == ["赵六"]  # names nobody: titles are searched
    assert names(database, "助") == []  # one character searches names and organizations only
    assert names(database, "王总助理") == ["赵六"]  # 3 characters and more: titles always


def test_nothing_and_limit(database, people):
    assert names(database, "龘") == []
    assert names(database, "   ") == []
    assert names(database, "张", limit=1) == ["张三"]


def test_filters(database, people):
    with database.unit_of_work(write=False) as session:
        kind = [h.name for h in search_contacts(session, "张", filters=ContactFilters(org_kind=OrgKind.PRIVATE))]
        city = session.scalar(select(Region.id).where(Region.short_name == "南昌"))
        in_city = [h.name for h in search_contacts(session, "x", filters=ContactFilters(region_id=city))]
    assert kind == ["张三"]
    assert in_city == ["王小明"]


def test_organizations(database, people):
    with database.unit_of_work(write=False) as session:
        def orgs(query, **kw):
            return [h.name for h in search_organizations(session, query, **kw)]

        assert orgs("腾讯") == ["腾讯科技（深圳）有限公司"]
        assert orgs("txkj") == ["腾讯科技（深圳）有限公司"]
        assert orgs("tengxun") == ["腾讯科技（深圳）有限公司"]
        assert orgs("研究") == ["湘军研究院"]
        assert orgs("有限公司", filters=OrganizationFilters(org_kind=OrgKind.MULTINATIONAL)) == ["IBM（中国）有限公司"]


def test_keys_follow_edits_and_deletes(database, people):
    with database.unit_of_work() as session:
        contact = session.get(Contact, people["张三"])
        contact.name, contact.name_key = "章散", name_key("章散")
        contact.mobile, contact.mobile_key = "13955554321", "13955554321"
        session.delete(session.get(Contact, people["John Smith"]))
    assert names(database, "章散") == ["章散"]
    assert names(database, "zhangsan") == ["章散", "张三丰"]  # same pinyin, new characters
    assert names(database, "0013") == []
    assert names(database, "5554") == ["章散"]
    assert names(database, "张三") == ["张三丰"]
    assert names(database, "john") == []
    with database.unit_of_work(write=False) as session:
        assert session.get(Contact, people["张三"]).pinyin == " zhangsan zs "
        assert session.get(Contact, people["张三丰"]).pinyin == " zhangsanfeng zsf "


def test_core_bulk_writers_fill_the_pinyin_column(database, people):
    with database.unit_of_work() as session:
        session.execute(insert(Contact), [{"name": "赵云", "name_key": "赵云", "mobile": "13544448888",
                                           "mobile_key": "13544448888", "version": 1,
                                           "pinyin": pinyin.contact_pinyin("赵云")}])
    assert names(database, "zy") == ["赵云"]
    assert names(database, "赵") == ["赵云"]
    assert names(database, "4448") == ["赵云"]


def test_query_forms():
    assert parse_query("  张  三 ").key == "张三"
    assert parse_query("+86 138-0013").digits == "1380013"
    assert parse_query("0086 138").digits == "138"
    assert parse_query("Zhang San").key == "zhangsan"
    assert parse_query("ＺＳ").key == "zs"  # full-width letters typed without switching the input method
    assert parse_query("") is None


def test_pinyin_keys():
    assert pinyin.pinyin_keys("张三", surname=True) == (("zhangsan", "zs"),)
    assert ("shanxiongxin", "sxx") in pinyin.pinyin_keys("单雄信", surname=True)
    assert pinyin.pinyin_keys("重庆长安汽车") == (("chongqingchanganqiche", "cqcaqc"),)
    assert pinyin.pinyin_keys("ibm(中国)") == (("ibmzhongguo", "ibmzg"),)
    assert pinyin.pinyin_keys("johnsmith") == ()
    assert pinyin.contact_pinyin("曾国藩") == " cengguofan cgf zengguofan zgf "
    assert pinyin.organization_pinyin("重庆长安汽车") == " chongqingchanganqiche cqcaqc "
    assert pinyin.contact_pinyin("johnsmith") is None


def test_special_characters_are_text_not_patterns(database, people):
    with database.unit_of_work() as session:
        add_contact(session, "百分_百", None, title="100%_完成")
    assert names(database, "%") == []
    assert names(database, "_") == []  # as a LIKE pattern, "_%" would be every name
    assert names(database, "分_") == ["百分_百"]
    assert names(database, "0%_") == ["百分_百"]


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "fresh.sqlite3")
        return
    admin = pg_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL not configured")
    from sqlalchemy import create_engine

    name = unique("crm_test_search_backfill")  # other workers and test runs share the server
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin.set(database=name).render_as_string(hide_password=False)
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


def test_migration_indexes_existing_contacts(fresh_url):
    db = Database(fresh_url)
    try:
        upgrade(db, "0002", backup=False)
        with db.engine.begin() as conn:  # rows as an older program wrote them: no search keys
            org = conn.execute(text(
                "INSERT INTO organizations (name, name_key, kind, version, created_at, updated_at) "
                "VALUES ('腾讯科技', '腾讯科技', 'private', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            )).scalar()
            conn.execute(text(
                "INSERT INTO contacts (name, name_key, organization_id, mobile, mobile_key, version, created_at, updated_at) "
                "VALUES ('张三', '张三', :org, '13800138000', '13800138000', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ), {"org": org})
        upgrade(db, backup=False)
        for query in ("张", "zs", "0013", "腾讯", "txkj", "张三"):
            assert names(db, query) == ["张三"], query
    finally:
        db.dispose()


def test_migration_0005_moves_import_origins_and_going_back_refills_search_keys(fresh_url):
    from db.migrate import downgrade

    db = Database(fresh_url)
    try:
        upgrade(db, "0004", backup=False)
        with db.engine.begin() as conn:  # a batch as 0004's import wrote it: one import_changes row per created row
            undone = conn.execute(text(
                "INSERT INTO import_batches (file_name, file_hash, created_at, counts, undone_at) "
                "VALUES ('旧名单.xlsx', 'g', CURRENT_TIMESTAMP, '{}', CURRENT_TIMESTAMP) RETURNING id")).scalar()
            batch = conn.execute(text(
                "INSERT INTO import_batches (file_name, file_hash, created_at, counts) "
                "VALUES ('名单.xlsx', 'h', CURRENT_TIMESTAMP, '{}') RETURNING id")).scalar()
            org = conn.execute(text(
                "INSERT INTO organizations (name, name_key, kind, version, created_at, updated_at) "
                "VALUES ('腾讯科技', '腾讯科技', 'private', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            )).scalar()
            person = conn.execute(text(
                "INSERT INTO contacts (name, name_key, organization_id, mobile_key, version, created_at, updated_at) "
                "VALUES ('曾三', '曾三', :org, '13800138000', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            ), {"org": org}).scalar()
            conn.execute(text(
                "INSERT INTO import_changes (batch_id, entity, entity_id, action, before) VALUES "
                "(:b, 'organization', :org, 'create', NULL), (:b, 'contact', :person, 'create', NULL), "
                "(:b, 'contact', :person, 'update', '{\"title\": null, \"version\": 1}'), "
                "(:u, 'contact', :person, 'create', NULL)"),  # an undone batch had the same id (SQLite reuses ids)
                {"b": batch, "u": undone, "org": org, "person": person})
        upgrade(db, backup=False)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT import_batch_id, pinyin FROM contacts")).one() == (
                batch, " cengsan cs zengsan zs ")
            assert conn.execute(text("SELECT import_batch_id FROM organizations")).scalar() == batch
            assert conn.execute(text("SELECT action FROM import_changes")).scalars().all() == ["update"]
        assert names(db, "zs") == ["曾三"]
        downgrade(db, "0004")
        with db.engine.connect() as conn:
            assert sorted(conn.execute(text("SELECT entity, action FROM import_changes")).all()) == [
                ("contact", "create"), ("contact", "update"), ("organization", "create")]
            keys = set(conn.execute(text("SELECT entity, kind, term FROM search_keys")).all())
            if db.engine.dialect.name == "sqlite":  # the FTS5 tables' triggers survive the table rebuilds
                triggers = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
                assert len({t for t in triggers if t.startswith("search_") and t.endswith(("_ai", "_ad", "_au"))}) == 12
        assert {("c", "n", "曾三"), ("c", "p", "zengsan"), ("c", "i", "cs"), ("c", "m", "13800138000"),
                ("c", "g", "曾"), ("c", "g", "曾三"), ("o", "i", "txkj"), ("o", "g", "科技")} <= keys
    finally:
        db.dispose()


def test_a_name_prefix_ranks_before_pinyin_prefixes(database, people):
    with database.unit_of_work() as session:
        for n in range(12):
            add_contact(session, f"刘{'伟芳娜敏静丽强磊军洋勇艳'[n]}", None)
        add_contact(session, "Lisa Wong", None)
    found = names(database, "li", limit=5)
    # The name starting with li first, then the pinyin starting with li (lizhang, liuwei ...) by id.
    assert found[:2] == ["Lisa Wong", "李张"] and all(name.startswith("刘") for name in found[2:])
