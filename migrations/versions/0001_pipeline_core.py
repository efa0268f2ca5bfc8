"""pipeline core

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('industries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_industries')),
    sa.UniqueConstraint('code', name=op.f('uq_industries_code')),
    sa.UniqueConstraint('name', name=op.f('uq_industries_name'))
    )
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('document_no', sa.String(length=64), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('code', name=op.f('uq_programmes_code'))
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('short_name', sa.String(length=32), nullable=False),
    sa.Column('in_province', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('name', name=op.f('uq_regions_name')),
    sa.UniqueConstraint('short_name', name=op.f('uq_regions_short_name'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('programme_group', sa.String(length=32), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('provincial', 'city', name='event_level', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('kind', sa.Enum('promotion', 'cooperation', 'matchmaking', 'finance', 'groundbreaking', 'seminar', 'forum', 'activity', name='event_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('venue', sa.String(length=255), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('date_precision', sa.Enum('day', 'month', 'quarter', 'year', name='date_precision', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('planned_scale', sa.Integer(), nullable=True),
    sa.Column('invitee_types', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('plan_submitted_on', sa.Date(), nullable=True),
    sa.Column('summary_submitted_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['events.id'], name=op.f('fk_events_parent_id_events')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_events_programme_id_programmes')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_events_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('ref', name=op.f('uq_events_ref'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_region_id'), ['region_id'], unique=False)

    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_key', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.Enum('multinational', 'central_soe', 'private', 'research', 'financial', 'government', 'association', 'other', name='org_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('industry_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['industry_id'], ['industries.id'], name=op.f('fk_organizations_industry_id_industries')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_organizations_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('name_key', name=op.f('uq_organizations_name_key'))
    )
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizations_industry_id'), ['industry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_region_id'), ['region_id'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.Enum('department', 'office', 'city_government', 'collective', name='unit_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_units_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('name', name=op.f('uq_units_name'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_region_id'), ['region_id'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=128), nullable=True),
    sa.Column('mobile', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('mobile_key', sa.String(length=16), nullable=True),
    sa.Column('email_key', sa.String(length=255), nullable=True),
    sa.Column('name_key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_contacts_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_mobile_key'), ['mobile_key'], unique=False)
        batch_op.create_index('ix_contacts_org_name_key', ['organization_id', 'name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_organization_id'), ['organization_id'], unique=False)

    op.create_table('event_industries',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('industry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_industries_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['industry_id'], ['industries.id'], name=op.f('fk_event_industries_industry_id_industries')),
    sa.PrimaryKeyConstraint('event_id', 'industry_id', name=op.f('pk_event_industries'))
    )
    op.create_table('event_organizers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('host', 'co_host', 'support', 'coordinator', name='organizer_role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_organizers_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_event_organizers_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_organizers')),
    sa.UniqueConstraint('event_id', 'unit_id', 'role', name=op.f('uq_event_organizers_event_id_unit_id_role'))
    )
    with op.batch_alter_table('event_organizers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_organizers_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_organizers_unit_id'), ['unit_id'], unique=False)

    op.create_table('event_quotas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('industry_id', sa.Integer(), nullable=True),
    sa.Column('min_projects', sa.Integer(), nullable=False),
    sa.Column('max_projects', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_quotas_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['industry_id'], ['industries.id'], name=op.f('fk_event_quotas_industry_id_industries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_quotas'))
    )
    with op.batch_alter_table('event_quotas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_quotas_event_id'), ['event_id'], unique=False)

    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_staff_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('login', name=op.f('uq_staff_login'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_unit_id'), ['unit_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_audit_entries_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)

    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_import_batches_event_id_events')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_import_batches_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_file_hash'), ['file_hash'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'invited', 'confirmed', 'attended', 'declined', name='invitation_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_invitations_contact_id_contacts')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_invitations_event_id_events')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_invitations_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_invitations_event_contact', ['event_id', 'contact_id'], unique=True, sqlite_where=sa.text('contact_id IS NOT NULL'), postgresql_where=sa.text('contact_id IS NOT NULL'))
        batch_op.create_index('uq_invitations_event_org_level', ['event_id', 'organization_id'], unique=True, sqlite_where=sa.text('contact_id IS NULL'), postgresql_where=sa.text('contact_id IS NULL'))

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('investor_id', sa.Integer(), nullable=True),
    sa.Column('industry_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('park', sa.String(length=128), nullable=True),
    sa.Column('signing_form', sa.Enum('agreement', 'contract', name='signing_form', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('contract_on', sa.Date(), nullable=True),
    sa.Column('signing_event_id', sa.Integer(), nullable=True),
    sa.Column('contracted_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('jobs', sa.Integer(), nullable=True),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=True),
    sa.Column('responsible_staff_id', sa.Integer(), nullable=True),
    sa.Column('planned_construction_on', sa.Date(), nullable=True),
    sa.Column('planned_production_on', sa.Date(), nullable=True),
    sa.Column('stage', sa.Enum('lead', 'negotiating', 'signed', 'construction', 'production', 'results', name='stage', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('stage_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('active', 'stalled', 'terminated', name='project_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['industry_id'], ['industries.id'], name=op.f('fk_projects_industry_id_industries')),
    sa.ForeignKeyConstraint(['investor_id'], ['organizations.id'], name=op.f('fk_projects_investor_id_organizations')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_projects_region_id_regions')),
    sa.ForeignKeyConstraint(['responsible_staff_id'], ['staff.id'], name=op.f('fk_projects_responsible_staff_id_staff')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['units.id'], name=op.f('fk_projects_responsible_unit_id_units')),
    sa.ForeignKeyConstraint(['signing_event_id'], ['events.id'], name=op.f('fk_projects_signing_event_id_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('ref', name=op.f('uq_projects_ref'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_industry_id'), ['industry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_investor_id'), ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_responsible_staff_id'), ['responsible_staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_responsible_unit_id'), ['responsible_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_signed_on'), ['signed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_signing_event_id'), ['signing_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_status'), ['status'], unique=False)

    op.create_table('followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('visit', 'call', 'meeting', 'coordination', name='followup_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=True),
    sa.Column('next_on', sa.Date(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_followups_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_followups_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followups'))
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followups_happened_on'), ['happened_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_project_id'), ['project_id'], unique=False)

    op.create_table('import_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_import_changes_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_changes'))
    )
    with op.batch_alter_table('import_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_changes_batch_id'), ['batch_id'], unique=False)

    op.create_table('project_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('funds_in_place', 'investment_completed', name='figure_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_figures_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_project_figures_recorded_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_figures'))
    )
    with op.batch_alter_table('project_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_figures_project_id'), ['project_id'], unique=False)

    op.create_table('stage_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('lead', 'negotiating', 'signed', 'construction', 'production', 'results', name='stage', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('kind', sa.Enum('advance', 'correction', name='step_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('retracted', sa.Boolean(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['corrects_id'], ['stage_steps.id'], name=op.f('fk_stage_steps_corrects_id_stage_steps')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_stage_steps_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_stage_steps_recorded_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_steps'))
    )
    with op.batch_alter_table('stage_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_steps_project_id'), ['project_id'], unique=False)

    op.create_table('status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'stalled', 'terminated', name='project_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_status_changes_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_status_changes_recorded_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_changes'))
    )
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_changes_project_id'), ['project_id'], unique=False)

    op.create_table('problems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=True),
    sa.Column('followup_id', sa.Integer(), nullable=True),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], name=op.f('fk_problems_followup_id_followups')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_problems_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_problems_recorded_by_id_staff')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['units.id'], name=op.f('fk_problems_responsible_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problems'))
    )
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problems_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problems_project_id'))

    op.drop_table('problems')
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_changes_project_id'))

    op.drop_table('status_changes')
    with op.batch_alter_table('stage_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_steps_project_id'))

    op.drop_table('stage_steps')
    with op.batch_alter_table('project_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_figures_project_id'))

    op.drop_table('project_figures')
    with op.batch_alter_table('import_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_changes_batch_id'))

    op.drop_table('import_changes')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followups_project_id'))
        batch_op.drop_index(batch_op.f('ix_followups_happened_on'))

    op.drop_table('followups')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_status'))
        batch_op.drop_index(batch_op.f('ix_projects_stage'))
        batch_op.drop_index(batch_op.f('ix_projects_signing_event_id'))
        batch_op.drop_index(batch_op.f('ix_projects_signed_on'))
        batch_op.drop_index(batch_op.f('ix_projects_responsible_unit_id'))
        batch_op.drop_index(batch_op.f('ix_projects_responsible_staff_id'))
        batch_op.drop_index(batch_op.f('ix_projects_region_id'))
        batch_op.drop_index(batch_op.f('ix_projects_investor_id'))
        batch_op.drop_index(batch_op.f('ix_projects_industry_id'))

    op.drop_table('projects')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('uq_invitations_event_org_level', sqlite_where=sa.text('contact_id IS NULL'), postgresql_where=sa.text('contact_id IS NULL'))
        batch_op.drop_index('uq_invitations_event_contact', sqlite_where=sa.text('contact_id IS NOT NULL'), postgresql_where=sa.text('contact_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_invitations_organization_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_event_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_contact_id'))

    op.drop_table('invitations')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batches_file_hash'))

    op.drop_table('import_batches')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_unit_id'))

    op.drop_table('staff')
    with op.batch_alter_table('event_quotas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_quotas_event_id'))

    op.drop_table('event_quotas')
    with op.batch_alter_table('event_organizers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_organizers_unit_id'))
        batch_op.drop_index(batch_op.f('ix_event_organizers_event_id'))

    op.drop_table('event_organizers')
    op.drop_table('event_industries')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_organization_id'))
        batch_op.drop_index('ix_contacts_org_name_key')
        batch_op.drop_index(batch_op.f('ix_contacts_mobile_key'))
        batch_op.drop_index(batch_op.f('ix_contacts_email_key'))

    op.drop_table('contacts')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_region_id'))

    op.drop_table('units')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_region_id'))
        batch_op.drop_index(batch_op.f('ix_organizations_industry_id'))

    op.drop_table('organizations')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_region_id'))
        batch_op.drop_index(batch_op.f('ix_events_programme_id'))
        batch_op.drop_index(batch_op.f('ix_events_parent_id'))

    op.drop_table('events')
    op.drop_table('regions')
    op.drop_table('programmes')
    op.drop_table('industries')
