"""The directions a stack declares, and each one's synchronization job as it is now in Graph.

A job is found as the provider's take-over finds it, by natural key and not through Pulumi state:
the source tenant's configuration apps of the cross-tenant synchronization template, the one whose
secrets name the target (``CompanyId``), and its Azure2Azure job. So the commands work on any
checkout, with or without the stack's state, and never touch it.
"""
from __future__ import annotations

from dataclasses import dataclass

from msgraph.generated.models.synchronization_job import SynchronizationJob

from providers.graph.paths import jobs_builder
from providers.graph.session import TenantGraph
from providers.resources.configuration_app import TEMPLATE_ID
from providers.resources.sync_job import JOB_TEMPLATE
from providers.synchronization.instances import shared_template_instances
from stackconfig import DirectionalSync, StackConfig, Tenant


class DirectionError(ValueError):
    """--from/--to (or --direction) name no direction of the stack."""


@dataclass(frozen=True)
class Direction:
    source: Tenant
    target: Tenant
    sync: DirectionalSync

    @property
    def name(self) -> str:
        return f"{self.source.alias} -> {self.target.alias}"

    @property
    def label(self) -> str:
        """Aliases and tenant ids: what every message about a direction names."""
        return f"{self.name} ({self.source.tenant_id} -> {self.target.tenant_id})"


@dataclass(frozen=True)
class LiveJob:
    direction: Direction
    service_principal_id: str
    app_display_name: str
    job: SynchronizationJob

    @property
    def job_id(self) -> str:
        # Graph always answers a job with its id; an answer without one was refused as incomplete.
        return self.job.id or ""


def declared(config: StackConfig) -> list[Direction]:
    return [Direction(config.tenants[s.source], config.tenants[s.target], s) for s in config.syncs]


def chosen(config: StackConfig, source: str | None, target: str | None) -> list[Direction]:
    """The declared directions, or the one ``source`` -> ``target`` (aliases); DirectionError otherwise."""
    directions = declared(config)
    if source is None and target is None:
        return directions
    for alias in (source, target):
        if alias is not None and alias not in config.tenants:
            raise DirectionError(f"no tenant alias {alias!r} under ctsync:tenants (aliases: {', '.join(config.tenants)})")
    found = [d for d in directions if source in (None, d.source.alias) and target in (None, d.target.alias)]
    if not found:
        listed = ", ".join(d.name for d in directions) or "none"
        raise DirectionError(
            f"the stack declares no sync direction {source or '*'} -> {target or '*'} (declared: {listed}); "
            "add it under ctsync:sync or ctsync:topology"
        )
    return found


def parse_direction(text: str) -> tuple[str, str]:
    """``A:B`` -> (A, B)."""
    source, _, target = text.partition(":")
    if not source or not target:
        raise DirectionError(f"--direction {text!r} must be SOURCE:TARGET, two tenant aliases")
    return source, target


async def find_job(graph: TenantGraph, direction: Direction) -> LiveJob | None:
    """The direction's job in its source tenant; None when no configuration app targets the target
    or the app has no Azure2Azure job."""
    instances = await shared_template_instances(graph, TEMPLATE_ID)
    for instance in instances:
        if instance.company_id != direction.target.tenant_id:
            continue
        jobs = (await graph.call("GET", jobs_builder(graph, instance.service_principal_id))).value or []
        job = next((job for job in jobs if job.template_id == JOB_TEMPLATE), None)
        if job is not None:
            return LiveJob(direction, instance.service_principal_id, instance.display_name, job)
    return None
