"""Small forms that record nothing themselves."""
from __future__ import annotations

import datetime as dt

from crm.i18n import pick
from tui.forms.base import Field, FormScreen


class AsOfForm(FormScreen):
    """The day the dashboard counts as of."""

    def __init__(self, as_of: dt.date) -> None:
        super().__init__(pick("统计日期", "As of"), [Field("as_of", pick("统计截至", "as of"), "date", required=True,
                                                           value=as_of)])

    def action_save(self) -> None:
        values = self.values()
        if values is not None:
            self.dismiss(values["as_of"])
