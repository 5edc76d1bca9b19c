"""Fixtures of the verdict engine tests."""

from __future__ import annotations

import pytest
from verify_factories import FakeAffiliations, default_affiliations


@pytest.fixture
def aff() -> FakeAffiliations:
    """The small actor tree of the unit tests."""
    return default_affiliations()
