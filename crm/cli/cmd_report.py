"""crm report kpi|targets|ranking"""
from __future__ import annotations

from crm.cli.context import print_json, print_table
from crm.dates import parse_optional_date
from crm.i18n import pick
from crm.labels import unit_label


def register(commands) -> None:
    report = commands.add_parser("report", help=pick("统计报告", "reports"))
    sub = report.add_subparsers(dest="report_command", metavar=pick("报表", "REPORT"), required=True)
    p = sub.add_parser("kpi", help=pick("签约、开工率、投产率、见效率等指标", "signing, start, production and result rates"))
    p.add_argument("--as-of", metavar=pick("日期", "DATE"))
    p.add_argument("--from", dest="signed_from", metavar=pick("日期", "DATE"), help=pick("签约起始日期", "signed on or after"))
    p.add_argument("--to", dest="signed_to", metavar=pick("日期", "DATE"), help=pick("签约截止日期", "signed on or before"))
    p.add_argument("--event", metavar=pick("活动编号", "REF"))
    p.add_argument("--industry", metavar=pick("产业", "IND"))
    p.add_argument("--city", metavar=pick("城市", "CITY"))
    counting = p.add_mutually_exclusive_group()
    counting.add_argument("--confirmed", action="store_true",
                          help=pick("只计省级已认定的项目", "count only projects a provincial reviewer accepted"))
    counting.add_argument("--reported", action="store_false", dest="confirmed",
                          help=pick("计各单位录入的全部项目，重复上报只计一次（默认）",
                                    "count every project the units recorded, one reported twice once (the default)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=kpi)
    for name, zh, en, handler in (
            ("targets", "目标任务完成情况：完成率、序时进度、超序时进度与名次",
             "targets: completion, share of the year, points ahead and rank", targets),
            ("ranking", "设区市排名（按配置的计分规则）", "the cities ranked by the configured rule", ranking)):
        p = sub.add_parser(name, help=pick(zh, en))
        p.add_argument("--as-of", metavar=pick("日期", "DATE"))
        p.add_argument("--year", metavar=pick("年度", "YEAR"), help=pick("默认截至日期所在年度", "default: the as-of year"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler, by_days=False)


def kpi(ctx) -> int:
    from crm.services.events import get_event
    from crm.services.kpi import Cohort, kpi_report
    from crm.services.reference import find_industry, find_region

    a = ctx.args
    as_of = ctx.as_of(a.as_of)
    with ctx.db.unit_of_work(write=False) as session:
        cohort = Cohort(
            signed_from=parse_optional_date(a.signed_from),
            signed_to=parse_optional_date(a.signed_to),
            event_id=get_event(session, a.event).id if a.event else None,
            industry=find_industry(session, a.industry).name if a.industry else None,
            city=find_region(session, a.city).name if a.city else None,
            confirmed=a.confirmed,
        )
        report = kpi_report(session, as_of, cohort)
    if a.json:
        print_json(report)
        return 0

    def pct(value):
        return "—" if value is None else f"{value:.2%}"

    rows = [[pick("全部", "all"), report]] + [[k, v] for k, v in report["by_industry"].items()]
    print(pick(f"统计截至 {report['as_of']}", f"as of {report['as_of']}"))
    print_table(
        [pick("分组", "group"), pick("签约数", "signed"), pick("签约额({})", "amount ({})").format(unit_label("万元")),
         pick("开工率", "started"), pick("投产率", "production"), pick("见效率", "results"), pick("资金到位率", "funds"),
         pick("履约率", "performance"), pick("问题办结率", "problems resolved")],
        [[name, r["signed"], f"{r['signed_amount']:,.2f}", pct(r["started_rate"]), pct(r["production_rate"]),
          pct(r["results_rate"]), pct(r["funds_in_place_rate"]), pct(r["performance_rate"]),
          pct(r["problems_resolved_rate"])] for name, r in rows],
    )
    return 0


def targets(ctx) -> int:
    """JSON: each target with rates as fractions and its rank; text: the table `crm targets progress` prints."""
    from crm.cli.cmd_targets import progress, year_and_day
    from crm.services.targets import report

    if not ctx.args.json:
        return progress(ctx)
    year, as_of = year_and_day(ctx)
    with ctx.db.unit_of_work(write=False) as session:
        rows = report(session, year, as_of)
    print_json(rows)
    return 0


def ranking(ctx) -> int:
    """JSON: [{"city", "score", "rank"}]; text: the table `crm targets rank` prints."""
    from crm.cli.cmd_targets import rank, year_and_day
    from crm.rules.targets import ranking_settings
    from crm.services.targets import ranking as ranked

    if not ctx.args.json:
        return rank(ctx)
    year, as_of = year_and_day(ctx)
    weights, rule = ranking_settings(ctx.config)
    with ctx.db.unit_of_work(write=False) as session:
        rows = ranked(session, year, as_of, weights=weights, rule=rule)
    print_json([{"city": r.unit, "score": float(r.score), "rank": r.rank} for r in rows])
    return 0
