"""Indexes for national size: the round review's keyset pages

Revision ID: e6c3a4b50112
Revises: d5b2f3a40012
Create Date: 2026-12-01 06:10:00

"""

from alembic import op

revision = "e6c3a4b50112"
down_revision = "d5b2f3a40012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index("ix_proposals_round_score", ["round_id", "score", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_proposals_round_score")
