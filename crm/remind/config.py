"""The `[remind]` settings of config.toml, checked before anything is sent, and the SMTP password (from
CRM_SMTP_PASSWORD or a file readable by its owner alone; never from config.toml, never shown).

```toml
[remind]
retry_days = 7                 # failed sends of earlier days are sent again for this many days

[remind.email]
host = "smtp.example.gov.cn"
port = 465
security = "ssl"               # "none" | "starttls" | "ssl"
user = "crm"                   # leave out for a relay that takes no login
sender = "crm@example.gov.cn"
password_file = "/etc/crm/smtp-password"   # or CRM_SMTP_PASSWORD in the environment
cafile = "/etc/crm/ca.pem"     # optional: the CA of an internal server's certificate

[remind.addresses]             # a person's digest, where the staff list has no address for them
zhangsan = "zhangsan@example.gov.cn"   # (`crm staff edit zhangsan --email …` takes precedence)

[remind.unit_addresses]        # a unit's shared inbox
"南昌市政府" = "zsj@nc.example.gov.cn"

[[remind.webhooks]]            # one per group robot
kind = "dingtalk"              # "wecom" | "dingtalk" | "feishu"
url = "https://oapi.dingtalk.com/robot/send?access_token=…"
unit = "省工信委综合处"          # whose digest goes to this group
secret = "SEC…"                # 钉钉 and 飞书 signed requests
```"""
from __future__ import annotations

import ipaddress
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crm.errors import CrmError
from crm.i18n import pick

ENV_PASSWORD = "CRM_SMTP_PASSWORD"
SECURITY = ("none", "starttls", "ssl")
ROBOTS = ("wecom", "dingtalk", "feishu")
CHANNELS = ("email", *ROBOTS, "stdout")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
SMTP_TIMEOUT_S = 30.0
HTTP_TIMEOUT_S = 15.0
RETRY_DAYS, MAX_RETRY_DAYS = 7, 60
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:\\\[\]]+@[^@\s<>\"(),;:\\\[\]]+\.[^@\s<>\"(),;:\\\[\]]+$")


@dataclass(frozen=True)
class EmailSettings:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password_file: str | None = None
    cafile: str | None = None
    timeout: float = SMTP_TIMEOUT_S


@dataclass(frozen=True)
class Webhook:
    kind: str  # wecom | dingtalk | feishu
    url: str = field(repr=False)  # holds the robot's token: never shown whole
    unit: str
    secret: str | None = field(default=None, repr=False)
    timeout: float = HTTP_TIMEOUT_S

    @property
    def host(self) -> str:
        """What may be shown of the robot: its host (the URL's path and query hold its token)."""
        return urlsplit(self.url).hostname or "?"


@dataclass(frozen=True)
class RemindSettings:
    email: EmailSettings | None = None
    addresses: dict[str, str] = field(default_factory=dict)  # login -> address (after Staff.email)
    unit_addresses: dict[str, str] = field(default_factory=dict)  # unit name -> address
    webhooks: tuple[Webhook, ...] = ()
    retry_days: int = RETRY_DAYS

    def configured(self) -> list[str]:
        """The channels config.toml sets up, in CHANNELS order."""
        kinds = {w.kind for w in self.webhooks}
        return [c for c in CHANNELS if (c == "email" and self.email is not None) or c in kinds]


def _bad(section: str, reason: str) -> CrmError:
    return CrmError("remind_bad_config", section=section, reason=reason)


def _known(section: str, table: dict, names: tuple[str, ...]) -> None:
    """A misspelt setting is refused, not ignored (a reminder that silently never goes is worse)."""
    unknown = sorted(str(name) for name in table if name not in names)
    if unknown:
        raise _bad(section, pick(f"未知的设置 {', '.join(unknown)}（可用：{', '.join(names)}）",
                                 f"unknown setting {', '.join(unknown)} (known: {', '.join(names)})"))


def _text(section: str, table: dict, name: str, *, required: bool = False) -> str | None:
    value = table.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _bad(section, pick(f"缺少 {name}", f"{name} is missing"))
        return None
    if not isinstance(value, str) or any(ch in value for ch in "\r\n\0"):
        raise _bad(section, pick(f"{name} 应为一行文字", f"{name} must be one line of text"))
    return value.strip()


def _address(section: str, name: str, value) -> str:
    if not isinstance(value, str) or not _ADDRESS.match(value.strip()):
        shown = value if isinstance(value, str) else type(value).__name__
        raise _bad(section, pick(f"{name} 的邮箱地址无效：{shown!r}", f"invalid address for {name}: {shown!r}"))
    return value.strip()


def plain_address(value: object) -> str | None:
    """The address, trimmed, where it is one plain address fit for a To: header (no name, no second
    address, no line break); else None."""
    if not isinstance(value, str) or not _ADDRESS.match(value.strip()):
        return None
    return value.strip()


