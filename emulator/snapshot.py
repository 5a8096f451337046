"""A whole emulated world (tenants and multitenant organizations) saved to bytes and loaded back.

For test data that must outlive the code that made it: e.g. the Graph objects behind a Pulumi state
recorded by an older ctsync. Pending clock events (MTO transitions) are not saved: advance the clock
past them before saving. Load only snapshots you made yourself (this is pickle).
"""
from __future__ import annotations

import dataclasses
import pickle

from .state import EmulatorState, Tenant

_FORMAT = 1


def save_world(state: EmulatorState) -> bytes:
    with state.lock:
        if state.clock.pending():
            raise ValueError("the emulator clock has pending events; advance it past them before saving")
        return pickle.dumps({"format": _FORMAT, "tenants": state.tenants, "mtos": state.mtos})


def load_world(state: EmulatorState, data: bytes) -> None:
    world = pickle.loads(data)
    if world.get("format") != _FORMAT:
        raise ValueError(f"snapshot format {world.get('format')!r} is not {_FORMAT}")
    with state.lock:
        state.tenants.clear()
        state.tenants.update({tenant_id: _complete(tenant) for tenant_id, tenant in world["tenants"].items()})
        state.mtos.clear()
        state.mtos.update(world["mtos"])


def _complete(tenant: Tenant) -> Tenant:
    """A tenant saved by an older emulator gets what it did not have yet (policies, audits...) at
    their defaults: a snapshot outlives the code that made it."""
    for field in dataclasses.fields(Tenant):
        if field.name not in vars(tenant) and field.default_factory is not dataclasses.MISSING:
            setattr(tenant, field.name, field.default_factory())
    return tenant
