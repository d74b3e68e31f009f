"""university partners, API tokens, and students' consent to share with their university

Revision ID: c4a1e2f30014
Revises: 9d14a30f459c
Create Date: 2026-12-01 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import placement.models._types


# revision identifiers, used by Alembic.
revision = 'c4a1e2f30014'
down_revision = '9d14a30f459c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('university_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.String(length=80), nullable=False),
    sa.Column('created_at', placement.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_university_partners')),
    sa.UniqueConstraint('university_id', name=op.f('uq_university_partners_university_id'))
    )
    op.create_table('university_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('job_title', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['university_partners.id'], name=op.f('fk_university_contacts_partner_id_university_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_university_contacts'))
    )
    with op.batch_alter_table('university_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_university_contacts_partner_id'), ['partner_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', placement.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', placement.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', placement.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', placement.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_api_tokens_expires_after_created')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['university_partners.id'], name=op.f('fk_api_tokens_partner_id_university_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('key_id', name=op.f('uq_api_tokens_key_id'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_partner_id'), ['partner_id'], unique=False)

    with op.batch_alter_table('student_profiles', schema=None) as batch_op:
        # Every existing student starts not sharing: consent is off until they give it.
        batch_op.add_column(sa.Column('shares_with_university', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('sharing_changed_at', placement.models._types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('student_profiles', schema=None) as batch_op:
        batch_op.drop_column('sharing_changed_at')
        batch_op.drop_column('shares_with_university')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_partner_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('university_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_university_contacts_partner_id'))

    op.drop_table('university_contacts')
    op.drop_table('university_partners')
