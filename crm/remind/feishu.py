"""飞书 group robot: an interactive card {"msg_type": "interactive", "card": …} whose body is a markdown
element; with a secret (签名校验) the body carries timestamp (s) and sign = base64(HMAC-SHA256 keyed by
f"{timestamp}\\n{secret}" over nothing). The answer {"code": 0, …} ({"StatusCode": 0} from older servers)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence

from crm.i18n import pick
from crm.remind.message import item_markdown, title
from crm.remind.robot import Robot
from crm.services.reminders import Item, SendFailed, Target

_URGENT = ("red", "overdue")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class FeishuRobot(Robot):
    name = "feishu"
    limit_bytes = 18000  # the request body may hold 20 KB
    per_minute = 100

    def request(self, target: Target, items: Sequence[Item], part: tuple[int, int]) -> tuple[str, dict]:
        heading = title(target.whose, target.day, len(items), retry=target.retry, part=part)
        body = "\n".join(item_markdown(i) for i in items)
        payload: dict = {}
        if self.hook.secret:
            timestamp = int(time.time())
            payload.update(timestamp=str(timestamp), sign=feishu_sign(self.hook.secret, timestamp))
        payload.update(msg_type="interactive", card={
            "config": {"wide_screen_mode": True},
            "header": {"template": "red" if any(i.state in _URGENT for i in items) else "orange",
                       "title": {"tag": "plain_text", "content": heading}},
            "elements": [{"tag": "markdown", "content": body}],
        })
        return self.hook.url, payload

    def check(self, answer: dict) -> None:
        code = answer.get("code", answer.get("StatusCode"))
        if code != 0:
            message = answer.get("msg", answer.get("StatusMessage", ""))
            raise SendFailed(self.scrub(pick(f"机器人返回错误 {code}：{message}",
                                             f"the robot answered error {code}: {message}")))
