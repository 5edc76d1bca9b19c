"""The REST API and the dashboard server (FastAPI), started by ``claimledger serve``."""
