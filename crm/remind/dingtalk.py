"""钉钉 group robot: {"msgtype": "markdown", "markdown": {"title": …, "text": …}}; with a secret (加签) the
request is signed: timestamp (ms) and sign = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")) as
query parameters. At most 20 messages a minute; the answer {"errcode": 0, "errmsg": "ok"}."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crm.remind.message import markdown, title
from crm.remind.robot import Robot
from crm.services.reminders import Item, Target


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The signature 钉钉 checks (before URL encoding)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("timestamp", "sign")]
    query += [("timestamp", str(timestamp_ms)), ("sign", dingtalk_sign(secret, timestamp_ms))]
    return urlunsplit(parts._replace(query=urlencode(query)))


class DingtalkRobot(Robot):
    name = "dingtalk"
    limit_bytes = 18000
    per_minute = 20

    def request(self, target: Target, items: Sequence[Item], part: tuple[int, int]) -> tuple[str, dict]:
        heading = title(target.whose, target.day, len(items), retry=target.retry, part=part)
        text = markdown(target.whose, target.day, items, retry=target.retry, part=part)
        url = self.hook.url
        if self.hook.secret:
            url = signed_url(url, self.hook.secret, int(time.time() * 1000))
        return url, {"msgtype": "markdown", "markdown": {"title": heading, "text": text}}
