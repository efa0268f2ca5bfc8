"""Workbooks leaders print: the weekly progress sheet, the event summary package and the event plan."""
