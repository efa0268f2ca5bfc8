"""What kind of unit a name is, for units added on the way (an organizer typed in a form or a table)."""
from __future__ import annotations

import re

from db.models.enums import UnitKind

KIND_WORDS = {
    "省": UnitKind.PROVINCE, "省级": UnitKind.PROVINCE, "处室": UnitKind.OFFICE, "处": UnitKind.OFFICE,
    "省直部门": UnitKind.DEPARTMENT, "部门": UnitKind.DEPARTMENT, "市": UnitKind.CITY, "设区市": UnitKind.CITY,
    "园区": UnitKind.PARK, "县区": UnitKind.PARK, "县": UnitKind.PARK, "集体": UnitKind.COLLECTIVE,
}


def guess_unit_kind(name: str) -> UnitKind:
    """南昌市政府 → city; 省工信委新兴产业处 → office; 省发改委 → department; 高新区管委会 → park;
    有关设区市政府 → collective (a group named as a whole)."""
    text = name or ""
    if text.startswith(("有关", "相关", "各")):
        return UnitKind.COLLECTIVE
    if re.search(r"(开发区|高新区|园区|新区|工业园|产业园|县|区政府|区人民政府|管委会)", text):
        return UnitKind.PARK
    if re.search(r"市(人民)?政府$|市$|市商务局$|市工信局$|市投资促进局$|市招商局$", text) and not text.startswith("省"):
        return UnitKind.CITY
    if text.startswith("省") and re.search(r"(处|办|室)$", text) and len(text) > 4:
        return UnitKind.OFFICE
    if text in ("省政府", "省人民政府", "江西省人民政府"):
        return UnitKind.PROVINCE
    return UnitKind.DEPARTMENT


def parse_unit_kind(value: str) -> UnitKind | None:
    text = (value or "").strip()
    try:
        return UnitKind(text.lower())
    except ValueError:
        return KIND_WORDS.get(text)
