"""supervision orders (督办单) and their replies; the record of reminders sent

- supervision_orders: an order about a project (or one of its problems) to a responsible unit, with a
  reply deadline; closed when a reply is accepted. Versioned and audited.
- supervision_replies: a unit's replies, each accepted or not by a reviewer.
- reminder_deliveries: what crm remind sent to whom, once a day per item and recipient.
- PostgreSQL: a login of a city or park sees the orders addressed to its units or about its projects
  (row-level security as in 0007).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ALL = "(SELECT crm_scope_units()) IS NULL"
MINE = f"({ALL} OR unit_id = ANY (COALESCE((SELECT crm_scope_units()), '{{}}')) " \
       "OR project_id IN (SELECT id FROM projects))"
POLICIES = {
    'supervision_orders': MINE,
    'supervision_replies': f"({ALL} OR order_id IN (SELECT id FROM supervision_orders))",
}


def upgrade() -> None:
    op.create_table(
        'supervision_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('problem_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['closed_by_id'], ['staff.id'], name=op.f('fk_supervision_orders_closed_by_id_staff')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['staff.id'], name=op.f('fk_supervision_orders_issued_by_id_staff')),
        sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_supervision_orders_problem_id_problems')),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_supervision_orders_project_id_projects')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_supervision_orders_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_orders')),
    )
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_orders_problem_id'), ['problem_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_unit_id'), ['unit_id'], unique=False)
    op.create_table(
        'supervision_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('replied_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('replied_by_id', sa.Integer(), nullable=True),
        sa.Column('accepted', sa.Boolean(), nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['staff.id'], name=op.f('fk_supervision_replies_decided_by_id_staff')),
        sa.ForeignKeyConstraint(['order_id'], ['supervision_orders.id'],
                                name=op.f('fk_supervision_replies_order_id_supervision_orders'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['replied_by_id'], ['staff.id'], name=op.f('fk_supervision_replies_replied_by_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_replies')),
    )
    with op.batch_alter_table('supervision_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_replies_order_id'), ['order_id'], unique=False)
    op.create_table(
        'reminder_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=128), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('item_key', sa.String(length=128), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_deliveries')),
        sa.UniqueConstraint('recipient', 'channel', 'item_key', 'day',
                            name=op.f('uq_reminder_deliveries_recipient_channel_item_key_day')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        for table, rule in POLICIES.items():
            op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
            op.execute(f'CREATE POLICY {table}_all ON {table} FOR ALL USING ({rule}) WITH CHECK ({rule})')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in POLICIES:
            op.execute(f'DROP POLICY IF EXISTS {table}_all ON {table}')
    op.drop_table('reminder_deliveries')
    op.drop_table('supervision_replies')
    op.drop_table('supervision_orders')
