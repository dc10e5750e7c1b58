"""statistics cache

Revision ID: 0004_stats
Revises: 0003_register
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_stats"
down_revision: str | None = "0003_register"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statistics_cache",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("table_id", sa.String(length=32), nullable=False),
        sa.Column("municipality_code", sa.String(length=8), nullable=False),
        sa.Column("query_key", sa.String(length=64), nullable=False),
        sa.Column("query_json", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("data_period", sa.String(length=40), nullable=True),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("data_date_text", sa.String(length=40), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("statistics_cache", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statistics_cache_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_statistics_cache_table_id"), ["table_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statistics_cache_municipality_code"), ["municipality_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_statistics_cache_query_key"), ["query_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_statistics_cache_fetched_at"), ["fetched_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statistics_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statistics_cache_fetched_at"))
        batch_op.drop_index(batch_op.f("ix_statistics_cache_query_key"))
        batch_op.drop_index(batch_op.f("ix_statistics_cache_municipality_code"))
        batch_op.drop_index(batch_op.f("ix_statistics_cache_table_id"))
        batch_op.drop_index(batch_op.f("ix_statistics_cache_source"))
    op.drop_table("statistics_cache")
