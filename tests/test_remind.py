"""crm remind against real servers on 127.0.0.1: an SMTP server (aiosmtpd, with a login) and an HTTP server
standing in for the group robots of 企业微信, 钉钉 and 飞书 (their JSON formats and signatures checked).
The right digest to the right people, nothing twice, a failed send delivered by the next run, earlier
days' failures and abandoned claims taken over, the password never shown, and two runs at once sending
each item once — on SQLite and on PostgreSQL. Also the lead time limits (crm.rules.leads) and `crm
deadlines`, the settings checks and the splitting of long digests."""
from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert, select

from db.models import ReminderDelivery, Staff
from db.session import Database

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult  # noqa: E402

# The test server takes a login over a plain connection on 127.0.0.1 (aiosmtpd warns of it).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

PASSWORD = "Pw-7f3kQ2-remind"
WRONG = "Wr0ng-pw-9Zx4"
WECOM_KEY = "wecom-key-693a1f"
DING_TOKEN = "ding-token-51c2e8"
DING_SECRET = "SECding-secret-0b7d"
FEISHU_TOKEN = "feishu-hook-8e4f20"
FEISHU_SECRET = "feishu-secret-c3a9"
SECRETS = (PASSWORD, WRONG, WECOM_KEY, DING_TOKEN, DING_SECRET, FEISHU_TOKEN, FEISHU_SECRET)

ZHANG, LI, NANCHANG = "zhang@example.gov.cn", "li@example.gov.cn", "nc@example.gov.cn"
# What each recipient's digest holds as of 2026-11-27 (see `world`).
EXPECTED = {
    ("email", ZHANG): {"P00001 久未跟进", "P00001 计划开工", "D0001 督办待回复"},
    ("email", LI): {"P00002 久未跟进", "P00003 线索研判", "P00002 计划开工"},
    ("email", NANCHANG): {"P00001 久未跟进", "P00002 久未跟进", "P00001 计划开工", "P00003 线索研判",
                          "D0001 督办待回复", "P00002 计划开工"},
    ("wecom", "省工信委综合处"): {"P00001 久未跟进", "P00001 计划开工"},
    ("dingtalk", "南昌高新区"): {"P00002 久未跟进", "D0001 督办待回复", "P00002 计划开工"},
    ("feishu", "南昌市政府"): {"P00001 久未跟进", "P00002 久未跟进", "P00001 计划开工", "P00003 线索研判",
                               "D0001 督办待回复", "P00002 计划开工"},
}
TOTAL = sum(len(v) for v in EXPECTED.values())
KINDS = ("久未跟进", "计划开工", "督办待回复", "线索研判")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _lines(text: str) -> set[str]:
    """The items a digest names, as "REF kind"."""
    found = set()
    for line in text.splitlines():
        for kind in KINDS:
            if line.lstrip().startswith("- ") and kind in line:
                ref = next(w for w in line.replace("**", " ").split() if w[:1] in "PD" and w[1:].isdigit())
                found.add(f"{ref} {kind}")
    return found


def _item_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("- ")]


class MailServer:
    """aiosmtpd on 127.0.0.1 with a login (crm / PASSWORD), plain connection: messages by recipient; an
    address in `refuse` is refused (550). A wrong password is answered with a message quoting it, as a
    careless server might."""

    def __init__(self, delay: float = 0.0, *, tls: str | None = None, certificate: tuple[Path, Path] | None = None) -> None:
        self.messages: list[tuple[str, email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        self.delay = delay
        self.logins: list[bytes] = []
        self.port = _free_port()
        options: dict = {"auth_require_tls": False}
        if tls is not None:  # "starttls": the login only once the connection is encrypted; "ssl": TLS from the start
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            options = ({"tls_context": context, "require_starttls": True, "auth_require_tls": True}
                       if tls == "starttls" else {"ssl_context": context, "auth_require_tls": False})
        self.controller = aiosmtpd_controller.Controller(
            self, hostname="127.0.0.1", port=self.port, auth_required=True, authenticator=self._authenticate,
            **options)
        self.controller.start()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login)
        if auth_data.login == b"crm" and auth_data.password == PASSWORD.encode():
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False,
                          message=f"535 5.7.8 credentials crm/{auth_data.password.decode()} rejected")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, message))
        return "250 Message accepted"

    def received(self) -> dict[str, list[set[str]]]:
        found: dict[str, list[set[str]]] = {}
        for rcpt, message in self.messages:
            found.setdefault(rcpt, []).append(_lines(message.get_content()))
        return found

    def stop(self) -> None:
        self.controller.stop()


