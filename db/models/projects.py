"""Signed projects (签约项目) and everything recorded while serving them to results."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from db.base import Base, SoftDeletable, Timestamped, Versioned, utcnow, UnitOwned
from db.models.contacts import Organization
from db.models.enums import (
    Currency,
    MilestoneKind,
    FigureKind,
    FollowUpKind,
    ProjectStatus,
    SigningForm,
    Stage,
    StepKind,
    enum_column_type,
)
from db.models.events import Event
from db.models.reference import Industry, Region, Staff, Unit


class Project(Base, Versioned, Timestamped, SoftDeletable, UnitOwned):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    investor_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    industry_id: Mapped[int | None] = mapped_column(ForeignKey("industries.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    park: Mapped[str | None] = mapped_column(String(128))
    signing_form: Mapped[SigningForm | None] = mapped_column(enum_column_type(SigningForm, "signing_form"))
    signed_on: Mapped[dt.date | None] = mapped_column(index=True)
    # The day a framework agreement became a contract (协议转化).
    contract_on: Mapped[dt.date | None]
    signing_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    contracted_amount: Mapped[Decimal | None]  # 合同引资额, 万元 (for a project signed in dollars: at its rate)
    # Foreign investment is assessed in US dollars: the amount as signed (万美元) and the rate of its signing
    # day (元 per dollar), kept as the user gave them.
    currency: Mapped[Currency] = mapped_column(enum_column_type(Currency, "currency"), default=Currency.CNY,
                                               server_default=Currency.CNY.value)
    amount_usd: Mapped[Decimal | None]
    exchange_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    # The outbound promotion trip (招商小分队) the project came of, if any.
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_trips.id"), index=True)
    # A capital increase (增资扩产) of an earlier project: a signing of its own whose amount is the increase
    # alone; reports count its money, never a second project (crm.rules.kpi).
    increase_of_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    jobs: Mapped[int | None]
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    responsible_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    planned_construction_on: Mapped[dt.date | None]
    planned_production_on: Mapped[dt.date | None]
    # Cached from the stage history by crm.services.projects; the history is the authority.
    stage: Mapped[Stage] = mapped_column(enum_column_type(Stage, "stage"), default=Stage.SIGNED, index=True)
    stage_on: Mapped[dt.date | None]
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column_type(ProjectStatus, "project_status"), default=ProjectStatus.ACTIVE, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    investor: Mapped[Organization | None] = relationship()
    industry: Mapped[Industry | None] = relationship()
    region: Mapped[Region | None] = relationship()
    signing_event: Mapped[Event | None] = relationship()
    responsible_unit: Mapped[Unit | None] = relationship(foreign_keys="Project.responsible_unit_id")
    responsible_staff: Mapped[Staff | None] = relationship()
    increase_of: Mapped[Project | None] = relationship(remote_side="Project.id")
    steps: Mapped[list[StageStep]] = relationship(
        back_populates="project", order_by="StageStep.id", cascade="all, delete-orphan"
    )
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="project", order_by="StatusChange.id", cascade="all, delete-orphan"
    )
    figures: Mapped[list[ProjectFigure]] = relationship(
        back_populates="project", order_by="ProjectFigure.id", cascade="all, delete-orphan"
    )
    followups: Mapped[list[FollowUp]] = relationship(
        back_populates="project", order_by="FollowUp.id", cascade="all, delete-orphan"
    )
    problems: Mapped[list[Problem]] = relationship(
        back_populates="project", order_by="Problem.id", cascade="all, delete-orphan"
    )


class StageStep(Base):
    """One recorded stage step. A correction is a new row that supersedes an earlier one."""

    __tablename__ = "stage_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column_type(Stage, "stage"))
    happened_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[StepKind] = mapped_column(enum_column_type(StepKind, "step_kind"), default=StepKind.ADVANCE)
    # For a correction: the step it replaces (or retracts, when retracted is true).
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("stage_steps.id"))
    retracted: Mapped[bool] = mapped_column(default=False)
    superseded: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="steps")
    recorded_by: Mapped[Staff | None] = relationship()


class Correctable:
    """An appended record (follow-up, figure, problem) that is never edited in place: a correction is a
    new row naming the one it replaces (`corrects_id`), or retracting it; the original is kept and
    marked `superseded_on` the day the correction was recorded. A report as of an earlier day still
    sees the original, as it was known then (crm.rules.corrections)."""

    # A server default too: rows written by plain SQL (old scripts, other tools) are not corrections.
    retracted: Mapped[bool] = mapped_column(default=False, server_default=false())
    # For a correction: the day it was recorded, from which it replaces the original.
    effective_on: Mapped[dt.date | None]
    superseded_on: Mapped[dt.date | None]
    correction_note: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def corrects_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey(f"{cls.__tablename__}.id"))

    @property
    def current(self) -> bool:
        return self.superseded_on is None and not self.retracted


class StatusChange(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    status: Mapped[ProjectStatus] = mapped_column(enum_column_type(ProjectStatus, "project_status"))
    changed_on: Mapped[dt.date]
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="status_changes")


class ProjectFigure(Base, Correctable):
    """A cumulative figure reported on a day: funds in place (到位资金) or investment completed."""

    __tablename__ = "project_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FigureKind] = mapped_column(enum_column_type(FigureKind, "figure_kind"))
    amount: Mapped[Decimal]  # 万元, cumulative to reported_on
    reported_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="figures")


class FollowUp(Base, Correctable):
    __tablename__ = "followups"
    # Each project's latest follow-up (crm.services.snapshot) is an index walk, not a scan.
    __table_args__ = (Index("ix_followups_project_id_happened_on", "project_id", "happened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    happened_on: Mapped[dt.date] = mapped_column(index=True)
    kind: Mapped[FollowUpKind] = mapped_column(enum_column_type(FollowUpKind, "followup_kind"))
    content: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_on: Mapped[dt.date | None]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="followups")
    staff: Mapped[Staff | None] = relationship()


class Problem(Base, Versioned, Correctable):
    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[dt.date]
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    followup_id: Mapped[int | None] = mapped_column(ForeignKey("followups.id"))
    resolved_on: Mapped[dt.date | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="problems")
    responsible_unit: Mapped[Unit | None] = relationship()

    @property
    def audit_unit_id(self) -> int | None:
        return self.project.owner_unit_id


class ProjectMilestone(Base, Correctable):
    """A dated milestone after landing — 入库/纳统, 入规, 达产 — recorded, correctable, read as of a date."""

    __tablename__ = "project_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MilestoneKind] = mapped_column(enum_column_type(MilestoneKind, "milestone_kind"))
    reached_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship()
    recorded_by: Mapped[Staff | None] = relationship()
