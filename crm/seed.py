"""The 2011 programme exactly as the seed text gives it (../shared/seed/000_909b1875fc27441b.txt):
赣工信科技字[2011]144号, 五四四 = 5 major activities + 4 industry matchmaking meetings + 4 cooperation
promotion meetings, 13 activities holding 15 meetings. Nothing here is invented: a field the text does
not give is None or empty."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from db.models.enums import DatePrecision, EventKind, EventLevel, UnitKind

PROGRAMME = {
    "code": "2011-544",
    "year": 2011,
    "title": "江西省工信委2011年战略性新兴产业推介活动工作方案",
    "document_no": "赣工信科技字[2011]144号",
    "issued_on": dt.date(2011, 4, 10),
}

# 设区市 of Jiangxi: (full name, short name).
JIANGXI_CITIES = (
    ("南昌市", "南昌"), ("景德镇市", "景德镇"), ("萍乡市", "萍乡"), ("九江市", "九江"), ("新余市", "新余"),
    ("鹰潭市", "鹰潭"), ("赣州市", "赣州"), ("吉安市", "吉安"), ("宜春市", "宜春"), ("抚州市", "抚州"),
    ("上饶市", "上饶"),
)
OTHER_REGIONS = (("北京市", "北京"), ("香港特别行政区", "香港"))

# Industries the plan names, with stable codes.
INDUSTRIES = (
    ("pv", "光伏"),
    ("nev", "新能源汽车及动力电池"),
    ("outsourcing", "服务外包"),
    ("green-lighting", "绿色照明"),
    ("biomed", "生物和新医药"),
    ("silicone", "有机硅"),
    ("rare-earth-tungsten", "稀土钨新材料"),
    ("copper", "铜"),
    ("nev-parts", "新能源汽车及配套"),
    ("led", "半导体照明"),
    ("ceramics", "非金属新材料(工业陶瓷)"),
    ("mobile-phones", "手机"),
)

# The commission's offices (处室) that coordinate; provincial departments; collective mentions.
OFFICES = ("省工信委新兴产业处", "省工信委装备工业处", "省工信委软件服务业处", "省工信委推进办", "省工信委综合处",
           "省工信委投资规划处", "省工信委医药工业处", "省工信委石化工业处", "省工信委有色工业处", "省工信委电子信息处",
           "省工信委建材工业处")
DEPARTMENTS = ("省委宣传部", "省发改委", "省工信委", "省科技厅", "省教育厅", "省商务厅", "省国资委", "省金融办")
COLLECTIVES = ("相关部门", "有关设区市政府", "相关省直部门", "项目相对集中的设区市政府")


def unit_kind(name: str) -> UnitKind:
    if name in COLLECTIVES:
        return UnitKind.COLLECTIVE
    if name in OFFICES:
        return UnitKind.OFFICE
    if name.endswith("市政府"):
        return UnitKind.CITY
    return UnitKind.DEPARTMENT


def unit_region(name: str) -> str | None:
    """南昌市政府 → 南昌市."""
    return name.removesuffix("政府") if unit_kind(name) == UnitKind.CITY else None


@dataclass(frozen=True)
class SeedEvent:
    ref: str
    title: str
    group: str  # major | matchmaking | cooperation
    level: EventLevel
    kind: EventKind
    year: int
    month: int | None = None  # None with quarter
    quarter: int | None = None
    city: str | None = None  # region full name; None when not fixed
    venue: str | None = None
    hosts: tuple[str, ...] = ()
    co_hosts: tuple[str, ...] = ()
    supporters: tuple[str, ...] = ()
    coordinators: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()  # industry codes
    invitee_types: tuple[str, ...] = ()
    planned_scale: int | None = None
    quota: tuple[int, int] | None = None  # projects per industry (min, max)
    parent: str | None = None
    description: str | None = None
    children: tuple[str, ...] = field(default=())

    @property
    def precision(self) -> DatePrecision:
        return DatePrecision.MONTH if self.month else DatePrecision.QUARTER


GROUP_LABELS = {
    "major": ("五项重大活动（以省政府名义）", "five major activities (provincial government)"),
    "matchmaking": ("四次产业对接会（以设区市为主）", "four industry matchmaking meetings (city-led)"),
    "cooperation": ("四场合作推进会（以省政府名义）", "four cooperation promotion meetings (provincial government)"),
}

_CITY_AND_DEPTS = ("有关设区市政府", "相关省直部门")
P, C = EventLevel.PROVINCIAL, EventLevel.CITY

EVENTS: tuple[SeedEvent, ...] = (
    SeedEvent(
        "A1", "江西省战略性新兴产业发展合作推介会", "major", P, EventKind.PROMOTION, 2011, month=2,
        city="北京市", venue="人民大会堂",
        hosts=("省委宣传部", "省发改委", "省工信委", "省科技厅", "省教育厅", "省商务厅", "省国资委", "省金融办", "南昌市政府"),
        supporters=("相关部门",),
    ),
    SeedEvent(
        "A2", "第二届世界低碳与生态经济大会期间产业合作推进会", "major", P, EventKind.ACTIVITY, 2011, month=11,
        city="南昌市", industries=("pv", "nev", "outsourcing"),
        description="大力宣传我省战略性新兴产业扶持政策，介绍我省战略性新兴产业发展情况，重点推介有关园区、企业和重大项目",
    ),
    SeedEvent(
        "A2-PV", "光伏产业合作推进会", "major", P, EventKind.COOPERATION, 2011, month=11, city="南昌市", parent="A2",
        hosts=("新余市政府", "上饶市政府", "南昌市政府", "九江市政府", "景德镇市政府"), supporters=_CITY_AND_DEPTS,
        coordinators=("省工信委新兴产业处",), industries=("pv",),
        invitee_types=("国家部委领导", "国内外客商", "重点产业园区", "省重点光伏企业代表"), planned_scale=250,
    ),
    SeedEvent(
        "A2-NEV", "新能源汽车及动力电池产业合作推进会", "major", P, EventKind.COOPERATION, 2011, month=11, city="南昌市",
        parent="A2", hosts=("宜春市政府",), co_hosts=("南昌市政府", "吉安市政府", "赣州市政府"), supporters=_CITY_AND_DEPTS,
        coordinators=("省工信委装备工业处",), industries=("nev",),
        invitee_types=("国家部委领导", "科研院所", "国内外客商代表"), planned_scale=200,
    ),
    SeedEvent(
        "A2-SO", "服务外包产业合作推进会", "major", P, EventKind.COOPERATION, 2011, month=11, city="南昌市", parent="A2",
        hosts=("南昌市政府",), supporters=_CITY_AND_DEPTS, coordinators=("省工信委软件服务业处",), industries=("outsourcing",),
        invitee_types=("国内外服务外包产业知名企业代表", "战略投资商", "相关客商"), planned_scale=200,
    ),
    SeedEvent(
        "A3", "香港招商引资活动周战略性新兴产业合作推进会", "major", P, EventKind.COOPERATION, 2011, month=5, city="香港特别行政区",
        hosts=("省工信委",), co_hosts=("省商务厅", "相关省直部门"), supporters=("有关设区市政府",),
        coordinators=("省工信委推进办",), industries=("pv", "green-lighting", "biomed", "outsourcing"),
        invitee_types=("有投资意向的重要客商", "我省重点项目企业"),
    ),
    SeedEvent(
        "A4", "战略性新兴产业重大项目与金融机构合作对接会", "major", P, EventKind.FINANCE, 2011, quarter=3, city="南昌市",
        hosts=("省工信委", "省金融办"), supporters=_CITY_AND_DEPTS, coordinators=("省工信委推进办", "省工信委综合处"),
        invitee_types=("金融机构",), quota=(5, 8),
        description="优选部分重大项目与金融机构对接，搭建融资交流平台，满足企业资金需求，加快项目建设",
    ),
    SeedEvent(
        "A5", "战略性新兴产业签约项目集中开工仪式", "major", P, EventKind.GROUNDBREAKING, 2011, month=10,
        hosts=("项目相对集中的设区市政府",), supporters=_CITY_AND_DEPTS, coordinators=("省工信委投资规划处",), quota=(2, 3),
        description="集中展示战略性新兴产业招商引资和产业发展成果；城市未定，由项目相对集中的设区市政府承办",
    ),
    SeedEvent(
        "B1", "生物和新医药产业融资对接会", "matchmaking", C, EventKind.FINANCE, 2011, month=3, city="南昌市",
        hosts=("抚州市政府",), coordinators=("省工信委医药工业处",), industries=("biomed",),
        invitee_types=("省内重点企业", "金融机构代表"), planned_scale=60,
    ),
    SeedEvent(
        "B2", "化工博士与企业家对接会", "matchmaking", C, EventKind.MATCHMAKING, 2011, month=4, city="九江市",
        hosts=("九江市政府",), coordinators=("省工信委石化工业处",), industries=("silicone",),
        invitee_types=("国内外有机硅产业博士", "教授", "专家", "有机硅产业企业家代表"), planned_scale=60,
    ),
    SeedEvent(
        "B3", "稀土钨新材料研讨会", "matchmaking", C, EventKind.SEMINAR, 2011, month=6, city="赣州市",
        hosts=("赣州市政府",), coordinators=("省工信委有色工业处",), industries=("rare-earth-tungsten",),
        invitee_types=("国家部委领导", "国内外知名专家学者", "企业代表"), planned_scale=150,
    ),
    SeedEvent(
        "B4", "铜产业合作论坛", "matchmaking", C, EventKind.FORUM, 2011, month=10, city="鹰潭市",
        hosts=("鹰潭市政府",), coordinators=("省工信委有色工业处",), industries=("copper",),
        invitee_types=("国内铜加工方面权威专家", "国内主要铜加工企业主要领导"), planned_scale=100,
    ),
    SeedEvent(
        "C1", "新能源汽车及配套产业合作推进会", "cooperation", P, EventKind.COOPERATION, 2011, month=9, city="赣州市",
        hosts=("赣州市政府",), supporters=_CITY_AND_DEPTS, coordinators=("省工信委装备工业处",), industries=("nev-parts",),
        invitee_types=("国家部委领导", "行业专家学者", "行业内知名企业代表"), planned_scale=200,
    ),
    SeedEvent(
        "C2", "半导体照明产业合作推进会", "cooperation", P, EventKind.COOPERATION, 2011, month=8, city="吉安市",
        hosts=("吉安市政府",), supporters=_CITY_AND_DEPTS, coordinators=("省工信委电子信息处",), industries=("led",),
        invitee_types=("国家部委领导", "中科院有关院所领导和行业专家", "复旦大学院所有关领导和行业专家", "企业代表"),
        planned_scale=240,
    ),
    SeedEvent(
        "C3", "非金属新材料(工业陶瓷)产业合作推进会", "cooperation", P, EventKind.COOPERATION, 2011, month=7, city="萍乡市",
        hosts=("萍乡市政府",), supporters=_CITY_AND_DEPTS, coordinators=("省工信委建材工业处",), industries=("ceramics",),
        invitee_types=("科研院所", "客商代表"), planned_scale=200,
    ),
    SeedEvent(
        "C4", "手机产业合作推进会", "cooperation", P, EventKind.COOPERATION, 2011, month=11, city="九江市", venue="共青城",
        hosts=("九江市政府",), supporters=_CITY_AND_DEPTS, coordinators=("省工信委电子信息处",), industries=("mobile-phones",),
        invitee_types=(
            "国家部委领导", "手机行业协会负责人和专家", "国际知名品牌手机制造商摩托罗拉、诺基亚、三星等公司代表",
            "国内知名手机制造商代表", "国内外知名手机元器件供应商代表", "中国移动、中国电信、中国联通公司有关负责同志",
            "中国联通集团时科公司", "中国电信天翼终端有限公司", "战略投资者代表",
        ),
        planned_scale=160,
    ),
)


def meetings() -> list[SeedEvent]:
    """The 15 meetings: every event that holds no further meetings."""
    parents = {e.parent for e in EVENTS if e.parent}
    return [e for e in EVENTS if e.ref not in parents]


def activities() -> list[SeedEvent]:
    """The 13 activities: every event without a parent."""
    return [e for e in EVENTS if e.parent is None]