class RobotServer:
    """The three platforms' webhooks on one HTTP server: requests recorded; `fail[kind]` makes one answer
    HTTP 500 ("500") or an error in its JSON ("error")."""

    def __init__(self, delay: float = 0.0) -> None:
        self.requests: list[dict] = []  # messages taken
        self.refused: list[dict] = []  # answered with an error
        self.fail: dict[str, str] = {}
        self.delay = delay
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                parts = urlsplit(self.path)
                kind = ("wecom" if parts.path.startswith("/cgi-bin/webhook") else
                        "dingtalk" if parts.path.startswith("/robot/send") else "feishu")
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if owner.delay:
                    time.sleep(owner.delay)
                mode = owner.fail.get(kind)
                if mode == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                request = {"kind": kind, "path": parts.path, "query": parse_qs(parts.query),
                           "content_type": self.headers["Content-Type"], "json": json.loads(body.decode("utf-8"))}
                (owner.refused if mode else owner.requests).append(request)
                if kind == "feishu":
                    answer = {"code": 19021, "msg": "sign match fail"} if mode else {"code": 0, "msg": "success", "data": {}}
                else:
                    answer = {"errcode": 310000, "errmsg": "sign not match"} if mode else {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, kind: str) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return {"wecom": f"{base}/cgi-bin/webhook/send?key={WECOM_KEY}",
                "dingtalk": f"{base}/robot/send?access_token={DING_TOKEN}",
                "feishu": f"{base}/open-apis/bot/v2/hook/{FEISHU_TOKEN}"}[kind]

    def received(self) -> dict[str, list[set[str]]]:
        found: dict[str, list[set[str]]] = {}
        for request in self.requests:
            payload = request["json"]
            text = {"wecom": lambda: payload["markdown"]["content"], "dingtalk": lambda: payload["markdown"]["text"],
                    "feishu": lambda: payload["card"]["elements"][0]["content"]}[request["kind"]]()
            found.setdefault(request["kind"], []).append(_lines(text))
        return found

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _config(tmp_path: Path, smtp: MailServer, robots: RobotServer, *, password_file: Path | None = None,
            security: str = "none", cafile: Path | None = None) -> Path:
    path = tmp_path / "config.toml"
    extra = f'password_file = "{password_file}"\n' if password_file else ""
    extra += f'cafile = "{cafile}"\n' if cafile else ""
    path.write_text(f"""
[remind.email]
host = "127.0.0.1"
port = {smtp.port}
security = "{security}"
user = "crm"
sender = "crm@example.gov.cn"
timeout = 10
{extra}
[remind.addresses]
zhang = "{ZHANG}"
li = "{LI}"

[remind.unit_addresses]
"南昌市政府" = "{NANCHANG}"

[[remind.webhooks]]
kind = "wecom"
url = "{robots.url('wecom')}"
unit = "省工信委综合处"

[[remind.webhooks]]
kind = "dingtalk"
url = "{robots.url('dingtalk')}"
unit = "南昌高新区"
secret = "{DING_SECRET}"

[[remind.webhooks]]
kind = "feishu"
url = "{robots.url('feishu')}"
unit = "南昌市政府"
secret = "{FEISHU_SECRET}"
""", encoding="utf-8")
    return path


def build_world(cli, url: str) -> None:
    """Two people, a park under a city, an office; three projects and a supervision order."""
    steps = [
        ("industries", "add", "光伏", "--code", "pv"),
        ("units", "add", "省工信委综合处", "--kind", "office"),
        ("units", "add", "南昌市政府", "--kind", "city", "--city", "南昌市"),
        ("units", "add", "南昌高新区", "--kind", "park", "--parent", "南昌市政府", "--city", "南昌市"),
        ("staff", "add", "zhang", "--name", "张三", "--unit", "省工信委综合处"),
        ("staff", "add", "li", "--name", "李四", "--unit", "南昌高新区"),
        ("staff", "add", "wang", "--name", "王五", "--unit", "省工信委综合处"),  # nothing due: no message
        # P00001: zhang's, construction overdue (planned 2026-11-01), no follow-up since signing.
        ("projects", "add", "--name", "光伏电站", "--investor", "甲公司", "--industry", "pv", "--city", "南昌市",
         "--signed-on", "2026-06-01", "--unit", "省工信委综合处", "--owner", "zhang", "--planned-construction", "2026-11-01"),
        # P00002: li's, construction due on 2026-12-10.
        ("projects", "add", "--name", "硅片厂", "--investor", "乙公司", "--industry", "pv", "--city", "南昌市",
         "--signed-on", "2026-09-01", "--unit", "南昌高新区", "--owner", "li", "--planned-construction", "2026-12-10"),
        # P00003: li's lead, entered 2026-11-20, not assessed within 3 days.
        ("projects", "add", "--name", "组件线索", "--investor", "丙公司", "--industry", "pv", "--city", "南昌市",
         "--stage", "lead", "--entered-on", "2026-11-20", "--owner", "li"),
        ("supervise", "add", "P00001", "--unit", "南昌高新区", "--due", "2026-11-20", "--note", "尽快开工", "--on",
         "2026-11-10"),
    ]
    for step in steps:
        result = cli("--db", url, *step)
        assert result.code == 0, (step, result.err)


