"""Storage: SQLAlchemy models, the ledger repository and migrations."""
