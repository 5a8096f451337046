"""The lifecycle every Graph resource must pass, as the Pulumi engine would drive it:

create -> import by id (as `pulumi import`) finds the same object with no diff -> preview with no
change -> update in place -> refresh detects an out-of-band change (drift) -> replace where declared
(the detailed diff names the property) -> delete (refresh and import then find nothing).

Modelled on pulumi-go-provider's ``integration.LifeCycleTest``; run with either driver of
``drivers.py``: the plugin's gRPC server in this process, or the plugin started by its launcher.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pulumi.runtime.proto import provider_pb2


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
    # Inputs an import cannot read back (documented on the resource).
    not_imported: tuple[str, ...] = ()
    # False for what delete gives back rather than removes (a job's schema, its schedule): an
    # import still finds it while the job exists.
    gone_after_delete: bool = True

    def run(self, driver, requests: RequestCounter) -> dict[str, Any]:
        """Returns what it measured: Graph requests per step."""
        self.requests = requests
        measured: dict[str, Any] = {}
        inputs, outs, id = self._create(driver, measured)
        self._import(driver, id, inputs, measured)
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

    def _import(self, driver, id, inputs, measured):
        self.requests.clear()
        imported_id, imported, imported_inputs = driver.import_(id)
        measured["import"] = self.requests.count()
        assert imported_id == id, f"import of {id} found {imported_id}"
        assert measured["import"]["writes"] == 0, "an import must never write"
        assert imported_inputs, "an import needs the inputs it found"
        outcome = driver.diff(id, imported, inputs)
        assert sorted(outcome.detailed) == sorted(n for n in self.not_imported if inputs.get(n)), (
            f"an imported object differs from what made it: {outcome}"
        )

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
        assert set(outcome.detailed) == {k for k in self.update if inputs.get(k) != news[k]}
        assert set(outcome.detailed.values()) == {provider_pb2.PropertyDiff.UPDATE}
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
        assert {name: outcome.detailed[name] for name in self.replace} == {
            name: provider_pb2.PropertyDiff.UPDATE_REPLACE for name in self.replace
        }, "the detailed diff names each property that forces the replacement"
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
        if self.gone_after_delete:
            assert driver.import_(id)[0] is None, "an import of a deleted object must find nothing"
        if self.gone:
            self.gone(id, outs)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b
