"""crm demo [--size small|large] [--force]"""
from __future__ import annotations

import sys

from crm.i18n import pick, t


def register(commands) -> None:
    p = commands.add_parser("demo", help=pick("创建数据库并载入2011年推介活动方案（演示）", "load the 2011 programme as a demo"))
    p.add_argument("--size", metavar=pick("规模", None), choices=("small", "large"), help=pick(
        "small：加上虚构的客商、项目与跟踪记录；large：再加10万客商、1万项目、20万条跟踪",
        "small: add fictional contacts, projects and follow-ups; large: 100k contacts, 10k projects, 200k follow-ups"))
    p.add_argument("--force", action="store_true", help=pick("清空现有数据后重新载入", "erase existing data first"))
    p.set_defaults(handler=run)


def run(ctx) -> int:
    from crm.demo.loader import load_demo

    def progress(what: str, count: int) -> None:
        if sys.stderr.isatty():
            print(f"  {what}: {count:,}", file=sys.stderr)

    with ctx.db.unit_of_work() as session:
        counts = load_demo(session, size=ctx.args.size, force=ctx.args.force, today=ctx.today, progress=progress)
    print(t("demo_loaded", url=ctx.db.display_url, **counts))
    return 0
