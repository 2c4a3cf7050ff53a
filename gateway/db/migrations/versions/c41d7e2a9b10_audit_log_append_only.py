"""audit log append-only: the database refuses changes and deletes outside the retention purge

Revision ID: c41d7e2a9b10
Revises: 9058a6f977c3
Create Date: 2026-11-26 06:40:00
"""

from __future__ import annotations

from alembic import op

from gateway.audit import guard

revision = "c41d7e2a9b10"
down_revision = "9058a6f977c3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    guard.install(op.get_bind())


def downgrade() -> None:
    guard.remove(op.get_bind())
