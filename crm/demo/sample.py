"""Clearly fictional sample data (every organization is named 示例…, mobiles are in the unassigned
199-0 range) on top of the real 2011 programme. Deterministic for a given `today`."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db.models import (
    Contact,
    Event,
    FigureKind,
    FollowUp,
    FollowUpKind,
    Industry,
    Invitation,
    InvitationStatus,
    Organization,
    OrgKind,
    Project,
    ProjectStatus,
    Region,
    SigningForm,
    Stage,
    StageStep,
    Staff,
    Unit,
)

from db.pinyin import contact_pinyin, organization_pinyin

from crm.importing.bulk import refresh_statistics
from crm.rules.scope import city_unit
from crm.normalize import email_key, name_key, organization_key
from crm.services import events as event_service
from crm.services import followups as followup_service
from crm.services import projects as project_service

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文海波斌宇浩凯鹏飞晨阳雪梅琳俊峰"
TITLES = ("董事长", "总经理", "副总经理", "投资总监", "项目经理", "战略发展部部长", "首席技术官", "区域总监")
ORG_WORDS = ("华晶", "赣鑫", "瑞能", "中科新", "博远", "恒通", "天禾", "联创", "晟达", "金阳", "国电示", "长江源",
             "蓝海", "星辰", "泰和", "鼎盛", "汇丰源", "润生", "宏图", "卓越")
ORG_SUFFIX = {
    OrgKind.MULTINATIONAL: "（中国）投资有限公司", OrgKind.CENTRAL_SOE: "集团有限公司", OrgKind.PRIVATE: "科技股份有限公司",
    OrgKind.RESEARCH: "研究院", OrgKind.FINANCIAL: "资本管理有限公司", OrgKind.GOVERNMENT: "办公室",
    OrgKind.ASSOCIATION: "行业协会", OrgKind.OTHER: "有限公司",
}
ORG_KIND_WEIGHTS = {
    OrgKind.MULTINATIONAL: 2, OrgKind.CENTRAL_SOE: 2, OrgKind.PRIVATE: 6, OrgKind.RESEARCH: 1, OrgKind.FINANCIAL: 1,
    OrgKind.ASSOCIATION: 1,
}
FOLLOWUP_TEXTS = ("走访企业，了解项目前期手续办理进度", "电话联系，核实设备采购与到位情况", "召开协调会，推进用地报批",
                  "现场察看厂房建设进度", "协调供电部门解决临时用电", "与企业负责人座谈，了解融资需求")
PROBLEMS = ("用地指标尚未落实", "环评审批进度滞后", "临时用电未接通", "融资缺口较大", "配套道路未建成", "招工困难")
NEXT_STEPS = ("督促办理施工许可", "协调国土部门加快报批", "跟踪设备进场", "对接金融机构", "组织专题调度会")
SIGNING_EVENTS = ("A1", "A2-PV", "A2-NEV", "A2-SO", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4")
MOBILE_PREFIX = "1990"
# Projects of the sample (by number) that stall 60 days before today, and the one terminated 200 days before
# (or on their signing day, when that is later).
STALLED = (7, 23)
TERMINATED = 31


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _org_name(rng: random.Random, kind: OrgKind, industry: str, n: int) -> str:
    return f"示例{rng.choice(ORG_WORDS)}{industry[:2]}{ORG_SUFFIX[kind]}{n:05d}"[: 120]


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _demo_staff(session: Session) -> Staff:
    staff = session.scalar(select(Staff).where(Staff.login == "demo"))
    if staff is None:
        staff = Staff(login="demo", name="演示用户")
        session.add(staff)
        session.flush()
    return staff


def load_small(session: Session, today: dt.date, *, seed: int = 2011) -> None:
    rng = random.Random(seed)
    actor = _demo_staff(session)
    industries = list(session.scalars(select(Industry).order_by(Industry.id)))
    cities = list(session.scalars(select(Region).where(Region.in_province.is_(True)).order_by(Region.id)))
    offices = list(session.scalars(select(Unit).where(Unit.name.like("省工信委%处")).order_by(Unit.id)))
    events = {e.ref: e for e in session.scalars(select(Event))}

    # Organizations and their people.
    orgs: list[Organization] = []
    for n in range(60):
        kind = rng.choices(list(ORG_KIND_WEIGHTS), weights=list(ORG_KIND_WEIGHTS.values()))[0]
        industry = rng.choice(industries)
        name = _org_name(rng, kind, industry.name, n)
        org = Organization(name=name, name_key=organization_key(name), kind=kind, industry=industry,
                           notes="演示数据（虚构）")
        session.add(org)
        orgs.append(org)
        for _ in range(rng.randint(2, 6)):
            person = _person_name(rng)
            mobile = f"{MOBILE_PREFIX}{rng.randint(0, 9_999_999):07d}"
            email = f"demo{rng.randint(1000, 99999)}@example.com"
            session.add(Contact(
                name=person, name_key=name_key(person), organization=org, title=rng.choice(TITLES), mobile=mobile,
                mobile_key=mobile, email=email, email_key=email_key(email), notes="演示数据（虚构）",
            ))
    session.flush()
    contacts = list(session.scalars(select(Contact).order_by(Contact.id)))

    # Invitations to the meetings, with realistic status spreads.
    for ref in SIGNING_EVENTS:
        event = events[ref]
        for contact in rng.sample(contacts, k=min(len(contacts), rng.randint(12, 30))):
            status = rng.choices(list(InvitationStatus), weights=(1, 2, 3, 5, 1))[0]
            # Invited weeks before the event, as lists go out: an export as of an earlier day finds them.
            sent = dt.datetime.combine(event.starts_on - dt.timedelta(days=rng.randint(20, 60)), dt.time(10))
            session.add(Invitation(event=event, contact=contact, organization_id=contact.organization_id,
                                   status=status, owner_unit_id=event.owner_unit_id, category=contact.organization.kind.value,
                                   created_at=sent.astimezone(dt.timezone.utc)))

    # Plans and summaries filed for most meetings; two left open so the demo shows overdue deadlines.
    for event in events.values():
        if not event_service.is_meeting(event) or event.starts_on > today:
            continue
        if event.ref != "A5":
            event.plan_submitted_on = event_service.plan_due(event) - dt.timedelta(days=rng.randint(1, 10))
        if event.ref not in ("A5", "B4"):
            summary_on = event_service.summary_due(event) - dt.timedelta(days=rng.randint(0, 5))
            event.summary_submitted_on = summary_on if summary_on <= today else None  # filed once it can be
    session.flush()

    # Signed projects at the programme's meetings, carried through the pipeline to various points.
    for n in range(40):
        event = events[rng.choice(SIGNING_EVENTS)]
        industry = event.industries[0] if event.industries else rng.choice(industries)
        signed_on = min(_day_between(rng, event.starts_on, event.ends_on), today)
        planned_start = signed_on + dt.timedelta(days=rng.randint(90, 240))
        project = project_service.add_project(
            session,
            project_service.NewProject(
                name=f"示例{industry.name[:4]}项目{n + 1:02d}",
                investor=rng.choice(orgs).name,
                industry=industry.code,
                city=rng.choice(cities).name,
                amount=Decimal(rng.choice((3000, 8000, 12000, 25000, 50000, 120000, 300000))),
                signed_on=signed_on,
                event_ref=event.ref,
                signing_form=SigningForm.AGREEMENT if n % 4 == 0 else SigningForm.CONTRACT,
                jobs=rng.randint(50, 2000),
                responsible_unit=rng.choice(offices).name,
                planned_construction_on=planned_start,
                planned_production_on=planned_start + dt.timedelta(days=365),
                park=f"{rng.choice(cities).short_name}示例工业园区",
            ),
            actor=actor,
            today=today,
        )
        if project.signing_form == SigningForm.AGREEMENT and n % 8 == 0:
            converted_on = min(signed_on + dt.timedelta(days=rng.randint(20, 120)), today)  # never after today
            project_service.convert_to_contract(session, project.ref, converted_on, today=today)
        reached = rng.choices((0, 1, 2, 3), weights=(25, 30, 25, 20))[0]
        on = signed_on
        for target in (Stage.CONSTRUCTION, Stage.PRODUCTION, Stage.RESULTS)[:reached]:
            on = on + dt.timedelta(days=rng.randint(60, 400))
            if on > today:
                break
            project_service.advance(session, project.ref, target, on, note="演示数据", actor=actor, today=today)
        amount = project.contracted_amount
        shares = sorted(rng.sample(range(10, 101, 10), k=rng.randint(0, 3)))
        # Cumulative figures grow with time: the larger share is the later report.
        for share, day in zip(shares, sorted(_day_between(rng, signed_on, today) for _ in shares)):
            project_service.record_figure(
                session, project.ref, FigureKind.FUNDS_IN_PLACE, amount * share / 100, day, note=None, actor=actor,
                today=today,
            )
        # Follow-ups (and the problems they raise) in the project's own years: soon after signing, shortly
        # before each stage it reached, and in the last weeks before it ended or, still served, before today.
        ended_on = max(today - dt.timedelta(days=200), signed_on) if n == TERMINATED else today
        steps = [step.happened_on for step in project_service.effective_steps(project)[1:]]
        days = {signed_on + dt.timedelta(days=rng.randint(10, 40))}
        days |= {day - dt.timedelta(days=rng.randint(5, 30)) for day in steps}
        days |= {ended_on - dt.timedelta(days=rng.randint(2, 45)), ended_on - dt.timedelta(days=rng.randint(46, 90))}
        for happened in sorted(d for d in days if signed_on <= d <= ended_on):
            followup_service.add_followup(
                session, project.ref, on=happened, content=rng.choice(FOLLOWUP_TEXTS),
                kind=rng.choice(list(FollowUpKind)), next_step=rng.choice(NEXT_STEPS),
                next_on=happened + dt.timedelta(days=rng.randint(7, 30)),
                problem=rng.choice(PROBLEMS) if rng.random() < 0.3 else None,
                problem_unit=rng.choice(offices).name, actor=actor, today=today,
            )
        for problem in list(project.problems):
            if rng.random() < 0.5:  # resolved within months of being raised
                resolved_on = min(problem.raised_on + dt.timedelta(days=rng.randint(10, 180)), today)
                followup_service.resolve_problem(session, problem.id, on=resolved_on, resolution="已协调解决",
                                                 today=today)
        if n in STALLED:
            stalled_on = max(today - dt.timedelta(days=60), signed_on)
            project_service.set_status(session, project.ref, ProjectStatus.STALLED, stalled_on,
                                       reason="企业资金链紧张，项目暂缓", actor=actor, today=today)
        if n == TERMINATED:
            project_service.set_status(session, project.ref, ProjectStatus.TERMINATED, ended_on,
                                       reason="投资方战略调整，终止投资", actor=actor, today=today)

    # Two projects still before signing: a lead and one under negotiation.
    for n, stage in enumerate((Stage.LEAD, Stage.NEGOTIATING)):
        project_service.add_project(
            session,
            project_service.NewProject(
                name=f"示例{('线索', '在谈')[n]}项目", investor=rng.choice(orgs).name, industry=industries[n].code,
                city=cities[n].name, stage=stage, entered_on=today - dt.timedelta(days=30),
            ),
            actor=actor,
            today=today,
        )


LARGE_CONTACTS = 100_000
LARGE_PROJECTS = 10_000
LARGE_FOLLOWUPS = 200_000
CHUNK = 10_000


def _signed_at(events: list, n: int, signed_on: dt.date) -> int | None:
    """One of the signing events that had begun by `signed_on` (a project is not signed at an event before
    it: crm.rules.dates.check_signed_at_event), or None."""
    begun = [event_id for event_id, starts_on in events if starts_on <= signed_on]
    return begun[n % len(begun)] if begun else None


def _bulk(session: Session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start : start + CHUNK])


def load_large(session: Session, today: dt.date, *, seed: int = 2012, progress=None) -> None:
    """100,000 contacts, 10,000 projects and 200,000 follow-ups, inserted in bulk."""
    rng = random.Random(seed)
    actor = _demo_staff(session)
    industries = list(session.scalars(select(Industry).order_by(Industry.id)))
    cities = list(session.scalars(select(Region).where(Region.in_province.is_(True)).order_by(Region.id)))
    signing_events = session.execute(select(Event.id, Event.starts_on).where(Event.ref.in_(SIGNING_EVENTS))).all()
    start_id = (session.scalar(select(func.max(Organization.id))) or 0) + 1
    kinds = list(ORG_KIND_WEIGHTS)
    org_rows = []
    for i in range(LARGE_CONTACTS // 20):
        kind = kinds[i % len(kinds)]
        name = _org_name(rng, kind, industries[i % len(industries)].name, 10_000 + i)
        key = organization_key(name)
        # Core inserts pass by the ORM events that fill the pinyin column (db.pinyin): filled here.
        org_rows.append({"id": start_id + i, "name": name, "name_key": key, "kind": kind, "pinyin": organization_pinyin(key),
                         "industry_id": industries[i % len(industries)].id, "version": 1})
    _bulk(session, Organization, org_rows)
    if progress:
        progress("organizations", len(org_rows))
    contact_rows = []
    for i in range(LARGE_CONTACTS):
        person = _person_name(rng)
        key = name_key(person)
        mobile = f"{MOBILE_PREFIX}{i:07d}"
        contact_rows.append({
            "name": person, "name_key": key, "pinyin": contact_pinyin(key),
            "organization_id": org_rows[i % len(org_rows)]["id"],
            "title": TITLES[i % len(TITLES)], "mobile": mobile, "mobile_key": mobile,
            "email": f"contact{i}@example.com", "email_key": f"contact{i}@example.com", "version": 1,
        })
    _bulk(session, Contact, contact_rows)
    if progress:
        progress("contacts", len(contact_rows))
    first_project = (session.scalar(select(func.max(Project.id))) or 0) + 1
    city_units = [city_unit(session, city.id).id for city in cities]
    project_rows, step_rows, followup_rows = [], [], []
    window = (today - dt.date(2011, 1, 1)).days
    for i in range(LARGE_PROJECTS):
        pid = first_project + i
        signed_on = dt.date(2011, 1, 1) + dt.timedelta(days=rng.randint(0, max(window - 30, 0)))
        industry = industries[i % len(industries)]
        stage_dates = [(Stage.SIGNED, signed_on)]
        on = signed_on
        for target in (Stage.CONSTRUCTION, Stage.PRODUCTION, Stage.RESULTS)[: rng.choice((0, 1, 1, 2, 2, 3))]:
            on = on + dt.timedelta(days=rng.randint(60, 400))
            if on > today:
                break
            stage_dates.append((target, on))
        planned_start = signed_on + dt.timedelta(days=rng.randint(90, 240))
        project_rows.append({
            "id": pid, "ref": f"P{pid:05d}", "name": f"示例{industry.name[:4]}规模项目{i + 1:05d}",
            "investor_id": org_rows[i % len(org_rows)]["id"], "industry_id": industry.id,
            "region_id": cities[i % len(cities)].id, "owner_unit_id": city_units[i % len(cities)],
            "signing_form": SigningForm.CONTRACT, "signed_on": signed_on,
            "contract_on": signed_on, "signing_event_id": _signed_at(signing_events, i, signed_on) if i % 3 == 0 else None,
            "contracted_amount": Decimal(rng.choice((2000, 5000, 12000, 30000, 80000, 150000))),
            "planned_construction_on": planned_start, "planned_production_on": planned_start + dt.timedelta(days=365),
            "stage": stage_dates[-1][0], "stage_on": stage_dates[-1][1], "status": ProjectStatus.ACTIVE, "version": 1,
        })
        for stage, day in stage_dates:
            step_rows.append({"project_id": pid, "stage": stage, "happened_on": day, "note": "演示数据",
                              "recorded_by_id": actor.id})
    for i in range(LARGE_FOLLOWUPS):
        project = project_rows[i % len(project_rows)]
        day = _day_between(rng, project["signed_on"], today)
        followup_rows.append({
            "project_id": project["id"], "happened_on": day, "kind": FollowUpKind.VISIT,
            "content": FOLLOWUP_TEXTS[i % len(FOLLOWUP_TEXTS)], "next_step": NEXT_STEPS[i % len(NEXT_STEPS)],
            "next_on": day + dt.timedelta(days=14), "staff_id": actor.id,
        })
    _bulk(session, Project, project_rows)
    _bulk(session, StageStep, step_rows)
    if progress:
        progress("projects", len(project_rows))
    _bulk(session, FollowUp, followup_rows)
    refresh_statistics(session, (Organization.__table__, Contact.__table__, Project.__table__,
                                 StageStep.__table__, FollowUp.__table__))
    if progress:
        progress("followups", len(followup_rows))
