"""høring comments on the plan (plan_comment), plan documents made by report jobs (plan_document), the plan period

Revision ID: 0009_planweb
Revises: 0008_rotadb
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_planweb"
down_revision: str | None = "0008_rotadb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("period_end", sa.Integer(), nullable=True))
    op.create_table(
        "plan_comment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("chapter_id", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_comment_municipality_code"), ["municipality_code"], unique=False)
    op.create_table(
        "plan_document",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("text_version", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_b64", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_document_municipality_code"), ["municipality_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_document_municipality_code"))
    op.drop_table("plan_document")
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.drop_column("period_end")
        batch_op.drop_column("period_start")
    with op.batch_alter_table("plan_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_comment_municipality_code"))
    op.drop_table("plan_comment")
