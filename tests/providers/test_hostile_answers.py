"""Answers that are not Graph's, as gateways and cut connections give them (emulator faults
`gatewayErrorRate`, `truncateRate`, `incompleteRate`): a read asks again and carries on; what persists, or hits a
write, ends in a clear error naming the tenant, the operation and what to do, never a library's
traceback; and the next run converges with nothing duplicated."""
from __future__ import annotations

import pytest

from providers.graph.session import _missing
from tests.emulator.flows import CONTOSO, FABRIKAM, raw, two_tenants
from tests.providers.drivers import GrpcDriver, ProviderError

PARTNERS = "/policies/crossTenantAccessPolicy/partners"


@pytest.fixture
def config(emulator, tenants_config):
    emulator.admin.load_fixture(two_tenants())
    return tenants_config(CONTOSO, FABRIKAM)


def partner_driver(config) -> tuple[GrpcDriver, dict]:
    driver = GrpcDriver("PartnerAccess", config)
    inputs, _ = driver.check({}, {"tenant_id": FABRIKAM, "partner_tenant_id": CONTOSO, "inbound_auto_redeem": True})
    return driver, inputs


def partners_in_fabrikam(emulator) -> list[str]:
    return [p["tenantId"] for p in raw(emulator, "GET", PARTNERS, emulator.admin.token(FABRIKAM))[2]["value"]]


@pytest.mark.parametrize("fault, code", [("gatewayErrorRate", "UnreadableAnswer"), ("truncateRate", "TruncatedAnswer"),
                                         ("incompleteRate", "IncompleteAnswer")])
def test_a_read_that_keeps_failing_says_so_plainly(config, emulator, fault, code):
    driver, inputs = partner_driver(config)
    id, outs = driver.create(inputs)
    emulator.admin.set_faults(**{fault: 1.0}, pathPattern="/partners")
    with pytest.raises(ProviderError) as failure:
        driver.read(id, outs)
    message = str(failure.value)
    assert f"tenant {FABRIKAM}" in message and f"GET {PARTNERS}/{CONTOSO}" in message and code in message
    assert "asked 3 times" in message and "run pulumi up again later" in message
    assert "Traceback" not in message and "kiota" not in message.lower()


def test_a_write_whose_answer_is_cut_off_says_it_may_be_done_and_the_rerun_converges(config, emulator):
    driver, inputs = partner_driver(config)
    emulator.admin.set_faults(truncateRate=1.0, pathPattern=f"{PARTNERS}$")  # the POST's answer, not the reads
    with pytest.raises(ProviderError, match="may or may not have been applied: run pulumi up again"):
        driver.create(inputs)
    emulator.admin.clear_faults()
    assert partners_in_fabrikam(emulator) == [CONTOSO], "the write was done"
    id, outs = driver.create(inputs)  # the next up finds it and takes it over
    assert outs["inbound_auto_redeem"] is True and partners_in_fabrikam(emulator) == [CONTOSO], "nothing duplicated"


def test_reads_carry_on_through_occasional_bad_answers(config, emulator):
    driver, inputs = partner_driver(config)
    id, outs = driver.create(inputs)
    emulator.admin.set_faults(seed=3, gatewayErrorRate=0.1, truncateRate=0.1, incompleteRate=0.1, pathPattern="/partners/")
    for _ in range(10):
        read_id, read_outs, _ = driver.read(id, outs)
        assert read_id == id and read_outs["inbound_auto_redeem"] is True
    statuses = [e["status"] for e in emulator.admin.requests() if e["path"].endswith(f"/partners/{CONTOSO}")]
    assert 502 in statuses, "the run met gateway pages"
    assert len(statuses) > 10, "and asked again"


def test_a_collection_without_its_value_is_not_read_as_empty(config, emulator):
    """An empty list would make ctsync create what exists (a duplicate) or export nothing."""
    import asyncio

    from providers.graph.connection import connections_from_stack_config
    from providers.graph.errors import GraphError
    from providers.graph.session import GraphSession, all_pages

    partner_driver(config)[0].create(partner_driver(config)[1])
    emulator.admin.set_faults(incompleteRate=1.0, pathPattern=f"{PARTNERS}$")

    async def list_partners():
        graph = GraphSession(connections_from_stack_config(config)).tenant(FABRIKAM)
        return await all_pages(graph, graph.sdk.policies.cross_tenant_access_policy.partners)

    with pytest.raises(GraphError) as failure:
        asyncio.run(list_partners())
    assert failure.value.code == "IncompleteAnswer" and "the answer lacks its collection (value is null)" in str(failure.value)
    emulator.admin.clear_faults()
    assert [p.tenant_id for p in asyncio.run(list_partners())] == [CONTOSO]


def test_answers_slower_than_the_timeout_say_so_for_a_read_and_for_a_write(config, emulator, monkeypatch):
    monkeypatch.setenv("CTSYNC_GRAPH_TIMEOUT", "0.5")
    driver, inputs = partner_driver(config)
    emulator.admin.set_faults(latencyMs=1500, pathPattern=f"{PARTNERS}$")  # the POST of a new entry
    with pytest.raises(ProviderError) as write:
        driver.create(inputs)
    assert "NoAnswer" in str(write.value) and "may or may not have been applied: run pulumi up again" in str(write.value)
    emulator.admin.set_faults(latencyMs=1500, pathPattern="/partners/")  # every read of it
    with pytest.raises(ProviderError) as read:
        driver.create(inputs)
    assert "NoAnswer" in str(read.value) and "asked 3 times" in str(read.value) and f"tenant {FABRIKAM}" in str(read.value)
    emulator.admin.clear_faults()
    driver.create(inputs)
    assert partners_in_fabrikam(emulator) == [CONTOSO], "what the slow write did is taken over, not doubled"


RAW_ANSWERS = {
    "an entity with its id": ({"@odata.context": "x/$metadata#applications/$entity", "id": "a"}, None),
    "an entity without its id": ({"@odata.context": "x/$metadata#applications/$entity"}, "its id"),
    "a partner entry, keyed by tenant": ({"@odata.context": "x/$metadata#partners/$entity", "tenantId": "t"}, None),
    "instantiate's answer, ids inside": (
        {"@odata.context": "x/$metadata#microsoft.graph.applicationServicePrincipal",
         "application": {"id": "a"}, "servicePrincipal": {"id": "s"}}, None),
    "instantiate's answer, a service principal without its id": (
        {"@odata.context": "x/$metadata#microsoft.graph.applicationServicePrincipal",
         "application": {"id": "a"}, "servicePrincipal": {}}, "the id of its servicePrincipal"),
    "a collection with null for its value": ({"value": None}, "its collection (value is null)"),
}


@pytest.mark.parametrize("answer,lacks", RAW_ANSWERS.values(), ids=RAW_ANSWERS.keys())
def test_what_a_raw_answer_must_carry(answer, lacks):
    assert _missing(answer) == lacks
