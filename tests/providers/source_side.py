"""The source side of one sync (Contoso -> Fabrikam) built with the real resources, in process: what the
tests of the configuration app, its secrets, job and schedule stand on."""
from __future__ import annotations

from tests.emulator.flows import CONTOSO, FABRIKAM
from tests.providers.drivers import GrpcDriver

APP_NAME = "ctsync to Fabrikam"


def create(config: dict[str, str], type_name: str, **inputs) -> tuple[str, dict]:
    """Creates one resource as `pulumi up` would (check, then create); returns (id, outputs)."""
    driver = GrpcDriver(type_name, config)
    checked, failures = driver.check({}, inputs)
    assert failures == [], failures
    return driver.create(checked)


def allow_sync(config: dict[str, str], inbound_auto_redeem: bool = True, identity_sync: bool = True) -> None:
    """What validateCredentials requires, made with PartnerAccess and IdentitySyncPolicy; either
    target-side setting can be left out to make the target not ready."""
    create(config, "PartnerAccess", tenant_id=FABRIKAM, partner_tenant_id=CONTOSO, inbound_auto_redeem=inbound_auto_redeem)
    if identity_sync:
        create(config, "IdentitySyncPolicy", tenant_id=FABRIKAM, source_tenant_id=CONTOSO, display_name="Contoso")
    create(config, "PartnerAccess", tenant_id=CONTOSO, partner_tenant_id=FABRIKAM, outbound_auto_redeem=True)


def configuration_app(config: dict[str, str], display_name: str = APP_NAME) -> dict:
    return create(config, "ConfigurationApp", tenant_id=CONTOSO, display_name=display_name)[1]


def secrets_inputs(service_principal_id: str, **overrides) -> dict:
    inputs = {"tenant_id": CONTOSO, "service_principal_id": service_principal_id, "target_tenant_id": FABRIKAM}
    return {**inputs, **overrides}


def job(config: dict[str, str], service_principal_id: str) -> tuple[str, dict]:
    return create(config, "SynchronizationJob", tenant_id=CONTOSO, service_principal_id=service_principal_id)


def faulted(log: list[dict]) -> dict[int, int]:
    """How many answers of each injected-fault status the emulator gave (to prove a fault run met faults)."""
    counts: dict[int, int] = {}
    for entry in log:
        if entry["status"] in (403, 404, 409, 429):
            counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    return counts
