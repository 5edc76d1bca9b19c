"""Ingestion: sources, fetching, deduplication and origins."""
