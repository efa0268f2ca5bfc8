"""What `crm remind` sent to whom (crm.services.reminders): one row per recipient, channel, item and day,
so that an item reaches a person once a day at most; a row is claimed before its message is sent (two
runs at once cannot both claim it), and one whose send failed is sent again by the next run."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class ReminderDelivery(Base):
    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("recipient", "channel", "item_key", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(128))  # a staff login, or a unit's group robot
    channel: Mapped[str] = mapped_column(String(16))  # email | wecom | dingtalk | feishu | stdout
    item_key: Mapped[str] = mapped_column(String(128))  # e.g. followup:P00012:2026-12-07
    day: Mapped[dt.date]  # the day of the run that owes it
    status: Mapped[str] = mapped_column(String(16), default="claimed")  # claimed | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
