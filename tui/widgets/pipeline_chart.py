"""The pipeline as a chart: one stacked bar per industry, one colour per stage."""
from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from crm.i18n import pick
from crm.rules.stages import STAGE_ORDER, stage_label
from crm.services.dashboard import PipelineRow

STAGE_COLOURS = {
    "lead": "grey62", "negotiating": "cyan", "signed": "dodger_blue2", "construction": "yellow",
    "production": "green3", "results": "magenta",
}
LABEL_CELLS = 14
COUNT_CELLS = 6


class PipelineChart(Widget):
    DEFAULT_CSS = "PipelineChart { height: auto; text-wrap: nowrap; text-overflow: clip; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[PipelineRow] = []

    def show(self, rows: list[PipelineRow]) -> None:
        self.rows = rows
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.rows) + 2

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="crop")
        legend = Text(" ")
        for stage in STAGE_ORDER:
            legend.append(pick("■ ", "■"), style=STAGE_COLOURS[stage.value])
            legend.append(f"{stage_label(stage)} ")
        out.append_text(legend)
        out.append("\n")
        if not self.rows:
            out.append(pick("  （尚无项目）", "  (no projects yet)"), style="dim")
            return out
        room = max(self.size.width - LABEL_CELLS - COUNT_CELLS - 2, 10)
        largest = max(row.total for row in self.rows) or 1
        for row in self.rows:
            label = Text(row.industry or pick("未分产业", "no industry"))
            label.truncate(LABEL_CELLS, overflow="ellipsis")
            out.append_text(label)
            out.append(" " * (LABEL_CELLS - cell_len(label.plain) + 1))
            for stage in STAGE_ORDER:
                count = row.counts.get(stage, 0)
                if count:
                    cells = max(1, round(count / largest * room))
                    out.append("█" * cells, style=STAGE_COLOURS[stage.value])
            out.append(f" {row.total}\n", style="bold")
        totals = {stage: sum(row.counts.get(stage, 0) for row in self.rows) for stage in STAGE_ORDER}
        out.append(" " * (LABEL_CELLS + 1))
        out.append("  ".join(f"{stage_label(stage)} {totals[stage]}" for stage in STAGE_ORDER), style="dim")
        return out
