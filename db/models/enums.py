"""Closed vocabularies of the domain (DOMAIN.md "Words"). Stored as their string values."""
from __future__ import annotations

import enum

from sqlalchemy import Enum


class OrgKind(enum.StrEnum):
    MULTINATIONAL = "multinational"  # 跨国公司
    CENTRAL_SOE = "central_soe"  # 央企
    PRIVATE = "private"  # 民企
    RESEARCH = "research"  # 科研院所
    FINANCIAL = "financial"  # 金融机构
    GOVERNMENT = "government"  # 政府部门
    ASSOCIATION = "association"  # 协会
    OTHER = "other"


class UnitKind(enum.StrEnum):
    PROVINCE = "province"  # 省政府 / 省工信委: the provincial level itself
    DEPARTMENT = "department"  # 省直部门
    OFFICE = "office"  # 省工信委处室
    CITY = "city"  # 设区市 (its government or commerce bureau)
    PARK = "park"  # 园区 or county under a city
    COLLECTIVE = "collective"  # 有关设区市政府 / 相关部门: a group named as a whole


class EventLevel(enum.StrEnum):
    PROVINCIAL = "provincial"  # 以省政府名义
    CITY = "city"  # 以设区市为主


class EventKind(enum.StrEnum):
    PROMOTION = "promotion"  # 推介会
    COOPERATION = "cooperation"  # 合作推进会
    MATCHMAKING = "matchmaking"  # 对接会
    FINANCE = "finance"  # 融资对接会 / 金融合作对接会
    GROUNDBREAKING = "groundbreaking"  # 开工仪式
    SEMINAR = "seminar"  # 研讨会
    FORUM = "forum"  # 论坛
    ACTIVITY = "activity"  # an activity that only groups meetings


class DatePrecision(enum.StrEnum):
    """How precisely an event's time is known (crm.rules.when): the stored span is the possible one."""

    DAY = "day"  # a day or a span of days
    DEKAD = "dekad"  # 上旬 / 中旬 / 下旬 of a month
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"  # 上半年 / 下半年
    YEAR = "year"  # 年内
    UNKNOWN = "unknown"  # 待定: within the programme's year, no deadline yet


class OrganizerRole(enum.StrEnum):
    HOST = "host"  # 承办
    CO_HOST = "co_host"  # 协办
    SUPPORT = "support"  # 配合
    COORDINATOR = "coordinator"  # 衔接协调


class InvitationStatus(enum.StrEnum):
    PROPOSED = "proposed"  # 拟邀请
    INVITED = "invited"  # 已邀请
    CONFIRMED = "confirmed"  # 已确认
    ATTENDED = "attended"  # 已出席
    DECLINED = "declined"  # 婉拒


class Stage(enum.StrEnum):
    LEAD = "lead"  # 线索
    NEGOTIATING = "negotiating"  # 在谈
    SIGNED = "signed"  # 签约
    CONSTRUCTION = "construction"  # 开工
    PRODUCTION = "production"  # 投产
    RESULTS = "results"  # 见效


class SigningForm(enum.StrEnum):
    AGREEMENT = "agreement"  # 协议项目 (framework agreement)
    CONTRACT = "contract"  # 合同项目


class ProjectStatus(enum.StrEnum):
    ACTIVE = "active"
    STALLED = "stalled"  # 停滞
    TERMINATED = "terminated"  # 终止


class StepKind(enum.StrEnum):
    ADVANCE = "advance"
    CORRECTION = "correction"


class FigureKind(enum.StrEnum):
    FUNDS_IN_PLACE = "funds_in_place"  # 到位资金
    INVESTMENT_COMPLETED = "investment_completed"  # 累计完成投资


class FollowUpKind(enum.StrEnum):
    VISIT = "visit"
    CALL = "call"
    MEETING = "meeting"
    COORDINATION = "coordination"


class SubmissionKind(enum.StrEnum):
    PLAN = "plan"  # 工作方案, before the event
    SUMMARY = "summary"  # 活动总结 with the signed projects and the invitee list, after it
    PROJECT = "project"  # a signed project, for confirmation (认定)


class SubmissionOutcome(enum.StrEnum):
    ACCEPTED = "accepted"  # 认定 / 备案
    RETURNED = "returned"  # 退回, with a reason


class InvestorOrigin(enum.StrEnum):
    INSIDE = "inside"  # 省内
    OUTSIDE = "outside"  # 省外: another province (省外资金)
    ABROAD = "abroad"  # 境外, Hong Kong, Macao and Taiwan included (境外资金)


class Currency(enum.StrEnum):
    CNY = "CNY"
    USD = "USD"


class MilestoneKind(enum.StrEnum):
    IN_STATISTICS = "in_statistics"  # 入库 / 纳统: entered the statistics
    ABOVE_SIZE = "above_size"  # 入规: became an enterprise above the designated size (规上)
    FULL_CAPACITY = "full_capacity"  # 达产: reached design capacity


def enum_column_type(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A portable VARCHAR + named CHECK constraint holding the enum's values (not its member names)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
