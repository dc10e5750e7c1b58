"""register: § 7 facts, exemption kind and training dates per physician; planned list reductions per hjemmel;
decided and planned hjemler

Revision ID: 0003_register
Revises: 0002_web
Create Date: 2026-11-29 18:45:00

Every new column is nullable or has a server default, so existing snapshots keep their rows: the data migration
fills `planned_reduction` with 0 and `exemption_kind` with «annet» where a physician was already marked exempt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_register"
down_revision: str | None = "0002_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_reduction", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("reduction_reason", sa.String(length=32), nullable=True))
    with op.batch_alter_table("physician", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exemption_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("clinical_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("legevakter_done", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("municipal_gp_years", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("training_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("training_end", sa.Date(), nullable=True))
    op.create_table(
        "planned_position",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Date(), nullable=True),
        sa.Column("replaces", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["snapshot_id"], ["register_snapshot.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("snapshot_id", "id"),
    )
    # Data migration: an exemption stored before kinds existed is kept, with the kind «annet» (other).
    op.execute(
        sa.text(
            "UPDATE physician SET exemption_kind = 'other' WHERE legevakt_exempt = :yes AND exemption_kind IS NULL"
        ).bindparams(yes=True)
    )


def downgrade() -> None:
    op.drop_table("planned_position")
    with op.batch_alter_table("physician", schema=None) as batch_op:
        for column in (
            "training_end",
            "training_start",
            "municipal_gp_years",
            "legevakter_done",
            "clinical_months",
            "exemption_kind",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.drop_column("reduction_reason")
        batch_op.drop_column("planned_reduction")
