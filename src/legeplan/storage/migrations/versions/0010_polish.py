"""email_outbox.retry_at: when a failed mail is due to be tried again (back-off on a timer)

Revision ID: 0010_polish
Revises: 0009_planweb
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_polish"
down_revision: str | None = "0009_planweb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retry_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_email_outbox_retry_at"), ["retry_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_outbox_retry_at"))
        batch_op.drop_column("retry_at")
