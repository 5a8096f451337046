"""The emulator tier: a fresh emulator per test, seeded with Contoso, Fabrikam and Northwind."""
from __future__ import annotations

import pytest

from .flows import two_tenants


@pytest.fixture
def seeded(emulator):
    emulator.admin.load_fixture(two_tenants())
    return emulator
