"""企业微信 group robot: {"msgtype": "markdown", "markdown": {"content": …}}, at most 4096 bytes of content
and 20 messages a minute; the answer {"errcode": 0, "errmsg": "ok"}."""
from __future__ import annotations

from collections.abc import Sequence

from crm.remind.message import markdown
from crm.remind.robot import Robot
from crm.services.reminders import Item, Target


class WecomRobot(Robot):
    name = "wecom"
    limit_bytes = 4000
    per_minute = 20

    def request(self, target: Target, items: Sequence[Item], part: tuple[int, int]) -> tuple[str, dict]:
        content = markdown(target.whose, target.day, items, retry=target.retry, part=part)
        return self.hook.url, {"msgtype": "markdown", "markdown": {"content": content}}
