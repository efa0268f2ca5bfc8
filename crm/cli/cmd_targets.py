"""crm targets set|import|progress|rank: annual targets, 序时进度 and the ranking of the cities (晾晒)."""
from __future__ import annotations

from crm.cli.cmd_import import _file_argument, _import_options
from crm.cli.context import print_json, print_table
from crm.i18n import pick, t
from crm.labels import amount_text, indicator_label

INDICATORS = ("signed_projects", "signed_amount", "funds", "started")


def register(commands) -> None:
    top = commands.add_parser("targets", help=pick("目标任务、序时进度与排名", "targets, progress against the year, ranking"))
    sub = top.add_subparsers(dest="targets_command", metavar=pick("操作", "ACTION"), required=True)
    p = sub.add_parser("set", help=pick("设置（或更改）一个设区市、园区或产业的年度目标",
                                        "set a city's, a park's or an industry's target for a year"))
    p.add_argument("--year", required=True, metavar=pick("年度", "YEAR"))
    p.add_argument("--city", "--unit", dest="unit", metavar=pick("城市或园区", "CITY"),
                   help=pick("设区市（南昌 或 南昌市政府）或园区", "a city (南昌, or its unit's name) or a park"))
    p.add_argument("--industry", metavar=pick("产业", "IND"),
                   help=pick("某一产业的目标（与 --city 一起：该市该产业；单独：全省该产业）",
                             "an industry's target (with --city: that city's; alone: the province's)"))
    for option, indicator, zh, en in (("--signed-projects", "signed_projects", "签约项目数（个）", "projects signed"),
                                      ("--signed-amount", "signed_amount", "签约金额（万元）", "amount signed (万元)"),
                                      ("--funds", "funds", "到位资金（万元）", "funds in place (万元)"),
                                      ("--started", "started", "开工项目数（个）", "projects started")):
        p.add_argument(option, dest=indicator, metavar=pick("目标值", "N"), help=pick(zh, en))
    p.set_defaults(handler=set_)
    p = sub.add_parser("import", help=pick(
        "导入委办印发的目标任务分解表（每个单位一行，每项指标一列）",
        "import a commission's target table (a row per unit, a column per indicator)"))
    _file_argument(p)
    p.add_argument("--year", metavar=pick("年度", "YEAR"),
                   help=pick("目标年度（表中无年度列、标题也未写明时必填）",
                             "the targets' year (needed when neither a 年度 column nor the title says it)"))
    _import_options(p, "seq unit year industry signed_projects signed_amount funds started notes ignore")
    p.set_defaults(handler=import_)
    for name, zh, en, handler in (("progress", "各目标的完成率与序时进度", "completion against each target and the year",
                                   progress),
                                  ("rank", "设区市排名（按加权得分）", "the cities ranked by weighted score", rank)):
        p = sub.add_parser(name, help=pick(zh, en))
        p.add_argument("--year", metavar=pick("年度", "YEAR"), help=pick("默认截至日期所在年度", "default: the as-of year"))
        p.add_argument("--as-of", metavar=pick("日期", "DATE"))
        if name == "progress":
            p.add_argument("--by-days", action="store_true",
                           help=pick("序时进度按天计（默认按月，如 5 月 31 日为 5/12）", "share of the year by days (default: months)"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)


def set_(ctx) -> int:
    from crm.errors import CrmError
    from crm.services.targets import set_target

    a = ctx.args
    given = [(i, getattr(a, i)) for i in INDICATORS if getattr(a, i) is not None]
    if not given:
        raise CrmError("target_needs_value")
    lines = []
    with ctx.db.unit_of_work() as session:  # all of them or none
        for indicator, value in given:
            target = set_target(session, year=a.year, unit=a.unit, indicator=indicator, value=value,
                                industry=a.industry)
            holder = target.unit.name + (f"（{target.industry.name}）" if target.industry else "")
            lines.append(t("target_set", year=target.year, unit=holder, indicator=indicator_label(indicator),
                           value=_value(indicator, target.value)))
    print("\n".join(lines))
    return 0


def import_(ctx) -> int:
    from crm.cli.cmd_import import _read_ahead, _run

    ahead = _read_ahead(ctx.args)  # the file is read in a thread while the database layer loads

    from crm.importing.targets import TARGET_TABLE
    from crm.importing.targets_import import TargetOptions, import_targets
    from crm.services.values import parse_integer

    a = ctx.args
    options = TargetOptions(year=parse_integer(a.year, low=2000, high=2100) if a.year else None, sheets=a.sheet,
                            mapping=TARGET_TABLE.parse_mapping(a.map), dry_run=a.dry_run, strict=a.strict)
    return _run(ctx, lambda progress: import_targets(ctx.db, a.file, options, login=ctx.login, progress=progress,
                                                     ahead=ahead),
                _import_counts, _amount_notices)


def _import_counts(result) -> list[str]:
    key = "import_targets_summary_would_create" if result.dry_run else "import_targets_summary_created"
    return [t(key, **result.created),
            t("import_targets_summary_updated", targets=result.updated["targets"], errors=len(result.errors))]


def _amount_notices(result) -> list[str]:
    """How each amount column was read, where it was not plainly 万元: a table in 亿元 must not pass unnoticed."""
    return [t("import_targets_amount_stated" if c.stated else "import_targets_amount_assumed", sheet=c.sheet,
              column=c.column, unit=c.unit)
            for c in result.amount_columns if not (c.stated and c.unit == "万元")]


def year_and_day(ctx):
    from crm.services.values import parse_integer

    as_of = ctx.as_of(ctx.args.as_of)
    return (parse_integer(ctx.args.year, low=2000, high=2100) if ctx.args.year else as_of.year), as_of


def progress(ctx) -> int:
    from crm.services.targets import progress as read

    year, as_of = year_and_day(ctx)
    with ctx.db.unit_of_work(write=False) as session:
        rows = read(session, year, as_of, by="days" if ctx.args.by_days else "months")
    if ctx.args.json:
        print_json({"year": year, "as_of": as_of.isoformat(), "rows": [r.as_dict() for r in rows]})
        return 0
    print(pick(f"{year} 年目标任务完成情况（截至 {as_of.isoformat()}）", f"Targets {year} as of {as_of.isoformat()}"))
    print_table(
        [pick("单位", "unit"), pick("产业", "industry"), pick("指标", "indicator"), pick("目标", "target"),
         pick("完成", "actual"), pick("完成率", "done"), pick("序时进度", "year gone"), pick("超序时进度（百分点）", "ahead (points)")],
        [[r.unit, r.industry or pick("全部", "all"), indicator_label(r.indicator), _value(r.indicator, r.target),
          _value(r.indicator, r.actual),
          _pct(r.completion), _pct(r.share_of_year), "—" if r.points_ahead is None else f"{r.points_ahead:+}"]
         for r in rows],
    )
    return 0


def rank(ctx) -> int:
    from crm.rules.targets import ranking_settings
    from crm.services.targets import ranking

    year, as_of = year_and_day(ctx)
    weights, rule = ranking_settings(ctx.config)
    with ctx.db.unit_of_work(write=False) as session:
        rows = ranking(session, year, as_of, weights=weights, rule=rule)
    if ctx.args.json:
        print_json({"year": year, "as_of": as_of.isoformat(), "rule": rule,
                    "weights": {k: float(v) for k, v in weights.items()}, "cohort": [r.unit for r in rows],
                    "rows": [r.as_dict() for r in rows]})
        return 0
    indicators = list(rows[0].completion) if rows else []
    print(pick(f"{year} 年设区市排名（截至 {as_of.isoformat()}，{len(rows)} 个设区市，{'功效系数法' if rule == 'efficacy' else '完成率封顶'}）",
               f"Cities {year} as of {as_of.isoformat()} ({len(rows)} cities, {rule})"))
    print_table([pick("名次", "rank"), pick("单位", "unit"), pick("得分", "score"),
                 *(indicator_label(i) + pick("完成率", " done") for i in indicators)],
                [[str(r.rank), r.unit, f"{r.score}", *(_pct(r.completion[i]) for i in indicators)] for r in rows])
    return 0


def _value(indicator: str, value) -> str:
    """A count as a whole number, an amount (万元) as amounts read everywhere."""
    return f"{int(value):,}" if indicator in ("signed_projects", "started") else amount_text(value)


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"
