"""The exit codes of every ``python -m ctsync`` command (docs/operations.md, "Exit codes")."""
from __future__ import annotations

OK = 0
PARTIAL = 1  # export: some of what exists cannot be expressed in the config
BAD_INPUT = 2  # nothing was read or written
PROBLEM = 3  # a job is unhealthy, or verify's user was not provisioned
MISSING = 4  # a declared direction has no job
DECLINED = 5  # release-deletes or restart not confirmed
