"""claimledger: a local-first claim ledger."""

__version__ = "0.1.0"
