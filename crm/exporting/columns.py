"""Columns several sheets share, so that one thing has one header and one width in every workbook.
Functions rather than constants: headers follow the language chosen at run time."""
from __future__ import annotations

from crm.exporting.workbook import CENTER, DATE, INTEGER, TEXT, YI, Column
from crm.i18n import pick


def number() -> Column:
    return Column(pick("序号", "No."), INTEGER)


def project() -> Column:
    return Column(pick("项目名称", "Project"), TEXT, 20)


def investor() -> Column:
    return Column(pick("投资方", "Investor"), TEXT, 20)


def industry() -> Column:
    return Column(pick("产业", "Industry"), TEXT, 12)


def city() -> Column:
    return Column(pick("所在地", "City"), CENTER, 10)


def investment() -> Column:
    """合同引资额, the one term for the contracted amount in the command line, the workbench and the sheets."""
    return Column(pick("合同引资额\n（亿元）", "Contracted\n(亿元)"), YI)


def signed_on() -> Column:
    return Column(pick("签约时间", "Signed on"), DATE)


def signed_at() -> Column:
    return Column(pick("签约活动", "Signed at"), TEXT, 16)


def stage() -> Column:
    return Column(pick("当前阶段", "Stage"), CENTER)


def stage_date() -> Column:
    return Column(pick("阶段日期", "Stage date"), DATE)


def responsible_unit() -> Column:
    return Column(pick("责任单位", "Responsible unit"), TEXT, 18)


def signal(header: tuple[str, str] = ("状态", "Signal")) -> Column:
    return Column(pick(*header), CENTER)


def when() -> Column:
    return Column(pick("时间", "When"), TEXT, 22)


def place() -> Column:
    return Column(pick("地点", "Where"), TEXT, 16)


def coordinators() -> Column:
    return Column(pick("衔接协调处室", "Coordinating office"), TEXT, 18)
