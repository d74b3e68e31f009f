"""Round gaps kept on the round: worked out once by the round's job, not by each page request

Revision ID: f1a2b3c40013
Revises: a8e5c6d70113
Create Date: 2026-12-01 13:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f1a2b3c40013"
down_revision = "a8e5c6d70113"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("matching_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gaps", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("matching_rounds", schema=None) as batch_op:
        batch_op.drop_column("gaps")
