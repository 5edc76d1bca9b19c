"""Exception hierarchy and the catalogue of coded messages.

Every user-facing error has a code (``E101``...) and a one-line message
template here, in one place. Edges (CLI, API) render ``str(err)``, which is
``"E101 <item>: <reason>"``. ``docs/errors.md`` documents every code; a test
keeps the two in step.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Error codes with their message templates."""

    # 1xx ingest
    E101 = "cannot read file: {reason}"
    E102 = "not valid UTF-8 text (binary or wrong encoding)"
    E103 = "empty document"
    E104 = "malformed JSON line {line}: {reason}"
    E105 = "document too large ({size} bytes > {limit})"
    E106 = "broken feed: {reason}"
    E107 = "HTTP error: {reason}"
    E108 = "unsupported source: {reason}"
    E109 = "no main text found in HTML"
    E110 = "malformed WARC archive: {reason}"
    E111 = "refused URL: {reason}"
    E112 = "invalid date: {reason}"
    E113 = "malformed fact-check: {reason}"
    # 2xx extraction and models
    E201 = "model not found: {reason}"
    E202 = "malformed dataset: {reason}"
    # 3xx store
    E301 = "cannot open store: {reason}"
    E302 = "store write failed: {reason}"
    E303 = "database unavailable: {reason}"
    E304 = "disk full: {reason}"
    # 4xx config and input
    E401 = "invalid configuration: {reason}"
    E402 = "invalid input: {reason}"
    # 5xx lookups and access
    E501 = "not found"
    E502 = "authentication required"
    E503 = "forbidden: {reason}"


class ClaimledgerError(Exception):
    """Base of every error the project raises on purpose."""

    def __init__(self, code: Code, item: str, **fields: object) -> None:
        self.code = code
        self.item = item
        reason = code.value.format(**fields) if fields else code.value
        # One line always: reasons often quote exception text with newlines.
        self.reason = " ".join(reason.split())
        self.item = " ".join(item.split())
        super().__init__(f"{code.name} {self.item}: {self.reason}")


class IngestError(ClaimledgerError):
    """An input could not be read or parsed."""


class ExtractError(ClaimledgerError):
    """Extraction or a model failed."""


class StoreError(ClaimledgerError):
    """The store could not be opened or written."""


class ConfigError(ClaimledgerError):
    """The configuration or a command-line value is invalid."""


class NotFound(ClaimledgerError):
    """A record asked for by id does not exist."""


class AccessDenied(ClaimledgerError):
    """A write was attempted without the right token, or a path is outside the allowed roots."""
