"""Alembic migrations of the records database, run by the store on open (`upgrade head`)."""