@pytest.fixture
def servers():
    smtp, robots = MailServer(), RobotServer()
    yield smtp, robots
    smtp.stop()
    robots.stop()


@pytest.fixture
def world(cli, backend, tmp_path, monkeypatch, servers):
    smtp, robots = servers
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    build_world(cli, backend.url)
    monkeypatch.setenv("CRM_CONFIG", str(_config(tmp_path, smtp, robots)))
    monkeypatch.setenv("CRM_SMTP_PASSWORD", PASSWORD)
    return backend


def _remind(cli, backend, *args, lang: str = "zh"):
    result = cli("--lang", lang, "--db", backend.url, "remind", *args)
    for secret in SECRETS:
        assert secret not in result.out + result.err, secret
    return result


def _rows(url: str) -> list[dict]:
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(ReminderDelivery.__table__))]
    finally:
        db.dispose()


def _everything_received(smtp: MailServer, robots: RobotServer) -> dict[tuple, list[set[str]]]:
    found = {("email", rcpt): digests for rcpt, digests in smtp.received().items()}
    by_kind = robots.received()
    for (channel, who) in EXPECTED:
        if channel != "email":
            found[(channel, who)] = by_kind.get(channel, [])
    return found


def test_each_digest_goes_to_its_people_once(cli, world, servers):
    smtp, robots = servers
    result = _remind(cli, world, "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert (report["sent"], report["skipped_already_sent"], report["failed"]) == (TOTAL, 0, 0)
    assert {(r["channel"], r["address"]) for r in report["recipients"]} == {
        ("email", ZHANG), ("email", LI), ("email", NANCHANG), ("wecom", "127.0.0.1"), ("dingtalk", "127.0.0.1"),
        ("feishu", "127.0.0.1")}
    received = _everything_received(smtp, robots)
    for target, items in EXPECTED.items():
        assert received[target] == [items], target
    assert smtp.logins and set(smtp.logins) == {b"crm"}
    zhang = next(m for rcpt, m in smtp.messages if rcpt == ZHANG)
    assert "张三" in zhang["Subject"] and zhang["From"] == "crm@example.gov.cn" and zhang["To"] == ZHANG

    # Each platform's own format; 钉钉 and 飞书 signed with their secrets.
    by_kind = {r["kind"]: r for r in robots.requests}
    assert all(r["content_type"].startswith("application/json") for r in robots.requests)
    wecom = by_kind["wecom"]
    assert wecom["json"]["msgtype"] == "markdown" and set(wecom["json"]) == {"msgtype", "markdown"}
    assert wecom["query"] == {"key": [WECOM_KEY]}
    assert len(wecom["json"]["markdown"]["content"].encode()) <= 4096
    ding = by_kind["dingtalk"]
    assert ding["json"]["msgtype"] == "markdown" and {"title", "text"} <= set(ding["json"]["markdown"])
    assert "南昌高新区" in ding["json"]["markdown"]["title"]
    timestamp, sign = ding["query"]["timestamp"][0], ding["query"]["sign"][0]
    assert ding["query"]["access_token"] == [DING_TOKEN]
    assert abs(int(timestamp) / 1000 - time.time()) < 120
    expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert sign == expected
    feishu = by_kind["feishu"]["json"]
    assert feishu["msg_type"] == "interactive" and feishu["card"]["elements"][0]["tag"] == "markdown"
    assert "南昌市政府" in feishu["card"]["header"]["title"]["content"]
    expected = base64.b64encode(hmac.new(f"{feishu['timestamp']}\n{FEISHU_SECRET}".encode(), b"",
                                         hashlib.sha256).digest()).decode()
    assert feishu["sign"] == expected and abs(int(feishu["timestamp"]) - time.time()) < 120

    rows = _rows(world.url)
    assert len(rows) == TOTAL and {r["status"] for r in rows} == {"sent"}
    assert all(r["attempts"] == 1 and r["sent_at"] is not None and r["day"] == dt.date(2026, 11, 27) for r in rows)

    # The second run of the day sends nothing.
    again = _remind(cli, world, "--json")
    assert again.code == 0
    assert (again.json()["sent"], again.json()["skipped_already_sent"]) == (0, TOTAL)
    assert len(smtp.messages) == 3 and len(robots.requests) == 3
    # The next day, what is still due goes again.
    nextday = _remind(cli, world, "--as-of", "2026-11-28", "--channel", "wecom", "--json")
    assert nextday.json()["sent"] == 2 and len(robots.requests) == 4


def test_failed_sends_are_reported_recorded_and_sent_by_the_next_run(cli, world, servers):
    smtp, robots = servers
    smtp.refuse.add(LI)
    robots.fail.update(wecom="500", dingtalk="error", feishu="error")
    result = _remind(cli, world)
    assert result.code == 7
    lines = result.err.strip().splitlines()
    assert len(lines) == 4 and all(line.startswith("crm: 提醒发送失败：") for line in lines), lines
    assert any("李四（li）" in line and "550" in line for line in lines)
    assert any("HTTP 500" in line for line in lines) and any("310000" in line for line in lines)
    assert any("19021" in line for line in lines)
    assert "失败 14 项" in result.out
    failed = [r for r in _rows(world.url) if r["status"] == "failed"]
    assert len(failed) == 3 + 2 + 3 + 6 and all(r["last_error"] and r["attempts"] == 1 for r in failed)

    english = _remind(cli, world, "--channel", "wecom", lang="en")
    assert english.code == 7 and english.err.startswith("crm: reminder not sent: 省工信委综合处 · WeCom 127.0.0.1: ")

    smtp.refuse.clear()
    robots.fail.clear()
    retry = _remind(cli, world, "--json")
    assert retry.code == 0, retry.err
    assert (retry.json()["sent"], retry.json()["skipped_already_sent"], retry.json()["failed"]) == (14, 9, 0)
    received = _everything_received(smtp, robots)
    for target, items in EXPECTED.items():
        assert received[target] == [items], target
    rows = _rows(world.url)
    assert {r["status"] for r in rows} == {"sent"}
    assert {r["attempts"] for r in rows if r["channel"] == "wecom"} == {3}
    assert _remind(cli, world, "--json").json()["sent"] == 0


def test_a_dry_run_shows_what_would_go_and_records_nothing(cli, world, servers):
    smtp, robots = servers
    result = _remind(cli, world, "--dry-run")
    assert result.code == 0, result.err
    assert f"→ 张三（zhang） · 邮件 {ZHANG}：3 项" in result.out
    assert "→ 南昌高新区 · 钉钉 127.0.0.1：3 项" in result.out
    assert "[逾期未回复] 督办待回复 D0001 P00001 光伏电站（截止 2026-11-20） — 尽快开工" in result.out
    assert f"演练：将发送 {TOTAL} 项（6 个收件人）" in result.out
    assert _rows(world.url) == [] and smtp.messages == [] and robots.requests == []
    report = _remind(cli, world, "--dry-run", "--json", "--channel", "email").json()
    assert report["dry_run"] and report["would_send"] == 12 and report["sent"] == 0
    assert report["without_address"] == []
    zhang = next(r for r in report["recipients"] if r["recipient"] == "zhang")
    assert [i["key"] for i in zhang["items"]] == [
        "stale:P00001:2026-07-01", "construction:P00001:2026-11-01", "order:D0001:2026-11-20"]
    assert zhang["items"][2] | {"detail": None} == {
        "key": "order:D0001:2026-11-20", "kind": "order", "ref": "D0001", "title": "P00001 光伏电站",
        "due": "2026-11-20", "state": "yellow", "since": "2026-11-10", "detail": None}


def test_a_persons_digest_goes_to_their_address_on_the_staff_list(cli, world, servers):
    """Staff.email first (`crm staff add/edit LOGIN --email E`), [remind.addresses] where the staff list has
    none; --dry-run shows the address used."""
    smtp, _robots = servers
    listed, zhao = "zhangsan@staff.example.gov.cn", "zhao@example.gov.cn"
    lead = ("--investor", "丁公司", "--industry", "pv", "--city", "南昌市", "--stage", "lead", "--entered-on", "2026-11-20")
    for step in [("staff", "edit", "zhang", "--email", listed),  # the staff list's address beats config.toml's
                 ("staff", "add", "zhao", "--name", "赵六", "--unit", "南昌高新区", "--email", zhao),  # the list only
                 ("staff", "add", "qian", "--name", "钱七", "--unit", "南昌高新区"),  # no address anywhere
                 ("projects", "add", "--name", "储能线索", *lead, "--owner", "zhao"),
                 ("projects", "add", "--name", "电池线索", *lead, "--owner", "qian")]:
        result = cli("--db", world.url, *step)
        assert result.code == 0, (step, result.err)

    dry = _remind(cli, world, "--dry-run", "--channel", "email")
    assert dry.code == 0, dry.err
    assert f"→ 张三（zhang） · 邮件 {listed}：3 项" in dry.out
    assert f"→ 李四（li） · 邮件 {LI}：3 项" in dry.out  # li has no address on the staff list: config.toml's
    assert f"→ 赵六（zhao） · 邮件 {zhao}：1 项" in dry.out
    assert ZHANG not in dry.out and "钱七" not in dry.out
    assert "qian" in dry.err and "crm staff edit" in dry.err

    result = _remind(cli, world, "--channel", "email", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert {r["recipient"]: r["address"] for r in report["recipients"]} == {
        "zhang": listed, "li": LI, "zhao": zhao, "unit:南昌市政府": NANCHANG}
    assert report["without_address"] == ["qian"]
    received = smtp.received()
    assert received[listed] == [EXPECTED[("email", ZHANG)]]
    assert received[LI] == [EXPECTED[("email", LI)]]
    assert received[zhao] == [{"P00004 线索研判"}]
    assert ZHANG not in received
    message = next(m for rcpt, m in smtp.messages if rcpt == listed)
    assert message["To"] == listed and "张三" in message["Subject"]

    # Cleared from the staff list: config.toml's address again. A stored address that is not one plain
    # address (a header smuggled in) is never used.
    assert cli("--db", world.url, "staff", "edit", "zhang", "--email", "").code == 0
    db = Database(world.url)
    try:
        with db.engine.begin() as conn:
            conn.execute(Staff.__table__.update().where(Staff.login == "zhao")
                         .values(email="zhao@example.gov.cn\nBcc: spy@example.com"))
    finally:
        db.dispose()
    nextday = _remind(cli, world, "--as-of", "2026-11-28", "--channel", "email", "--json")
    assert nextday.code == 0, nextday.err
    addresses = {r["recipient"]: r["address"] for r in nextday.json()["recipients"]}
    assert addresses["zhang"] == ZHANG and "zhao" not in addresses
    assert nextday.json()["without_address"] == ["qian", "zhao"]
    assert "zhao" in nextday.err and "spy@" not in nextday.out + nextday.err
    assert not [rcpt for rcpt, _m in smtp.messages if "spy" in rcpt]


def test_stdout_is_the_channel_when_none_is_set_up(cli, backend, monkeypatch):
    build_world(cli, backend.url)
    result = cli("--db", backend.url, "remind")
    assert result.code == 0
    assert "== 招商项目提醒：张三，3 项到期或逾期（2026-11-27） ==" in result.out
    assert "已发送 17 项（5 个收件人）" in result.out  # 张三, 李四 and three units
    again = cli("--db", backend.url, "remind", "--json").json()
    assert (again["sent"], again["skipped_already_sent"]) == (0, 17)
    refused = cli("--db", backend.url, "remind", "--channel", "email")
    assert refused.code == 1 and "[remind.email]" in refused.err


def test_a_robot_out_of_reach_fails_without_showing_its_token(cli, world, servers, tmp_path, monkeypatch):
    smtp, robots = servers
    config = _config(tmp_path, smtp, robots).read_text(encoding="utf-8")
    closed = _free_port()  # nobody listens there
    monkeypatch.setenv("CRM_CONFIG", str(tmp_path / "closed.toml"))
    (tmp_path / "closed.toml").write_text(config.replace(f"127.0.0.1:{robots.port}", f"127.0.0.1:{closed}"), encoding="utf-8")
    result = _remind(cli, world, "--channel", "webhook")
    assert result.code == 7 and len(result.err.strip().splitlines()) == 3
    assert all("无法连接" in line for line in result.err.strip().splitlines())
    assert smtp.messages == []  # only the robots were asked for
    monkeypatch.setenv("CRM_CONFIG", str(_config(tmp_path, smtp, robots)))
    assert _remind(cli, world, "--channel", "webhook", "--json").json()["sent"] == 11


def test_a_returned_submission_is_due_again_for_its_unit_and_person(cli, backend):
    build_world(cli, backend.url)
    for step in [("staff", "add", "rev", "--name", "审核人", "--unit", "省工信委综合处", "--reviewer"),
                 ("submit", "project", "P00002", "--on", "2026-11-20"),
                 ("--user", "rev", "review", "return", "project", "P00002", "--on", "2026-11-24", "--reason", "缺少合同")]:
        assert cli("--db", backend.url, *step).code == 0, step
    report = cli("--db", backend.url, "remind", "--dry-run", "--json").json()
    returned = {r["recipient"]: [i for i in r["items"] if i["kind"] == "resubmit"] for r in report["recipients"]}
    assert {who for who, items in returned.items() if items} == {"li", "unit:南昌市政府"}
    item = returned["li"][0]
    assert (item["ref"], item["state"], item["since"], item["detail"]) == ("P00002", "returned", "2026-11-24", "缺少合同")
    out = cli("--db", backend.url, "remind", "--dry-run").out
    assert "[已退回] 签约项目退回待重报 P00002 硅片厂（2026-11-24 退回） — 缺少合同" in out
    assert cli("--db", backend.url, "submit", "project", "P00002", "--on", "2026-11-26").code == 0
    again = cli("--db", backend.url, "remind", "--dry-run", "--json").json()
    assert not [i for r in again["recipients"] for i in r["items"] if i["kind"] == "resubmit"]


def test_abandoned_claims_are_taken_over_and_live_ones_left_alone(cli, world, servers):
    smtp, _robots = servers
    db = Database(world.url)
    now = dt.datetime.now(dt.timezone.utc)
    rows = [("stale:P00001:2026-07-01", now - dt.timedelta(hours=1)),  # a run that died an hour ago
            ("construction:P00001:2026-11-01", now - dt.timedelta(seconds=5))]  # a run sending it right now
    with db.engine.begin() as conn:
        conn.execute(insert(ReminderDelivery.__table__), [
            {"recipient": "zhang", "channel": "email", "item_key": key, "day": dt.date(2026, 11, 27),
             "status": "claimed", "attempts": 0, "claimed_at": at} for key, at in rows])
    db.dispose()
    report = _remind(cli, world, "--channel", "email", "--json").json()
    zhang = next(r for r in report["recipients"] if r["recipient"] == "zhang")
    assert (zhang["sent"], zhang["skipped_already_sent"]) == (2, 1)
    assert smtp.received()[ZHANG] == [{"P00001 久未跟进", "D0001 督办待回复"}]


def test_an_earlier_days_failure_is_sent_again(cli, world, servers):
    smtp, _robots = servers
    db = Database(world.url)
    day = dt.date(2026, 11, 26)
    with db.engine.begin() as conn:
        conn.execute(insert(ReminderDelivery.__table__), [
            {"recipient": "zhang", "channel": "email", "item_key": key, "day": day, "status": "failed",
             "attempts": 1, "last_error": "SMTP 451", "claimed_at": dt.datetime(2026, 11, 26, 0, 5, tzinfo=dt.timezone.utc)}
            # still due today: today's digest carries it; no longer due: sent as the 26th's
            for key in ("stale:P00001:2026-07-01", "followup:P00001:2026-11-20")])
    db.dispose()
    result = _remind(cli, world, "--channel", "email", "--json")
    assert result.code == 0
    digests = [m for rcpt, m in smtp.messages if rcpt == ZHANG]
    assert len(digests) == 2
    resent = next(m for m in digests if "补发" in m["Subject"])
    assert "2026-11-26" in resent["Subject"] and "下次跟进 P00001" in resent.get_content()
    old = {r["item_key"]: r for r in _rows(world.url) if r["day"] == day}
    assert {r["status"] for r in old.values()} == {"sent"}
    assert old["followup:P00001:2026-11-20"]["attempts"] == 2


def test_the_password_is_never_shown(cli, world, servers, tmp_path, monkeypatch):
    smtp, robots = servers
    monkeypatch.setenv("CRM_SMTP_PASSWORD", WRONG)  # the server answers quoting the password it was given
    result = _remind(cli, world, "--channel", "email")
    assert result.code == 7 and "535" in result.err and "***" in result.err
    assert all(WRONG not in (r["last_error"] or "") for r in _rows(world.url))
    monkeypatch.setenv("CRM_DEBUG", "1")
    assert _remind(cli, world, "--channel", "email", "--json").code == 7

    # From a file only its owner can read; a file others can read is refused.
    monkeypatch.delenv("CRM_SMTP_PASSWORD")
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o644)
    monkeypatch.setenv("CRM_CONFIG", str(_config(tmp_path, smtp, robots, password_file=secret)))
    refused = _remind(cli, world, "--channel", "email")
    assert refused.code == 1 and "chmod 600" in refused.err and str(secret) in refused.err
    assert smtp.messages == []
    secret.chmod(0o600)
    sent = _remind(cli, world, "--channel", "email", "--json")
    assert sent.code == 0 and sent.json()["sent"] == 12
    missing = tmp_path / "no-such-file"
    monkeypatch.setenv("CRM_CONFIG", str(_config(tmp_path, smtp, robots, password_file=missing)))
    assert _remind(cli, world, "--channel", "email", "--as-of", "2026-11-28").code == 1
    assert all(PASSWORD not in (r["last_error"] or "") for r in _rows(world.url))


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key, made by the openssl command."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a certificate")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key_path), "-out", str(cert_path), "-days", "1", "-subj", "/CN=crm test mail server",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
                   check=True, capture_output=True)
    return cert_path, key_path


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_the_login_goes_over_tls_to_a_server_the_system_or_cafile_trusts(cli, backend, tmp_path, monkeypatch, security):
    if backend.name != "sqlite":
        pytest.skip("the channel, not the database")
    build_world(cli, backend.url)
    certificate = _certificate(tmp_path)
    smtp, robots = MailServer(tls=security, certificate=certificate), RobotServer()
    try:
        monkeypatch.setenv("CRM_SMTP_PASSWORD", PASSWORD)
        monkeypatch.setenv("CRM_CONFIG", str(_config(tmp_path, smtp, robots, security=security)))
        untrusted = _remind(cli, backend, "--channel", "email")
        assert untrusted.code == 7 and "CERTIFICATE_VERIFY_FAILED" in untrusted.err and smtp.logins == []
        monkeypatch.setenv("CRM_CONFIG", str(_config(tmp_path, smtp, robots, security=security, cafile=certificate[0])))
        trusted = _remind(cli, backend, "--channel", "email", "--json")
        assert trusted.code == 0, trusted.err
        assert trusted.json()["sent"] == 12 and set(smtp.logins) == {b"crm"}
        assert smtp.received()[ZHANG] == [EXPECTED[("email", ZHANG)]]
    finally:
        smtp.stop()
        robots.stop()