def remind_settings(config: dict) -> RemindSettings:
    """The settings, or a CrmError naming the section and what is wrong with it."""
    remind = config.get("remind") if isinstance(config, dict) else None
    if remind is None:
        return RemindSettings()
    if not isinstance(remind, dict):
        raise _bad("remind", pick("应为一个表", "must be a table"))
    _known("remind", remind, ("email", "addresses", "unit_addresses", "webhooks", "retry_days"))
    email = _email(remind.get("email"))
    addresses = _addresses("remind.addresses", remind.get("addresses"))
    unit_addresses = _addresses("remind.unit_addresses", remind.get("unit_addresses"))
    hooks = remind.get("webhooks", [])
    if isinstance(hooks, dict):
        hooks = [hooks]
    if not isinstance(hooks, list):
        raise _bad("remind.webhooks", pick("应写作 [[remind.webhooks]] 表的数组", "must be an array of [[remind.webhooks]] tables"))
    webhooks = tuple(_webhook(n + 1, hook) for n, hook in enumerate(hooks))
    retry_days = remind.get("retry_days", RETRY_DAYS)
    if not isinstance(retry_days, int) or isinstance(retry_days, bool) or not 0 <= retry_days <= MAX_RETRY_DAYS:
        raise _bad("remind", pick(f"retry_days 应为 0 至 {MAX_RETRY_DAYS} 的整数", f"retry_days must be a whole number from 0 to {MAX_RETRY_DAYS}"))
    return RemindSettings(email, addresses, unit_addresses, webhooks, retry_days)


def _addresses(section: str, table) -> dict[str, str]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise _bad(section, pick("应为 名称 = \"邮箱\" 的表", 'must be a table of name = "address"'))
    return {str(name).strip(): _address(section, str(name), value) for name, value in table.items()}


def _email(table) -> EmailSettings | None:
    section = "remind.email"
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _bad(section, pick("应为一个表", "must be a table"))
    if "password" in table:
        raise _bad(section, pick(f"密码不写在 config.toml 中：请用环境变量 {ENV_PASSWORD} 或 password_file",
                                 f"no password in config.toml: use {ENV_PASSWORD} or password_file"))
    _known(section, table, ("host", "port", "security", "user", "sender", "password_file", "cafile", "timeout"))
    host = _text(section, table, "host", required=True)
    security = (_text(section, table, "security") or "ssl").lower()
    if security not in SECURITY:
        raise _bad(section, pick(f"security 应为 {' | '.join(SECURITY)}", f"security must be {' | '.join(SECURITY)}"))
    port = table.get("port", DEFAULT_PORTS[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise _bad(section, pick("port 应为 1 至 65535 的整数", "port must be a whole number from 1 to 65535"))
    timeout = table.get("timeout", SMTP_TIMEOUT_S)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 1 <= timeout <= 600:
        raise _bad(section, pick("timeout 应为 1 至 600 秒", "timeout must be 1 to 600 seconds"))
    settings = EmailSettings(
        host=host, port=port, security=security,
        sender=_address(section, "sender", table.get("sender")),
        user=_text(section, table, "user"), password_file=_text(section, table, "password_file"),
        cafile=_text(section, table, "cafile"), timeout=float(timeout),
    )
    if settings.user and security == "none" and not _loopback(host):
        raise CrmError("remind_plaintext_password", host=host)
    return settings


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _webhook(n: int, table) -> Webhook:
    section = f"remind.webhooks #{n}"
    if not isinstance(table, dict):
        raise _bad(section, pick("应为一个表", "must be a table"))
    _known(section, table, ("kind", "url", "unit", "secret", "timeout"))
    kind = (_text(section, table, "kind", required=True) or "").lower()
    if kind not in ROBOTS:
        raise _bad(section, pick(f"kind 应为 {' | '.join(ROBOTS)}", f"kind must be {' | '.join(ROBOTS)}"))
    url = _text(section, table, "url", required=True)
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _bad(section, pick("url 应为 https:// 开头的机器人地址", "url must be the robot's https:// address"))
    timeout = table.get("timeout", HTTP_TIMEOUT_S)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 1 <= timeout <= 120:
        raise _bad(section, pick("timeout 应为 1 至 120 秒", "timeout must be 1 to 120 seconds"))
    return Webhook(kind=kind, url=url, unit=_text(section, table, "unit", required=True),
                   secret=_text(section, table, "secret"), timeout=float(timeout))


def smtp_password(settings: EmailSettings) -> str | None:
    """CRM_SMTP_PASSWORD, else the first line of password_file, which only its owner may read (a file that
    its group or others can read, or write, is refused); None where no user logs in."""
    if not settings.user:
        return None
    value = os.environ.get(ENV_PASSWORD)
    if value:
        return value
    if not settings.password_file:
        raise CrmError("remind_password_missing", env=ENV_PASSWORD)
    path = Path(settings.password_file).expanduser()
    try:
        with path.open("rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode  # the file read, not one swapped in after a check
            if not stat.S_ISREG(mode):
                raise CrmError("remind_password_file_unreadable", path=path, reason=pick("不是普通文件", "not a regular file"))
            if mode & 0o077:
                raise CrmError("remind_password_file_open", path=path, mode=f"{stat.S_IMODE(mode):o}")
            raw = handle.read(4096)
    except OSError as error:
        raise CrmError("remind_password_file_unreadable", path=path, reason=error.strerror or type(error).__name__) from None
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise CrmError("remind_password_file_unreadable", path=path, reason="UTF-8") from None
    password = lines[0].strip() if lines else ""
    if not password:
        raise CrmError("remind_password_file_unreadable", path=path, reason=pick("文件为空", "the file is empty"))
    return password
