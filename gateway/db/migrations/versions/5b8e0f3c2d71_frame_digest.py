"""frames keep the SHA-256 of their bytes, so an idempotency key reused for another frame is refused

Frames stored before have none and answer a retry as before.

Revision ID: 5b8e0f3c2d71
Revises: e7a3c95d1f04
Create Date: 2026-11-28 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5b8e0f3c2d71"
down_revision = "e7a3c95d1f04"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("frames", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("frames", schema=None) as batch_op:
        batch_op.drop_column("sha256")
