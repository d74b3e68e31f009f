"""change requests: students ask the coordinators to change a profile a round uses

Revision ID: a8e5c6d70113
Revises: e6c3a4b50112
Create Date: 2026-12-01 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import placement.models._types


# revision identifiers, used by Alembic.
revision = 'a8e5c6d70113'
down_revision = 'e6c3a4b50112'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('created_at', placement.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', placement.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'done', 'declined')", name=op.f('ck_change_requests_status_known')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_change_requests_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['student_profiles.id'], name=op.f('fk_change_requests_student_id_student_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_requests'))
    )
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_requests_student_id'), ['student_id'], unique=False)


def downgrade():
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_requests_student_id'))
        batch_op.drop_index(batch_op.f('ix_change_requests_status'))

    op.drop_table('change_requests')
