"""Alembic migrations of the gateway database (applied at start and by ``varta admin migrate``)."""
