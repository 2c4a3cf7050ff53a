"""resident reports: photos and videos residents send to the council or the police

Revision ID: 9058a6f977c3
Revises: bae75b5c672e
Create Date: 2026-11-26 04:03:30.946309
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gateway.db.types

revision = "9058a6f977c3"
down_revision = "bae75b5c672e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resident_reports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", gateway.db.types.UTCDateTime(), nullable=False),
        sa.Column("submitted_by_key_id", sa.Integer(), nullable=False),
        sa.Column("addressed_to", sa.String(length=40), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=True),
        sa.Column("observed_at", gateway.db.types.UTCDateTime(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=False),
        sa.Column("reviewed_by_key_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", gateway.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["addressed_to"],
            ["organisations.id"],
            name=op.f("fk_resident_reports_addressed_to_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["camera_id"],
            ["cameras.id"],
            name=op.f("fk_resident_reports_camera_id_cameras"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_reports")),
    )
    with op.batch_alter_table("resident_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_reports_addressed_to"), ["addressed_to"], unique=False)
        batch_op.create_index(batch_op.f("ix_resident_reports_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_resident_reports_submitted_by_key_id"), ["submitted_by_key_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("resident_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resident_reports_submitted_by_key_id"))
        batch_op.drop_index(batch_op.f("ix_resident_reports_created_at"))
        batch_op.drop_index(batch_op.f("ix_resident_reports_addressed_to"))

    op.drop_table("resident_reports")
