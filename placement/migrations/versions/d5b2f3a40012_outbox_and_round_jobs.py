"""outbox messages; rounds run as jobs (queued status, stage, heartbeat)

Revision ID: d5b2f3a40012
Revises: c4a1e2f30014
Create Date: 2026-12-01 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import placement.models._types


revision = 'd5b2f3a40012'
down_revision = 'c4a1e2f30014'
branch_labels = None
depends_on = None

STAGES = "stage IS NULL OR stage IN ('queued', 'snapshot', 'scoring', 'solving', 'certifying', 'storing')"


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', placement.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', placement.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', placement.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error_kind', sa.String(length=80), nullable=True),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', placement.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('email', 'password_reset')", name=op.f('ck_outbox_messages_kind_known')),
    sa.CheckConstraint("state IN ('waiting', 'sending', 'sent', 'failed', 'dropped')", name=op.f('ck_outbox_messages_state_known')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_outbox_messages_offer_id_offers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_state_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index('uq_outbox_messages_reminder', ['offer_id', 'recipient'], unique=True, sqlite_where=sa.text("template = 'offer_reminder'"), postgresql_where=sa.text("template = 'offer_reminder'"))

    with op.batch_alter_table('matching_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('queued_at', placement.models._types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', placement.models._types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('run_token', sa.String(length=32), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_matching_rounds_status_known'), type_='check')
        batch_op.create_check_constraint(
            'status_known', "status IN ('draft', 'queued', 'running', 'completed', 'failed')"
        )
        batch_op.create_check_constraint('stage_known', STAGES)


def downgrade():
    with op.batch_alter_table('matching_rounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_matching_rounds_stage_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_matching_rounds_status_known'), type_='check')
        batch_op.create_check_constraint(
            'status_known', "status IN ('draft', 'running', 'completed', 'failed')"
        )
        batch_op.drop_column('run_token')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('queued_at')
        batch_op.drop_column('stage')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('uq_outbox_messages_reminder', sqlite_where=sa.text("template = 'offer_reminder'"), postgresql_where=sa.text("template = 'offer_reminder'"))
        batch_op.drop_index('ix_outbox_messages_state_due')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_offer_id'))

    op.drop_table('outbox_messages')
