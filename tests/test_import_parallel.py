"""The import's two helpers for speed: the file read ahead in a thread, and the pinyin worked out in a
second process. Both must give exactly what the plain path gives, and failures must cost time only."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.errors import FileRefused
from crm.importing.parse import parse_file
from crm.importing.pinyin_worker import PinyinWorker
from crm.importing.reader import ReadAhead
from crm.importing.service import ImportOptions, import_invitees
from db.models import Contact, Organization
from db.pinyin import contact_pinyin, organization_pinyin
from tests.test_import_builders import HEADER, person_rows, write_xlsx

PEOPLE = ["曾国藩", "张三", "单雄信", "John Smith", "欧阳娜娜"]
ORGANIZATIONS = ["重庆长安汽车", "腾讯科技（深圳）有限公司", "IBM"]


def test_the_worker_answers_as_the_import_would_derive():
    worker = PinyinWorker()
    try:
        worker.add(PEOPLE[:2], ORGANIZATIONS[:1])
        worker.add(PEOPLE, ORGANIZATIONS)  # names seen twice are answered once
        people, organizations = worker.result()
    finally:
        worker.close()
    assert people == {key: contact_pinyin(key) for key in PEOPLE}
    assert organizations == {key: organization_pinyin(key) for key in ORGANIZATIONS}
    assert people["曾国藩"] == " cengguofan cgf zengguofan zgf " and people["John Smith"] is None


def test_a_dead_worker_costs_only_time():
    worker = PinyinWorker()
    worker.close()  # killed before it was asked anything
    worker.add(PEOPLE, ORGANIZATIONS)
    assert worker.result() == ({}, {})


def test_an_import_whose_worker_died_still_fills_the_pinyin(database, tmp_path, monkeypatch):
    import crm.importing.service as service

    class DeadWorker(PinyinWorker):
        def __init__(self) -> None:
            super().__init__()
            self.close()

    monkeypatch.setattr(service, "PinyinWorker", DeadWorker)
    monkeypatch.setattr(service, "PINYIN_WORKER_BYTES", 0)  # a short list would not start one
    path = write_xlsx(tmp_path / "list.xlsx", {"名单": [HEADER, *person_rows(3), [4, "重庆长安汽车", "曾国藩"]]})
    result = import_invitees(database, path, ImportOptions(), login="tester")
    assert result.created["contacts"] == 4
    with database.unit_of_work(write=False) as session:
        assert session.scalar(select(Contact.pinyin).where(Contact.name == "曾国藩")) == contact_pinyin("曾国藩")
        assert session.scalar(select(Organization.pinyin).where(Organization.name == "重庆长安汽车")) == (
            " chongqingchanganqiche cqcaqc ")


def test_read_ahead_gives_the_rows_reading_gives(tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", {"一": [HEADER, *person_rows(5)], "二": [HEADER, *person_rows(4, start=5)]})
    plain = parse_file(path)
    ahead = parse_file(path, ahead=ReadAhead(path))
    assert [(r.sheet, r.row, r.name, r.mobile_key) for r in ahead.rows] == [
        (r.sheet, r.row, r.name, r.mobile_key) for r in plain.rows]
    assert len(ahead.rows) == 9 and ahead.file_hash == plain.file_hash
    named = parse_file(path, sheets=["二"], ahead=ReadAhead(path, ["二"]))
    assert [r.name for r in named.rows] == [f"嘉宾{n:04d}" for n in range(5, 9)]


def test_read_ahead_hands_over_the_refusal(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    ahead = ReadAhead(broken)
    with pytest.raises(FileRefused):
        parse_file(broken, ahead=ahead)


def test_the_worker_never_imports_from_the_working_directory(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    for module in ("queue", "pickle", "pypinyin"):
        (tmp_path / f"{module}.py").write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # where a user runs `crm import invitees` from
    worker = PinyinWorker()
    try:
        worker.add(["张三"], [])
        assert worker.result() == ({"张三": " zhangsan zs "}, {})
    finally:
        worker.close()
    assert not marker.exists()


def test_only_long_lists_start_a_worker(database, tmp_path, monkeypatch):
    import crm.importing.service as service

    started = []

    class CountedWorker(PinyinWorker):
        def __init__(self) -> None:
            started.append(1)
            super().__init__()

    monkeypatch.setattr(service, "PinyinWorker", CountedWorker)
    short = write_xlsx(tmp_path / "short.xlsx", {"名单": [HEADER, *person_rows(3)]})
    import_invitees(database, short, ImportOptions(), login="tester")
    assert started == []
    long = write_xlsx(tmp_path / "long.xlsx", {"名单": [HEADER, *person_rows(6000, start=3)]})
    assert long.stat().st_size >= service.PINYIN_WORKER_BYTES
    result = import_invitees(database, long, ImportOptions(), login="tester")
    assert started == [1] and result.created["contacts"] == 6000
    with database.unit_of_work(write=False) as session:
        assert session.scalar(select(Contact.pinyin).where(Contact.name == "嘉宾5000")) == contact_pinyin("嘉宾5000")
