"""Contacts (F5) and organizations (F6) by hand: new and edited through crm.services.directory, a
likely duplicate refused with the service's message and saved only when the user says it is another
person, refusals beside their field, a stale edit refused and the record read again."""
from __future__ import annotations

from sqlalchemy import func, select
from textual.widgets import Button

from crm.services.directory import ContactInput, edit_contact
from crm.services.merge import get_contact
from db.models import Contact, Organization, OrgKind
from tests.tui.conftest import SIZE, fill, make_app, screen_text
from tests.tui.contact_helpers import press, search, settle
from tests.tui.form_helpers import notified, refused_beside, until
from tui.forms.directory_forms import ContactForm, OrganizationForm
from tui.forms.pickers import ConfirmScreen
from tui.screens.contact_detail import ContactDetailScreen
from tui.screens.contacts import ContactsScreen
from tui.screens.organizations import OrganizationsScreen

ZHANG_FEI = 25  # 张飞, 19902594390, of 示例长江源新能科技股份有限公司00006 in the small demo



def contacts_with_mobile(database, mobile: str) -> int:
    with database.unit_of_work(write=False) as session:
        return session.scalar(select(func.count(Contact.id)).where(Contact.mobile == mobile,
                                                                   Contact.deleted_at.is_(None)))


async def test_a_new_contact_and_its_new_organization(demo_sqlite):
    app = make_app(demo_sqlite, screen="contacts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, ContactForm)
        await fill(pilot, "name", "王示例")
        await fill(pilot, "organization", "示例[氢能]有限公司")
        await fill(pilot, "mobile", "1380013")
        await press(pilot, "ctrl+s")
        assert refused_beside(form, "mobile", "1380013")
        await fill(pilot, "mobile", "13800138000")
        await fill(pilot, "email", "wang@example.com")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContactsScreen)
        assert notified(app, "已添加联系人 C#") and notified(app, "新建单位：示例[氢能]有限公司")
        assert (await search(pilot, "王示例")) == ["王示例"]
        assert "示例[氢能]有限公司" in screen_text(app)  # never markup
    with demo_sqlite.unit_of_work(write=False) as session:
        contact = session.scalar(select(Contact).where(Contact.name == "王示例"))
        assert (contact.mobile, contact.email, contact.organization.name) == (
            "13800138000", "wang@example.com", "示例[氢能]有限公司")


async def test_a_likely_duplicate_is_refused_until_the_user_says_it_is_another_person(demo_sqlite):
    app = make_app(demo_sqlite, screen="contacts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        await fill(pilot, "name", "张飞")
        await fill(pilot, "mobile", "19902594390")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert refused_beside(form, "name", f"C#{ZHANG_FEI}")  # whom it resembles
        # The workbench's way, not the command line's: a button (or Y) that adds it anyway.
        asked = screen_text(app)
        assert "--allow-duplicate" not in asked and "--allow-duplicate" not in str(form.query_one("#error-name").render())
        assert "这是另一个人吗？仍然添加？" in asked and "张飞" in asked and "19902594390" in asked
        assert str(app.screen.query_one("#yes", Button).label) == "仍然添加 (Y)"
        await press(pilot, "n")  # not another person: nothing saved, the form stays
        assert app.screen is form and contacts_with_mobile(demo_sqlite, "19902594390") == 1
        assert "再次保存并选“仍然添加”" in str(form.query_one("#error-name").render())
        await press(pilot, "ctrl+s")
        await press(pilot, "y")  # another person after all
        assert isinstance(app.screen, ContactsScreen) and notified(app, "已添加联系人")
    assert contacts_with_mobile(demo_sqlite, "19902594390") == 2


async def test_a_likely_duplicate_is_added_anyway_by_its_button_in_english(demo_sqlite):
    app = make_app(demo_sqlite, screen="contacts", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await fill(pilot, "name", "张飞")
        await fill(pilot, "mobile", "19902594390")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        asked = screen_text(app)
        assert "--allow-duplicate" not in asked and "Add anyway?" in asked and f"C#{ZHANG_FEI}" in asked
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen) and notified(app, "added")
    assert contacts_with_mobile(demo_sqlite, "19902594390") == 2


async def test_edit_a_contact_from_its_page(demo_sqlite):
    app = make_app(demo_sqlite, screen="contacts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactDetailScreen(ZHANG_FEI))
        await settle(pilot)
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, ContactForm)
        assert (form.control("name").value, form.control("title").value) == ("张飞", "项目经理")
        await fill(pilot, "title", "总经理")
        await fill(pilot, "phone", "0791-88888888")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContactDetailScreen)
        assert notified(app, f"已修改联系人 C#{ZHANG_FEI}：职务、电话")
        assert await until(pilot, lambda: "总经理" in screen_text(app) and "0791-88888888" in screen_text(app))
    with demo_sqlite.unit_of_work(write=False) as session:
        contact = get_contact(session, ZHANG_FEI)
        assert (contact.title, contact.phone, contact.mobile) == ("总经理", "0791-88888888", "19902594390")


async def test_a_contact_edit_made_stale_meanwhile_is_refused(demo_sqlite):
    app = make_app(demo_sqlite, screen="contacts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "张飞")
        await press(pilot, "enter")  # from the search box to the rows
        await press(pilot, "e")
        assert isinstance(app.screen, ContactForm)
        with demo_sqlite.unit_of_work() as session:  # someone else, in the meantime
            edit_contact(session, ZHANG_FEI, ContactInput(title="董事长"), version=None)
        await fill(pilot, "title", "总经理")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContactsScreen) and notified(app, "已被")
    with demo_sqlite.unit_of_work(write=False) as session:
        assert get_contact(session, ZHANG_FEI).title == "董事长"


async def test_new_and_edited_organizations(demo_sqlite):
    app = make_app(demo_sqlite, screen="organizations", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, OrganizationForm)
        await fill(pilot, "name", "示例天禾服务研究院00002")
        await press(pilot, "ctrl+s")
        assert refused_beside(form, "name", "O#3")
        await fill(pilot, "name", "示例储能研究院")
        form.control("kind").value = OrgKind.RESEARCH.value
        await fill(pilot, "region", "深圳市")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, OrganizationsScreen) and notified(app, "organization O#")

        await press(pilot, "slash", *"示例储能研究院", "enter")
        await press(pilot, "e")
        form = app.screen
        assert (form.control("kind").value, form.control("region").value) == ("research", "深圳市")
        form.control("kind").value = OrgKind.FINANCIAL.value
        await fill(pilot, "address", "深圳市南山区")
        await press(pilot, "ctrl+s")
        assert notified(app, "edited: kind, address")
    with demo_sqlite.unit_of_work(write=False) as session:
        organization = session.scalar(select(Organization).where(Organization.name == "示例储能研究院"))
        assert (organization.kind, organization.region.name, organization.address) == (
            OrgKind.FINANCIAL, "深圳市", "深圳市南山区")


async def test_the_directory_forms_are_commands_in_both_languages(demo_sqlite):
    for screen, lang, typed, form in (("contacts", "en", "new contact", ContactForm),
                                      ("contacts", "zh", "编辑客商", ContactForm),
                                      ("organizations", "zh", "新建单位", OrganizationForm)):
        app = make_app(demo_sqlite, screen=screen, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+p", *typed)
            await pilot.pause(0.3)
            await press(pilot, "enter")
            assert isinstance(app.screen, form), typed
