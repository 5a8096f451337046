"""CTSYNC_BACKOFF_SCALE: unset, waits are spent in full; a fraction shortens them; anything else is
refused with the variable's name and the fix rather than silently waiting some other time."""
from __future__ import annotations

import pytest

from providers.graph import backoff


@pytest.mark.parametrize(("value", "seconds"), [(None, 8.0), ("1", 8.0), ("0.05", 0.4), ("0", 0.0)])
def test_a_wait_is_scaled_by_the_variable(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv(backoff.SCALE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(backoff.SCALE_VARIABLE, value)
    assert backoff.scaled(8.0) == pytest.approx(seconds)


@pytest.mark.parametrize(("value", "says"), [("fast", "is not a number"), ("2", "outside 0..1"), ("-1", "outside 0..1")])
def test_a_bad_value_is_refused_with_the_fix(monkeypatch, value, says):
    monkeypatch.setenv(backoff.SCALE_VARIABLE, value)
    with pytest.raises(ValueError) as refused:
        backoff.scaled(1.0)
    assert says in str(refused.value)
    assert f"CTSYNC_BACKOFF_SCALE={value!r}" in str(refused.value) and "unset it" in str(refused.value)
