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
LABEL_CELLS = 14  # at least: a longer industry name takes more while the bars keep BAR_CELLS
MAX_LABEL_CELLS = 24
BAR_CELLS = 14
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
        return len(self.rows) + len(self._legend(width)) + 1

    def _legend(self, width: int) -> list[Text]:
        """The stages and their colours, on as many lines as the width needs (never cut)."""
        lines = [Text(" ")]
        for stage in STAGE_ORDER:
            entry = Text(pick("■ ", "■"), style=STAGE_COLOURS[stage.value])
            entry.append(f"{stage_label(stage)} ", style="")
            if lines[-1].cell_len + entry.cell_len > max(width, 1) and lines[-1].plain.strip():
                lines.append(Text(" "))
            lines[-1].append_text(entry)
        return lines

    def _label_cells(self, width: int) -> int:
        """Whole industry names where the width allows ("新能源汽车及动力电池" and "新能源汽车及配套" both cut
        to "新能源汽车及…" would say nothing)."""
        longest = max((cell_len(row.industry or "") for row in self.rows), default=0)
        return max(LABEL_CELLS, min(longest, MAX_LABEL_CELLS, width - BAR_CELLS - COUNT_CELLS - 2))

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="crop")
        for line in self._legend(self.size.width):
            out.append_text(line)
            out.append("\n")
        if not self.rows:
            out.append(pick("  （尚无项目）", "  (no projects yet)"), style="dim")
            return out
        label_cells = self._label_cells(self.size.width)
        room = max(self.size.width - label_cells - COUNT_CELLS - 2, 10)
        largest = max(row.total for row in self.rows) or 1
        for row in self.rows:
            label = Text(row.industry or pick("未分产业", "no industry"))
            label.truncate(label_cells, overflow="ellipsis")
            out.append_text(label)
            out.append(" " * (label_cells - cell_len(label.plain) + 1))
            for stage in STAGE_ORDER:
                count = row.counts.get(stage, 0)
                if count:
                    cells = max(1, round(count / largest * room))
                    out.append("█" * cells, style=STAGE_COLOURS[stage.value])
            out.append(f" {row.total}\n", style="bold")
        totals = {stage: sum(row.counts.get(stage, 0) for row in self.rows) for stage in STAGE_ORDER}
        out.append(" " * (label_cells + 1))
        out.append("  ".join(f"{stage_label(stage)} {totals[stage]}" for stage in STAGE_ORDER), style="dim")
        return out
