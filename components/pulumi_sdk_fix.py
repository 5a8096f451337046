"""A workaround for a leak in pulumi 3.272's `serialize_provider` (pulumi/dynamic/dynamic.py).

Every dynamic resource the program constructs serialises its provider; each call wraps
`pickle._Pickler._batch_setitems` in one more sorting wrapper and never restores it. The chain
grows by one per resource, so serialising costs O(resources so far) and, after about 980 dynamic
resources in one process (below a 100-tenant hub-and-spoke), pickling fails with RecursionError.
pulumi 3.274.1 restores both patched methods after each call (its `finally:` block); this installs
the same restore around 3.272's function.

Remove this module when requirements.txt pins a pulumi with the fix. Its natural home is
providers/framework/dynamic.py, next to the other dynamic-resource plumbing.
"""
from __future__ import annotations

import pickle

from pulumi.dynamic import dynamic

_UNPATCHED = dynamic.serialize_provider


def _serialize_provider_restoring_pickler(provider) -> str:
    batch_setitems, save_dict = pickle._Pickler._batch_setitems, pickle._Pickler.save_dict
    try:
        return _UNPATCHED(provider)
    finally:
        pickle._Pickler._batch_setitems, pickle._Pickler.save_dict = batch_setitems, save_dict


def install() -> None:
    """Idempotent. `Resource.__init__` looks the function up in its module at each call."""
    dynamic.serialize_provider = _serialize_provider_restoring_pickler
