"""Forms whose refusals the user can answer: a refusal that leaves a choice asks one question and, on
yes, saves again: an industry missing from the list is added (units and cities a form names are added
by the services themselves, and the form says so), a likely duplicate is saved anyway. The services
still decide; the form only asks."""
from __future__ import annotations

from collections.abc import Callable

from crm.i18n import pick, t
from crm.services.reference import add_industry
from tui.db import Failure
from tui.forms.base import FormScreen
from tui.forms.pickers import ConfirmScreen

# A question, and what a yes does; or a question, what a yes does, and the labels of the yes and no buttons.
Offer = tuple[str, Callable[[], None]] | tuple[str, Callable[[], None], str, str]


class AnsweringForm(FormScreen):
    def _refused(self, failure: Failure) -> None:
        super()._refused(failure)
        if failure.stale or failure.connection:
            return
        offer = self.offer(failure)
        if offer is not None:
            question, then, *labels = offer
            yes, no = labels or (None, None)
            self.app.push_screen(ConfirmScreen(question, yes=yes, no=no), lambda yes: then() if yes else None)

    def offer(self, failure: Failure) -> Offer | None:
        """The question a refusal allows (subclasses add their own)."""
        industry = failure.params.get("value")
        if failure.key != "unknown_industry" or not industry:
            return None
        question = pick(f"产业「{industry}」不在产业列表中。现在添加它并再次保存吗？",
                        f"The industry “{industry}” is not in the list. Add it and save again?")
        return question, lambda: self._add_industry(str(industry))

    def _add_industry(self, name: str) -> None:
        def added(_result) -> None:
            self.notify(t("reference_added", what=pick("产业", "industry"), name=name), markup=False)
            self.action_save()

        self.run_db("add-industry", lambda session: add_industry(session, name) and None, added,
                    on_failure=self._refused, write=True)
