"""The engine tier: every query ctsync sends through the Pulumi CLI is one Graph documents."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _only_documented_queries(documented_queries_only):
    """See tests/conftest.py: a query Graph would refuse fails the test that sent it."""
