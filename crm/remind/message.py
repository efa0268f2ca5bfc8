"""A digest as people read it: plain text (e-mail, standard output) and markdown (group robots), split into
messages a channel accepts."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from crm.i18n import pick
from crm.labels import deadline_kind_label
from crm.services.reminders import Item, Whose

_KINDS = {
    "problem": ("困难问题", "open problem"),
    "order": ("督办待回复", "supervision order"),
    "resubmit": ("退回待重报", "returned, to resubmit"),
    # What was returned, from the item's key (resubmit:REF:KIND:ID).
    "resubmit:plan": ("工作方案退回待重报", "work plan returned, to resubmit"),
    "resubmit:summary": ("工作总结退回待重报", "summary returned, to resubmit"),
    "resubmit:project": ("签约项目退回待重报", "project returned, to resubmit"),
}
_STATES = {
    "red": ("严重逾期", "long overdue"), "overdue": ("已超期", "overdue"), "yellow": ("逾期未回复", "reply overdue"),
    "due": ("即将到期", "due"), "returned": ("已退回", "returned"), "open": ("待办", "open"),
}
TITLE_LIMIT, DETAIL_LIMIT = 60, 80
_CONTROL = dict.fromkeys(range(0x20), " ") | {0x7F: " ", 0x2028: " ", 0x2029: " "}
# Markdown's own characters in users' text are shown, not obeyed (full-width look-alikes).
_MARKDOWN = str.maketrans({"*": "＊", "_": "＿", "`": "｀", "[": "［", "]": "］", "<": "＜", ">": "＞", "#": "＃",
                           "~": "～", "|": "｜"})


def item_kind_label(item: Item) -> str:
    if item.kind == "resubmit":
        parts = item.key.split(":")
        what = f"resubmit:{parts[2]}" if len(parts) > 2 else ""
        if what in _KINDS:
            return pick(*_KINDS[what])
    return kind_label(item.kind)


def kind_label(kind: str) -> str:
    if kind in _KINDS:
        return pick(*_KINDS[kind])
    try:
        return deadline_kind_label(kind)
    except KeyError:
        return kind


def state_label(state: str) -> str:
    return pick(*_STATES[state]) if state in _STATES else state


def clean(text: str | None, limit: int) -> str:
    """One line of at most `limit` characters."""
    line = " ".join((text or "").translate(_CONTROL).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _when(item: Item) -> str:
    if item.due:
        return pick(f"截止 {item.due}", f"due {item.due}")
    if item.since and item.kind == "problem":
        return pick(f"{item.since} 提出", f"raised {item.since}")
    if item.since:
        return pick(f"{item.since} 退回", f"returned {item.since}")
    return ""


def item_text(item: Item) -> str:
    return _item_line(item, f"[{state_label(item.state)}]", escape=str)


def item_markdown(item: Item) -> str:
    return _item_line(item, f"- **{state_label(item.state)}**", escape=lambda text: text.translate(_MARKDOWN))


def _item_line(item: Item, state: str, *, escape) -> str:
    """One item on one line: its state, kind, ref and title, when it is due, and its detail; user text
    passed through `escape` (markdown for robots, as is for e-mail and the terminal)."""
    line = f"{state} {item_kind_label(item)} {item.ref} {escape(clean(item.title, TITLE_LIMIT))}".rstrip()
    when = _when(item)
    if when:
        line += pick(f"（{when}）", f" ({when})")
    if item.detail:
        line += f" — {escape(clean(item.detail, DETAIL_LIMIT))}"
    return line


def title(whose: Whose, day: dt.date, count: int, *, retry: bool = False, part: tuple[int, int] | None = None) -> str:
    """A message's subject (an e-mail's Subject, a robot message's title)."""
    name = clean(whose.name, 40)
    text = (pick(f"【补发 {day}】招商项目提醒：{name}，{count} 项", f"[resent, {day}] Reminders for {name}: {count}")
            if retry else pick(f"招商项目提醒：{name}，{count} 项到期或逾期（{day}）",
                               f"Reminders for {name}: {count} due or overdue ({day})"))
    if part is not None and part[1] > 1:
        text += f" ({part[0]}/{part[1]})"
    return text


def _intro(whose: Whose, day: dt.date, retry: bool) -> str:
    if retry:
        return pick(f"以下为 {day} 未能送达的提醒，现补发。", f"These reminders of {day} could not be delivered then.")
    mine = pick("您负责的", "yours") if whose.kind == "staff" else pick(f"{clean(whose.name, 40)}的", f"of {clean(whose.name, 40)}")
    return pick(f"截至 {day}，{mine}以下事项到期或逾期：", f"As of {day}, these items {mine} are due or overdue:")


_FOOTER_ZH, _FOOTER_EN = "详见 crm deadlines、crm supervise list 或工作台。", "See crm deadlines, crm supervise list or the workbench."


def plain_text(whose: Whose, day: dt.date, items: Sequence[Item], *, retry: bool = False) -> str:
    lines = [_intro(whose, day, retry), ""]
    lines += [f"- {item_text(i)}" for i in items]
    lines += ["", pick(_FOOTER_ZH, _FOOTER_EN)]
    return "\n".join(lines) + "\n"


def markdown(whose: Whose, day: dt.date, items: Sequence[Item], *, retry: bool = False,
             part: tuple[int, int] | None = None) -> str:
    heading = title(whose, day, len(items), retry=retry, part=part).translate(_MARKDOWN)
    lines = [f"### {heading}", _intro(whose, day, retry).translate(_MARKDOWN), ""]
    lines += [item_markdown(i) for i in items]
    return "\n".join(lines)


def split(items: Sequence[Item], line: Callable[[Item], str], limit_bytes: int | None, *, overhead: int = 600,
          max_items: int = 200) -> list[list[Item]]:
    """The items in consecutive messages, each within `limit_bytes` (UTF-8: the items' lines, one a line,
    and `overhead` for the heading and the message around them) and `max_items`. An item's line is at most a
    few hundred bytes: it always fits."""
    if not items:
        return []
    if limit_bytes is None:
        return [list(items)]
    batches: list[list[Item]] = []
    current: list[Item] = []
    size = overhead
    for item in items:
        length = len(line(item).encode("utf-8")) + 1
        if current and (size + length > limit_bytes or len(current) >= max_items):
            batches.append(current)
            current, size = [], overhead
        current.append(item)
        size += length
    batches.append(current)
    return batches
