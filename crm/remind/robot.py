"""What the group robots of 企业微信, 钉钉 and 飞书 share: a JSON POST to the webhook URL (urllib, no
redirects followed), an answer whose error code must be 0, a digest split into messages the platform
accepts, and no more messages a minute than it takes. The URL holds the robot's token and the secret
signs requests: neither is ever shown — a robot is named by its host."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Sequence

from crm.i18n import pick
from crm.remind.config import Webhook
from crm.remind.message import item_markdown, split
from crm.services.reminders import Item, SendFailed, Target

ANSWER_LIMIT = 1_000_000


class Batch(list):
    """A message's items, and which message of how many it is."""

    part: tuple[int, int] = (1, 1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a robot answers where it is asked: a redirect is a failure
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class Robot:
    name = "robot"
    limit_bytes = 4000  # a message's markdown, UTF-8
    overhead = 600  # its heading and what surrounds the items
    per_minute = 20

    def __init__(self, hook: Webhook) -> None:
        self.hook = hook
        self._sent_at: deque[float] = deque()

    def batches(self, target: Target, items: Sequence[Item]) -> list[Batch]:
        groups = split(items, item_markdown, self.limit_bytes, overhead=self.overhead)
        batches = []
        for n, group in enumerate(groups, 1):
            batch = Batch(group)
            batch.part = (n, len(groups))
            batches.append(batch)
        return batches

    def send(self, target: Target, items: Sequence[Item]) -> None:
        part = getattr(items, "part", (1, 1))
        self._pace()
        url, payload = self.request(target, items, part)
        answer = self.post(url, payload)
        self.check(answer)

    def request(self, target: Target, items: Sequence[Item], part: tuple[int, int]) -> tuple[str, dict]:
        raise NotImplementedError

    def check(self, answer: dict) -> None:
        """企业微信 and 钉钉 answer {"errcode": 0, "errmsg": "ok"}."""
        code = answer.get("errcode")
        if code != 0:
            raise SendFailed(self.scrub(pick(f"机器人返回错误 {code}：{answer.get('errmsg', '')}",
                                             f"the robot answered error {code}: {answer.get('errmsg', '')}")))

    def post(self, url: str, payload: dict) -> dict:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with _OPENER.open(request, timeout=self.hook.timeout) as response:
                body = response.read(ANSWER_LIMIT)
        except urllib.error.HTTPError as error:
            raise SendFailed(self.scrub(f"HTTP {error.code} {error.reason}")) from None
        except urllib.error.URLError as error:
            reason = getattr(error.reason, "strerror", None) or str(error.reason)
            raise SendFailed(self.scrub(pick(f"无法连接：{reason}", f"cannot connect: {reason}"))) from None
        except (OSError, ValueError) as error:  # a timeout while reading, a broken connection
            reason = getattr(error, "strerror", None) or type(error).__name__
            raise SendFailed(self.scrub(pick(f"无应答：{reason}", f"no answer: {reason}"))) from None
        try:
            answer = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = None
        if not isinstance(answer, dict):
            raise SendFailed(pick("机器人的应答不是 JSON", "the robot did not answer JSON"))
        return answer

    def scrub(self, text: str) -> str:
        from urllib.parse import parse_qsl, urlsplit

        from db.engine import scrub_secrets

        parts = urlsplit(self.hook.url)
        secrets = [self.hook.url, parts.path, *(value for _, value in parse_qsl(parts.query) if len(value) >= 6)]
        if self.hook.secret:
            secrets.append(self.hook.secret)
        for secret in sorted((s for s in secrets if s and s != "/"), key=len, reverse=True):
            text = text.replace(secret, "***")
        return scrub_secrets(text)

    def _pace(self) -> None:
        """No more than `per_minute` messages to one robot in a minute (the platforms refuse the rest)."""
        now = time.monotonic()
        while self._sent_at and now - self._sent_at[0] >= 60:
            self._sent_at.popleft()
        if len(self._sent_at) >= self.per_minute:
            time.sleep(max(0.0, 60 - (now - self._sent_at[0])))
            self._sent_at.popleft()
        self._sent_at.append(time.monotonic())

    def close(self) -> None:
        pass
