"""security: server-side sessions, login throttling, audit log indexes and field-level audit diffs

Revision ID: 0006_sec
Revises: 0005_plan
Create Date: 2026-11-29 18:40:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from legeplan.storage.audit_diff import changes

revision: str = "0006_sec"
down_revision: str | None = "0005_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _shrink_audit_rows() -> None:
    """Older audit rows stored whole registers before and after; keep only the fields that changed."""
    connection = op.get_bind()
    audit = sa.table(
        "web_audit",
        sa.column("id", sa.Integer),
        sa.column("before_json", sa.Text),
        sa.column("after_json", sa.Text),
    )
    rows = connection.execute(
        sa.select(audit.c.id).where(audit.c.before_json.is_not(None), audit.c.after_json.is_not(None))
    ).all()
    for (row_id,) in rows:
        before_json, after_json = connection.execute(
            sa.select(audit.c.before_json, audit.c.after_json).where(audit.c.id == row_id)
        ).one()
        before, after = changes(json.loads(before_json), json.loads(after_json))
        connection.execute(
            sa.update(audit)
            .where(audit.c.id == row_id)
            .values(
                before_json=json.dumps(before, ensure_ascii=False, sort_keys=True),
                after_json=json.dumps(after, ensure_ascii=False, sort_keys=True),
            )
        )


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "web_login_attempt",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_attempt", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
    with op.batch_alter_table("web_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_audit_username"), ["username"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_audit_action"), ["action"], unique=False)
    _shrink_audit_rows()


def downgrade() -> None:
    with op.batch_alter_table("web_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_audit_action"))
        batch_op.drop_index(batch_op.f("ix_web_audit_username"))
    op.drop_table("web_login_attempt")
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.drop_column("totp_secret")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))
    op.drop_table("web_session")
