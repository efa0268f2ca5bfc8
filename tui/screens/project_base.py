"""The recorded actions on a project, shared by the list (on the highlighted row) and the detail."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding

from crm.i18n import pick
from crm.services.project_query import FilterChoices, filter_choices
from tui.screens.base import WorkbenchScreen

if TYPE_CHECKING:
    from tui.forms.base import FormScreen
    from tui.project_view import ProjectView


def _forms():
    """The project forms, imported as the first one opens: the project list is shown without them."""
    from tui.forms import project_forms

    return project_forms


class ProjectScreen(WorkbenchScreen):
    BINDINGS = [
        Binding("a", "advance", "advance", id="project.advance"),
        Binding("f", "followup", "follow-up", id="project.followup"),
        Binding("p", "problem", "problem", id="project.problem"),
        Binding("r", "resolve", "resolve", id="project.resolve"),
        Binding("e", "edit", "edit", id="project.edit"),
        Binding("x", "status", "status", id="project.status"),
        Binding("c", "correct", "correct", id="project.correct"),
        Binding("m", "figure", "funds", show=False, id="project.figure"),
    ]

    def current_ref(self) -> str | None:
        """The project the actions apply to."""
        raise NotImplementedError

    def current_view(self) -> ProjectView | None:
        """The project as already loaded, when the screen has it."""
        return None

    def selected_problem(self) -> int | None:
        return None

    def action_advance(self) -> None:
        self._open(lambda view, _: _forms().AdvanceForm(view, self.app.today))

    def action_followup(self) -> None:
        self._open(lambda view, _: _forms().FollowUpForm(view, self.app.today))

    def action_problem(self) -> None:
        self._open(lambda view, _: _forms().ProblemForm(view, self.app.today))

    def action_resolve(self) -> None:
        self._open(lambda view, _: _forms().ResolveForm(view, self.app.today, self.selected_problem()))

    def action_edit(self) -> None:
        self._open(_forms().EditProjectForm, with_choices=True)

    def action_status(self) -> None:
        self._open(lambda view, _: _forms().StatusForm(view, self.app.today))

    def action_correct(self) -> None:
        self._open(lambda view, _: _forms().CorrectStepForm(view, self.app.today))

    def action_figure(self) -> None:
        self._open(lambda view, _: _forms().FigureForm(view, self.app.today))

    def _open(self, make_form: Callable[[ProjectView, FilterChoices | None], FormScreen], *,
              with_choices: bool = False) -> None:
        ref = self.current_ref()
        if ref is None:
            self.notify(pick("请先选择一个项目", "choose a project first"), severity="warning")
            return
        view = self.current_view()
        if view is not None and not with_choices:
            self._push(make_form(view, None))
            return
        today = self.app.today

        def job(session) -> tuple[ProjectView, FilterChoices | None]:
            from tui.project_view import load_project_view

            loaded = view or load_project_view(session, ref, today)
            return loaded, filter_choices(session) if with_choices else None

        self.run_db("project-form", job, lambda loaded: self._push(make_form(*loaded)))

    def _push(self, form: FormScreen) -> None:
        if form.unavailable:
            self.notify(form.unavailable, markup=False, severity="warning")
        else:
            self.app.push_screen(form, self.form_closed)