def _run_process(url: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crm.cli.main", "--db", url, "remind", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_at_once_send_each_item_once(cli, backend, tmp_path):
    smtp, robots = MailServer(delay=0.15), RobotServer(delay=0.15)
    try:
        build_world(cli, backend.url)
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(CRM_CONFIG=str(_config(tmp_path, smtp, robots)), CRM_SMTP_PASSWORD=PASSWORD,
                   PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        runs = [_run_process(backend.url, env) for _ in range(2)]
        outputs = [run.communicate(timeout=120) for run in runs]
        for run, (out, err) in zip(runs, outputs):
            assert run.returncode == 0, err
            assert not any(secret in out + err for secret in SECRETS)
        reports = [json.loads(out) for out, _ in outputs]
        assert sum(r["sent"] for r in reports) == TOTAL and sum(r["failed"] for r in reports) == 0
        assert all(r["sent"] + r["skipped_already_sent"] == TOTAL for r in reports)  # what one sent, the other left
        print("concurrent runs sent", [r["sent"] for r in reports])
        # Every item reached each of its recipients exactly once, whichever run sent it.
        received = _everything_received(smtp, robots)
        for target, items in EXPECTED.items():
            got = [line for digest in received[target] for line in digest]
            assert sorted(got) == sorted(items), target
        rows = _rows(backend.url)
        assert len(rows) == TOTAL and {r["status"] for r in rows} == {"sent"} and {r["attempts"] for r in rows} == {1}
    finally:
        smtp.stop()
        robots.stop()


# --- the parts -------------------------------------------------------------------------------------------


def test_lead_time_limits():
    from db.models.enums import Stage

    from crm.rules.leads import LeadLimits, lead_clock, lead_deadline, lead_limits

    d = dt.date
    assert lead_clock(Stage.LEAD, d(2026, 11, 20), None) == ("lead_assess", d(2026, 11, 23))
    assert lead_clock(Stage.LEAD, d(2026, 11, 20), d(2026, 11, 19)) == ("lead_assess", d(2026, 11, 23))
    assert lead_clock(Stage.LEAD, d(2026, 11, 20), d(2026, 11, 21)) == ("lead_report", d(2026, 12, 5))
    assert lead_clock(Stage.NEGOTIATING, d(2026, 11, 1), None) == ("lead_feedback", d(2026, 11, 8))
    assert lead_clock(Stage.NEGOTIATING, d(2026, 11, 1), d(2026, 11, 25)) == ("lead_feedback", d(2026, 12, 2))
    assert lead_clock(Stage.SIGNED, d(2026, 11, 1), None) is None
    assert lead_deadline(Stage.LEAD, d(2026, 11, 20), None, d(2026, 11, 21)) is None
    assert lead_deadline(Stage.LEAD, d(2026, 11, 20), None, d(2026, 11, 22)).status == "due"
    assert lead_deadline(Stage.LEAD, d(2026, 11, 20), None, d(2026, 11, 23)).status == "due"
    assert lead_deadline(Stage.LEAD, d(2026, 11, 20), None, d(2026, 11, 24)).status == "overdue"
    assert lead_limits({"leads": {"assess_days": 5, "feedback_days": 0, "report_days": "x"}}) == LeadLimits(5, 7, 14)
    assert lead_limits({}) == LeadLimits(3, 7, 14)


def test_deadlines_include_the_lead_limits_from_the_config(cli, backend, tmp_path, monkeypatch):
    build_world(cli, backend.url)
    rows = cli("--db", backend.url, "deadlines", "--json").json()
    assert {"kind": "lead_assess", "ref": "P00003", "title": "组件线索", "due": "2026-11-23", "status": "overdue"} in rows
    assert "线索研判" in cli("--db", backend.url, "deadlines").out
    config = tmp_path / "config.toml"
    config.write_text("[leads]\nassess_days = 10\n", encoding="utf-8")
    monkeypatch.setenv("CRM_CONFIG", str(config))
    assert not [r for r in cli("--db", backend.url, "deadlines", "--json").json() if r["ref"] == "P00003"]
    later = cli("--db", backend.url, "deadlines", "--json", "--as-of", "2026-11-29").json()
    assert {"kind": "lead_assess", "ref": "P00003", "title": "组件线索", "due": "2026-11-30", "status": "due"} in later
    report = cli("--db", backend.url, "remind", "--dry-run", "--json").json()
    assert not [i for r in report["recipients"] for i in r["items"] if i["kind"] == "lead_assess"]


def test_demo_events_and_problems_reach_their_units(demo_database):
    from sqlalchemy import select as sql_select

    from db.models import Unit

    from crm.services.reminders import due_work

    with demo_database.unit_of_work(write=False) as session:
        work = due_work(session, dt.date(2026, 11, 27))
        province = session.scalar(sql_select(Unit.id).where(Unit.name == "省本级"))
        keys = {i.key for i in work.for_unit(province)}
        problems = [i for i in work.items if i.kind == "problem"]
    assert {k for k in keys if k.startswith(("plan:A5:", "summary:A5:"))} == {"plan:A5:2011-08-17", "summary:A5:2011-11-14"}
    assert problems and all(i.state == "open" and i.since for i in problems)
    assert len({i.key for i in work.items}) == len(work.items)


@pytest.mark.parametrize("table, reason", [
    ({"email": {"sender": "a@b.cn"}}, "host"),
    ({"email": {"host": "h", "sender": "a@b.cn", "security": "tls"}}, "security"),
    ({"email": {"host": "h", "sender": "not an address"}}, "not an address"),
    ({"email": {"host": "h", "sender": "a@b.cn", "password": "x"}}, "CRM_SMTP_PASSWORD"),
    ({"email": {"host": "smtp.example.gov.cn", "sender": "a@b.cn", "security": "none", "user": "u"}}, "starttls"),
    ({"webhooks": [{"kind": "slack", "url": "https://x", "unit": "u"}]}, "wecom"),
    ({"webhooks": [{"kind": "wecom", "url": "file:///etc/passwd", "unit": "u"}]}, "https://"),
    ({"addresses": {"zhang": "zhang@x\nBcc: y@z.cn"}}, "zhang"),
    ({"adresses": {"zhang": "zhang@x.cn"}}, "adresses"),
    ({"email": {"host": "h", "sender": "a@b.cn", "pasword_file": "/p"}}, "pasword_file"),
])
def test_settings_are_checked(table, reason):
    from crm.errors import CrmError
    from crm.remind.config import remind_settings

    with pytest.raises(CrmError) as refused:
        remind_settings({"remind": table})
    assert reason in refused.value.message


def test_a_long_digest_is_split_into_messages_the_robot_takes():
    from crm.remind.config import Webhook
    from crm.remind.wecom import WecomRobot
    from crm.services.reminders import Item, Target, Whose

    items = [Item(f"followup:P{n:05d}:2026-11-20", "followup", f"P{n:05d}", "很长的项目名称" * 20, "2026-11-20",
                  "overdue", detail="说明*_[x](y)<b>" * 20) for n in range(300)]
    robot = WecomRobot(Webhook("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "某单位"))
    target = Target(Whose("unit", 1, "unit:某单位", "某单位"), "wecom", "qyapi.weixin.qq.com", robot,
                    dt.date(2026, 11, 27), items)
    batches = robot.batches(target, items)
    assert len(batches) > 5 and [i for b in batches for i in b] == items
    for batch in batches:
        _url, payload = robot.request(target, batch, batch.part)
        content = payload["markdown"]["content"]
        assert len(content.encode("utf-8")) <= 4096
        assert f"({batch.part[0]}/{len(batches)})" in content
        assert "<b>" not in content and "](" not in content  # users' text cannot make markup
