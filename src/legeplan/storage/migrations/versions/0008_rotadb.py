"""living legevakt rota: legevakter, periods, rota versions and events, availability, requests, inbox, e-mail
outbox, calendar tokens; a login may be tied to a register physician (role lege)

Revision ID: 0008_rotadb
Revises: 0007_jobs
Create Date: 2026-11-29 21:15:53
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_rotadb"
down_revision: str | None = "0007_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_outbox_state"), ["state"], unique=False)

    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column("physician_id", sa.String(length=64), nullable=True),
        sa.Column("legevakt_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("read", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbox_message_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_message_physician_id"), ["physician_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_message_username"), ["username"], unique=False)

    op.create_table(
        "legevakt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("wish_deadline_days", sa.Integer(), server_default="14", nullable=False),
        sa.Column("auto_approve", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "calendar_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("legevakt_id", sa.Integer(), nullable=False),
        sa.Column("physician_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["legevakt_id"], ["legevakt.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("calendar_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_token_legevakt_id"), ["legevakt_id"], unique=False)

    op.create_table(
        "legevakt_member",
        sa.Column("legevakt_id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["legevakt_id"], ["legevakt.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("legevakt_id", "municipality_code"),
    )
    with op.batch_alter_table("legevakt_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legevakt_member_municipality_code"), ["municipality_code"], unique=False)

    op.create_table(
        "rota_period",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("legevakt_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("problem_json", sa.Text(), nullable=False),
        sa.Column("wish_deadline", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["legevakt_id"], ["legevakt.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rota_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rota_period_legevakt_id"), ["legevakt_id"], unique=False)

    op.create_table(
        "rota_availability",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("physician_id", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("shift_type", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["period_id"], ["rota_period.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rota_availability", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rota_availability_period_id"), ["period_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rota_availability_physician_id"), ["physician_id"], unique=False)

    op.create_table(
        "rota_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["rota_period.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rota_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rota_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_rota_event_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_rota_event_period_id"), ["period_id"], unique=False)

    op.create_table(
        "rota_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("from_physician", sa.String(length=64), nullable=False),
        sa.Column("to_physician", sa.String(length=64), nullable=True),
        sa.Column("shifts_json", sa.Text(), nullable=False),
        sa.Column("return_shifts_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("refusal", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["rota_period.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rota_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rota_request_from_physician"), ["from_physician"], unique=False)
        batch_op.create_index(batch_op.f("ix_rota_request_period_id"), ["period_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rota_request_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_rota_request_to_physician"), ["to_physician"], unique=False)

    op.create_table(
        "rota_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("assignments_json", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["rota_period.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period_id", "number", name="uq_rota_version_number"),
    )
    with op.batch_alter_table("rota_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rota_version_period_id"), ["period_id"], unique=False)

    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("physician_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("physician_municipality", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.drop_column("email")
        batch_op.drop_column("physician_municipality")
        batch_op.drop_column("physician_id")

    with op.batch_alter_table("rota_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rota_version_period_id"))

    op.drop_table("rota_version")
    with op.batch_alter_table("rota_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rota_request_to_physician"))
        batch_op.drop_index(batch_op.f("ix_rota_request_state"))
        batch_op.drop_index(batch_op.f("ix_rota_request_period_id"))
        batch_op.drop_index(batch_op.f("ix_rota_request_from_physician"))

    op.drop_table("rota_request")
    with op.batch_alter_table("rota_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rota_event_period_id"))
        batch_op.drop_index(batch_op.f("ix_rota_event_kind"))
        batch_op.drop_index(batch_op.f("ix_rota_event_at"))

    op.drop_table("rota_event")
    with op.batch_alter_table("rota_availability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rota_availability_physician_id"))
        batch_op.drop_index(batch_op.f("ix_rota_availability_period_id"))

    op.drop_table("rota_availability")
    with op.batch_alter_table("rota_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rota_period_legevakt_id"))

    op.drop_table("rota_period")
    with op.batch_alter_table("legevakt_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legevakt_member_municipality_code"))

    op.drop_table("legevakt_member")
    with op.batch_alter_table("calendar_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_token_legevakt_id"))

    op.drop_table("calendar_token")
    op.drop_table("legevakt")
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_message_username"))
        batch_op.drop_index(batch_op.f("ix_inbox_message_physician_id"))
        batch_op.drop_index(batch_op.f("ix_inbox_message_at"))

    op.drop_table("inbox_message")
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_outbox_state"))

    op.drop_table("email_outbox")
