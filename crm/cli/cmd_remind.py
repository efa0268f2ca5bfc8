"""crm remind: each person's and each unit's digest of what is due, by e-mail, group robot or on standard
output; each item once a day at most per recipient, failed sends again on the next run.

Exit codes: 0 everything due was sent (or nothing was due); 7 (crm.errors.EXIT_SENDS_FAILED) some sends
failed — each on a line of its own on stderr, recorded, and sent again by the next run; 1 settings refused
(config.toml, the password file); 5 the database."""
from __future__ import annotations

import sys

from crm.cli.context import print_json
from crm.i18n import pick, t

_CHANNEL_LABELS = {"email": ("邮件", "e-mail"), "wecom": ("企业微信", "WeCom"), "dingtalk": ("钉钉", "DingTalk"),
                   "feishu": ("飞书", "Feishu"), "stdout": ("标准输出", "stdout")}


# crm.remind.runner.CHOICES, kept here: building the parser imports no database code.
CHOICES = ("email", "webhook", "wecom", "dingtalk", "feishu", "stdout")


def register(commands) -> None:
    p = commands.add_parser("remind", help=pick("发送到期提醒：邮件、企业微信/钉钉/飞书群机器人或标准输出",
                                                "send reminders of what is due: e-mail, group robots, stdout"))
    p.add_argument("--as-of", metavar=pick("日期", "DATE"), help=pick("截至日期（默认今天）", "as of (default today)"))
    p.add_argument("--dry-run", action="store_true",
                   help=pick("只显示将发给谁什么，不发送、不记录", "show what would go to whom; send and record nothing"))
    p.add_argument("--channel", action="append", choices=CHOICES, metavar=pick("渠道", "CHANNEL"),
                   help=pick("email | webhook（全部群机器人）| wecom | dingtalk | feishu | stdout，可多次；"
                             "默认 config.toml 中配置的全部渠道，未配置时为标准输出",
                             "email | webhook (every group robot) | wecom | dingtalk | feishu | stdout, repeatable; "
                             "default: every channel config.toml sets up, else stdout"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=remind)


def channel_label(channel: str) -> str:
    return pick(*_CHANNEL_LABELS.get(channel, (channel, channel)))


def _where(target) -> str:
    label = channel_label(target.channel)
    return f"{label} {target.address}" if target.address else label


def _who(outcome) -> str:
    whose = outcome.target.whose
    return f"{whose.name}（{whose.key}）" if whose.kind == "staff" and whose.name != whose.key else whose.name


def remind(ctx) -> int:
    from crm.errors import EXIT_SENDS_FAILED
    from crm.remind.message import item_text
    from crm.remind.runner import run

    a = ctx.args
    as_of = ctx.as_of(a.as_of)

    def failed(outcome, reason: str) -> None:
        target = outcome.target
        line = t("remind_failed", who=_who(outcome), channel=_where(target), reason=reason)
        print(f"crm: {' '.join(line.split())}", file=sys.stderr, flush=True)

    report = run(ctx.db, ctx.config, as_of=as_of, channels=a.channel, dry_run=a.dry_run, echo=not a.json,
                 on_failure=failed)
    for key, params in report.notes:
        print(f"crm: {t(key, **params)}", file=sys.stderr)
    if report.without_address:
        shown = "、".join(report.without_address[:10]) + ("…" if len(report.without_address) > 10 else "")
        print(f"crm: {t('remind_without_address', count=len(report.without_address), logins=shown)}", file=sys.stderr)
    recipients = report.recipients()
    if a.json:
        print_json(report.as_dict())
    elif a.dry_run:
        lines = []  # tens of thousands of lines on a large database: written at once
        for outcome in recipients:
            if not outcome.pending:
                continue
            target = outcome.target
            lines.append(t("remind_dry_target", who=_who(outcome), channel=_where(target), count=len(outcome.pending))
                         + (pick(f"（补发 {target.day}）", f" (resent from {target.day})") if target.retry else ""))
            lines += [f"    {item_text(item)}" for item in outcome.pending]
        lines.append(t("remind_dry_summary", items=report.would_send, skipped=report.skipped,
                       recipients=sum(1 for o in recipients if o.pending)))
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        print(t("remind_summary", sent=report.sent, skipped=report.skipped, failed=report.failed,
                recipients=sum(1 for o in recipients if o.sent)))
    return EXIT_SENDS_FAILED if report.failed else 0
