"""crm figures correct|retract: funds in place and investment completed entered wrongly"""
from __future__ import annotations

from crm.cli.cmd_followups import add_corrections, given, record
from crm.dates import parse_date
from crm.i18n import pick
from crm.labels import unit_label


def register(commands) -> None:
    figures = commands.add_parser("figures", help=pick("到位资金与累计完成投资", "funds in place and investment completed"))
    sub = figures.add_subparsers(dest="figures_command", metavar=pick("操作", "ACTION"), required=True)
    p = add_corrections(sub, "figure", pick("资金数据", "a figure"), correct)
    p.add_argument("--amount", metavar=pick("金额", "WAN"),
                   help=pick("正确的金额（{}）", "the right amount ({})").format(unit_label("万元")))
    p.add_argument("--on", metavar=pick("日期", "DATE"), help=pick("正确的截至日期", "the right day it was reported for"))


def correct(ctx) -> int:
    from crm.services.corrections import correct_figure

    a = ctx.args
    changes = given(a, (("amount", "amount", None), ("on", "reported_on", parse_date)))
    return record(ctx, "record_corrected", lambda session, actor: correct_figure(
        session, a.id, changes, why=a.why, actor=actor, today=ctx.today))
