"""A synchronization job: its schedule, schema, status as Graph shows it, and the engine's memory
of what it has provisioned (docs/graph-notes.md#jobs)."""
from __future__ import annotations

import uuid

from ..clock import NEVER, iso
from .schema import TEMPLATE_ID, GroupMapping, UserMapping, compile_group_mapping, compile_user_mapping, default_schema

JOB_SETTINGS = [
    {"name": "AzureIngestionAttributeOptimization", "value": "False"},
    {"name": "LookaheadQueryEnabled", "value": "False"},
]
RESET_FLAGS = {"None", "ConnectorDataStore", "Escrows", "Watermark", "QuarantineState", "Full", "ForceDeletes"}
DEFAULT_RESET = {"QuarantineState", "Watermark", "Escrows"}
TOO_MANY_DELETES = "TooManyDeletes"
# Quarantined runs are retried after 6 h, 12 h, then daily (application-provisioning-quarantine-status).
QUARANTINE_RETRY_HOURS = (6, 12, 24)


def new_job_id(tenant_id: str) -> str:
    return f"{TEMPLATE_ID}.{tenant_id.replace('-', '')}.{uuid.uuid4()}"


def parse_reset_scope(value: object) -> set[str]:
    if isinstance(value, list):
        value = ",".join(str(item) for item in value)
    flags = {flag.strip() for flag in str(value or "").split(",") if flag.strip()}
    lookup = {flag.lower(): flag for flag in RESET_FLAGS}
    unknown = {flag for flag in flags if flag.lower() not in lookup}
    if unknown:
        raise ValueError(f"Unknown resetScope flag(s): {', '.join(sorted(unknown))}.")
    parsed = {lookup[flag.lower()] for flag in flags} - {"None"}
    return parsed or set(DEFAULT_RESET)


class Job:
    def __init__(self, job_id: str) -> None:
        self.id = job_id
        self.schedule_state = "Disabled"
        self.schema = default_schema(job_id)
        self.mapping: UserMapping = compile_user_mapping(self.schema)
        # The engine's memory (docs/graph-notes.md#target-users): source user -> target user it provisioned, the
        # source version last evaluated (the watermark), and users this job soft-deleted.
        self.provisioned: dict[str, str] = {}
        self.provisioned_groups: dict[str, str] = {}  # source group -> target group
        self.watermark: dict[str, int] = {}
        self.deprovisioned: dict[str, str] = {}
        self.force_deletes = False
        self.quarantine: dict | None = None
        self.quarantine_retry_at = 0.0
        self.has_run = False
        self.successive_failures = 0
        self.last_execution: dict | None = None
        self.last_successful_execution: dict | None = None
        self.last_execution_with_exports: dict | None = None
        self.steady_first = NEVER
        self.steady_last = NEVER

    # -- saved worlds (emulator/snapshot.py): the compiled mapping is derived from the schema --
    def __getstate__(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key != "mapping"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("provisioned_groups", {})  # worlds saved before group provisioning
        self.mapping = compile_user_mapping(self.schema)

    @property
    def group_mapping(self) -> GroupMapping:
        return compile_group_mapping(self.schema)

    # -- schedule -------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self.schedule_state == "Active"

    def start(self) -> None:
        self.schedule_state = "Active"
        self.quarantine = None

    def pause(self) -> None:
        self.schedule_state = "Disabled"

    def restart(self, flags: set[str]) -> None:
        if flags & {"Watermark", "Full"}:
            self.watermark.clear()
        if flags & {"ConnectorDataStore", "Full"}:
            self.provisioned.clear()
            self.provisioned_groups.clear()
            self.deprovisioned.clear()
            self.watermark.clear()
        if flags & {"QuarantineState", "Full"}:
            self.quarantine = None
        if "ForceDeletes" in flags:
            self.force_deletes = True
            if self.quarantine and self.quarantine["reason"] == TOO_MANY_DELETES:
                self.quarantine = None
        self.schedule_state = "Active"

    def replace_schema(self, schema: dict, mapping: UserMapping) -> None:
        """A schema PUT restarts provisioning: everyone is re-evaluated on the next cycle."""
        self.schema = schema
        self.mapping = mapping
        self.watermark.clear()

    # -- quarantine -----------------------------------------------------------------------
    def enter_quarantine(self, reason: str, code: str, message: str, now: float) -> None:
        series = (self.quarantine or {}).get("seriesCount", 0) + 1
        hours = QUARANTINE_RETRY_HOURS[min(series, len(QUARANTINE_RETRY_HOURS)) - 1]
        self.quarantine = {
            "currentBegan": iso(now),
            "nextAttempt": iso(now + hours * 3600),
            "reason": reason,
            "seriesBegan": (self.quarantine or {}).get("seriesBegan", iso(now)),
            "seriesCount": series,
            "error": {"code": code, "message": message, "tenantActionable": True},
        }
        self.quarantine_retry_at = now + hours * 3600

    def quarantine_blocks(self, now: float) -> bool:
        """TooManyDeletes waits for an admin (restart with ForceDeletes); other quarantines retry
        on their back-off schedule."""
        if self.quarantine is None:
            return False
        return self.quarantine["reason"] == TOO_MANY_DELETES or now < self.quarantine_retry_at

    # -- status ---------------------------------------------------------------------------
    def record_execution(self, execution: dict, exported: bool) -> None:
        self.has_run = True
        self.last_execution = execution
        if execution["state"] == "Failed":
            self.successive_failures += 1
            return
        self.successive_failures = 0
        self.last_successful_execution = execution
        if exported:
            self.last_execution_with_exports = execution
        if execution["state"] != "Succeeded":
            return  # entries failed (escrowed): not a steady state
        if self.steady_first == NEVER:
            self.steady_first = execution["timeEnded"]
        self.steady_last = execution["timeEnded"]

    def status_code(self) -> str:
        if self.quarantine is not None:
            return "Quarantine"
        if not self.started:
            return "Paused"
        return "Active" if self.has_run else "NotRun"

    def _synchronized_counts(self) -> list[dict]:
        counts = [{"key": "User", "value": len(self.provisioned)}]
        return counts + ([{"key": "Group", "value": len(self.provisioned_groups)}] if self.provisioned_groups else [])

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "templateId": TEMPLATE_ID,
            "schedule": {"expiration": None, "interval": "PT40M", "state": self.schedule_state},
            "status": {
                "code": self.status_code(),
                "countSuccessiveCompleteFailures": self.successive_failures,
                "escrowsPruned": False,
                "lastExecution": self.last_execution,
                "lastSuccessfulExecution": self.last_successful_execution,
                "lastSuccessfulExecutionWithExports": self.last_execution_with_exports,
                "progress": [],
                "quarantine": self.quarantine,
                "steadyStateFirstAchievedTime": self.steady_first,
                "steadyStateLastAchievedTime": self.steady_last,
                "synchronizedEntryCountByType": self._synchronized_counts() if self.has_run else [],
                "troubleshootingUrl": None,
            },
            "synchronizationJobSettings": [dict(setting) for setting in JOB_SETTINGS],
        }
