"""Every ORM model, imported here so that Base.metadata is complete for Alembic and create_all."""
from db.models.contacts import Contact, Organization
from db.models.enums import (
    DatePrecision,
    EventKind,
    EventLevel,
    FigureKind,
    FollowUpKind,
    InvitationStatus,
    OrganizerRole,
    OrgKind,
    ProjectStatus,
    SigningForm,
    Stage,
    StepKind,
    SubmissionKind,
    SubmissionOutcome,
    UnitKind,
    Currency,
    InvestorOrigin,
    MilestoneKind,
)
from db.models.events import Event, EventIndustry, EventOrganizer, EventQuota, Programme
from db.models.invitations import Invitation
from db.models.merges import ContactMerge
from db.models.projects import (
    FollowUp,
    Problem,
    Project,
    ProjectFigure,
    ProjectMilestone,
    StageStep,
    StatusChange,
)
from db.models.records import AuditEntry, ImportBatch, ImportChange
from db.models.reference import Industry, Region, Staff, Unit
from db.models.reminders import ReminderDelivery
from db.models.submissions import Submission
from db.models.supervision import SupervisionOrder, SupervisionReply
from db.models.targets import Target
from db.models.trips import PromotionTrip, TripVisit

__all__ = [
    "AuditEntry", "Contact", "ContactMerge", "DatePrecision", "Event", "EventKind", "EventLevel", "EventOrganizer",
    "EventQuota", "FigureKind", "FollowUp", "FollowUpKind", "ImportBatch", "ImportChange", "Industry",
    "Invitation", "InvitationStatus", "OrgKind", "Organization", "OrganizerRole", "Problem", "Programme",
    "Project", "ProjectFigure", "ProjectStatus", "Region", "SigningForm", "Stage", "StageStep", "Staff",
    "StatusChange", "StepKind", "ReminderDelivery", "Submission", "SubmissionKind", "SupervisionOrder", "SupervisionReply", "Target", "PromotionTrip", "TripVisit", "ProjectMilestone",
    "Currency", "InvestorOrigin", "MilestoneKind", "SubmissionOutcome", "Unit", "UnitKind",
    "EventIndustry",
]
