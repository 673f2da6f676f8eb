"""Baton's storage: SQLModel tables, repositories, migrations and importers."""
