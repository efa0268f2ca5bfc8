"""What every kind of import shares around its rows: the batch record (file, SHA-256, who, what, counts)
that rows it creates name and `crm import undo` takes back, whether a run writes at all (a dry run, or
--strict with rejected rows, does not), and the summary it reports (`crm import … --json`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.importing.layout import RowError
from crm.importing.parse import ParsedFile, SheetReport
from db.models import ImportBatch, ImportChange

INVITEES, PROGRAMME = "invitees", "programme"  # ImportBatch.kind, and the command that imports it
TARGETS = "targets"  # crm targets import


@dataclass
class BatchResult:
    file: str
    format: str
    dry_run: bool
    rows: int
    created: dict[str, int]
    updated: dict[str, int]
    errors: list[RowError]
    batch: int | None
    sheets: list[SheetReport] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    written: bool = False  # False for a dry run, and for --strict with rejected rows
    unchanged: bool = False  # a run that found nothing to create or change: no batch was recorded
    earlier_batch: int | None = None  # an earlier, not undone, import of the very same file
    parsed: ParsedFile | None = field(default=None, repr=False)  # the rows as read (for --errors-out)

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "errors": [e.as_dict() for e in self.errors],
            "batch": self.batch,
        }

    def nothing_written(self) -> None:
        """--strict refused the file: the counts say what was written, which is nothing."""
        self.created = dict.fromkeys(self.created, 0)
        self.updated = dict.fromkeys(self.updated, 0)


def note_changes(session: Session, batch_id: int, entity: str, created: list,
                 updated: list[tuple[int, dict]]) -> None:
    """What an import by rows made (each record with the version it left) and changed (id, the values it
    had), for `crm import undo`."""
    session.flush()
    session.add_all([ImportChange(batch_id=batch_id, entity=entity, entity_id=record.id, action="create",
                                  before={"version": record.version}) for record in created]
                    + [ImportChange(batch_id=batch_id, entity=entity, entity_id=record_id, action="update",
                                    before=before) for record_id, before in updated])
    session.flush()


def writes(parsed_errors: list, *, dry_run: bool, strict: bool) -> bool:
    return not dry_run and not (strict and parsed_errors)


def changed_anything(created: dict[str, int], updated: dict[str, int]) -> bool:
    """Whether a run created or changed any record: one that did not (the same table imported again) records
    no batch, since there is nothing to undo, and says so."""
    return any(created.values()) or any(updated.values())


def settle(session: Session, batch: ImportBatch, result: BatchResult, *, dry_run: bool, strict: bool) -> None:
    """End a run of a kind imported row by row into `batch` (programme tables, target tables): keep the
    batch when the run writes and changed something, else roll everything back — a dry run, a refusal under
    --strict, or the same file again (no empty batch to undo)."""
    result.earlier_batch = earlier_batch(session, result.parsed.file_hash, before=batch.id)
    write = writes(result.errors, dry_run=dry_run, strict=strict)
    if write and changed_anything(result.created, result.updated):
        batch.counts = {"rows": result.rows, "created": result.created, "updated": result.updated,
                        "errors": len(result.errors)}
        session.flush()
        result.batch, result.written = batch.id, True
        return
    session.rollback()
    if write:
        result.unchanged = True
    elif not dry_run:
        result.nothing_written()


def new_batch(session: Session, parsed: ParsedFile, *, kind: str, staff_id: int | None, counts: dict,
              event_id: int | None = None, programme_id: int | None = None) -> ImportBatch:
    batch = ImportBatch(file_name=parsed.path.name[:255], file_hash=parsed.file_hash, kind=kind, event_id=event_id,
                        programme_id=programme_id, staff_id=staff_id, counts=counts)
    session.add(batch)
    session.flush()
    return batch


def earlier_batch(session: Session, file_hash: str, *, before: int | None = None) -> int | None:
    """The latest batch, not undone, of a file with these bytes (before batch `before`, when given)."""
    query = select(ImportBatch.id).where(ImportBatch.file_hash == file_hash, ImportBatch.undone_at.is_(None))
    if before is not None:
        query = query.where(ImportBatch.id < before)
    return session.scalar(query.order_by(ImportBatch.id.desc()).limit(1))
