"""plate reads are indexed by their text: a search for a plate finds the passes any of whose frames read it

Revision ID: 3d6a2f8b1c90
Revises: 5b8e0f3c2d71
Create Date: 2026-11-28 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "3d6a2f8b1c90"
down_revision = "5b8e0f3c2d71"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plate_reads", schema=None) as batch_op:
        batch_op.create_index("ix_plate_reads_text", ["text"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plate_reads", schema=None) as batch_op:
        batch_op.drop_index("ix_plate_reads_text")
