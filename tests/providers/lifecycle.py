"""The lifecycle every Graph resource must pass, as the Pulumi engine would drive it:

create -> preview with no change -> update in place -> replace where declared -> refresh detects an
out-of-band change (drift) -> delete (and refresh then reports it gone).

Modelled on pulumi-go-provider's ``integration.LifeCycleTest``; run with either driver of
``drivers.py`` so the same case passes in-process and through the real dynamic-provider host.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol



class RequestCounter(Protocol):
    """Counts the requests that reached Graph (the emulator's request log serves both drivers)."""

    def clear(self) -> None: ...

    def count(self) -> dict[str, int]:
        """{"requests": n, "writes": n_non_get}"""


@dataclass
class Lifecycle:
    type_name: str
    create: dict[str, Any]
    # Fields changed in place (no replace expected).
    update: dict[str, Any] = field(default_factory=dict)
    # Fields whose change must replace the object.
    replace: dict[str, Any] = field(default_factory=dict)
    # Changes the object out of band, given (id, outputs); refresh must then show these fields changed.
    drift: Callable[[str, dict], None] | None = None
    drifted: tuple[str, ...] = ()
    # Asserts the object is gone from the tenant after delete, given (id, outputs).
    gone: Callable[[str, dict], None] | None = None

    def run(self, driver, requests: RequestCounter) -> dict[str, Any]:
        """Returns what it measured: Graph requests per step."""
        self.requests = requests
        measured: dict[str, Any] = {}
        inputs, outs, id = self._create(driver, measured)
        self._no_change_preview(driver, id, inputs, outs, measured)
        if self.update:
            inputs, outs = self._update(driver, id, inputs, outs, measured)
        if self.drift:
            self._refresh_sees_drift(driver, id, inputs, outs, measured)
        if self.replace:
            id, inputs, outs = self._replace(driver, id, inputs, outs)
        self._delete(driver, id, outs, measured)
        return measured

    def _create(self, driver, measured):
        inputs, failures = driver.check({}, self.create)
        assert failures == [], failures
        self.requests.clear()
        id, outs = driver.create(inputs)
        measured["create"] = self.requests.count()
        assert id, "create returned no id"
        for name, value in self.create.items():
            assert _same(outs[name], value), (name, outs[name], value)
        return inputs, outs, id

    def _no_change_preview(self, driver, id, inputs, outs, measured):
        self.requests.clear()
        checked, failures = driver.check(inputs, inputs)
        assert failures == []
        outcome = driver.diff(id, outs, checked)
        assert not outcome.changes, f"a preview with no change showed a diff: {outcome}"
        measured["preview"] = self.requests.count()
        assert measured["preview"]["writes"] == 0, "a preview must never write"
        self.requests.clear()
        read_id, read_outs, _ = driver.read(id, outs)
        measured["refresh"] = self.requests.count()
        assert read_id == id
        assert measured["refresh"]["writes"] == 0, "a refresh must never write"
        assert not driver.diff(id, read_outs, checked).changes, "refresh of an unchanged object shows drift"

    def _update(self, driver, id, inputs, outs, measured):
        news, failures = driver.check(inputs, {**inputs, **self.update})
        assert failures == []
        outcome = driver.diff(id, outs, news)
        assert outcome.changes and outcome.replaces == [], outcome
        self.requests.clear()
        outs = driver.update(id, outs, news)
        measured["update"] = self.requests.count()
        read_id, read_outs, _ = driver.read(id, outs)
        for name, value in self.update.items():
            assert _same(read_outs[name], value), f"update of {name} did not reach the tenant"
        return news, outs

    def _refresh_sees_drift(self, driver, id, inputs, outs, measured):
        self.drift(id, outs)
        read_id, read_outs, read_inputs = driver.read(id, outs)
        assert read_id == id
        drifted = sorted(k for k in self.drifted if not _same(read_outs.get(k), outs.get(k)))
        assert drifted == sorted(self.drifted), f"refresh reported {drifted}, expected {self.drifted}"
        assert driver.diff(id, read_outs, inputs).changes, "the next preview must show the drift"
        # The next `up` puts it back.
        driver.update(id, read_outs, inputs)
        _, healed, _ = driver.read(id, outs)
        assert not driver.diff(id, healed, inputs).changes, "update did not undo the drift"

    def _replace(self, driver, id, inputs, outs):
        news, failures = driver.check(inputs, {**inputs, **self.replace})
        assert failures == []
        outcome = driver.diff(id, outs, news)
        assert sorted(outcome.replaces) == sorted(self.replace), outcome
        if outcome.delete_before_replace:
            driver.delete(id, outs)
            new_id, new_outs = driver.create(news)
        else:
            new_id, new_outs = driver.create(news)
            driver.delete(id, outs)
        assert driver.read(new_id, new_outs)[0] == new_id
        return new_id, news, new_outs

    def _delete(self, driver, id, outs, measured):
        self.requests.clear()
        driver.delete(id, outs)
        measured["delete"] = self.requests.count()
        assert driver.read(id, outs)[0] is None, "refresh after delete must report the object gone"
        if self.gone:
            self.gone(id, outs)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b
