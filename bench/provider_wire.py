#!/usr/bin/env python3
"""What the SDK's provider layer costs the plugin: each request's protobuf Struct goes through
``PropertyValue`` (the experimental provider layer) and then to plain values (framework/wire.py).
Measured against the direct conversion (protobuf's own ``MessageToDict``) on the inputs of the
largest resource (a synchronization schema with mappings and filters) and of the smallest, and
scaled to the 30-tenant bench's Check + Diff of every resource. Prints microseconds per request.

    python bench/provider_wire.py [--requests N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from google.protobuf import json_format  # noqa: E402
from pulumi.provider.experimental.property_value import PropertyValue  # noqa: E402

from providers.framework.wire import to_plain, to_properties  # noqa: E402

SCHEMA = {
    "tenant_id": "11111111-1111-4111-8111-111111111111", "service_principal_id": "aaaaaaaa-1111-4111-8111-111111111111",
    "job_id": "Azure2Azure.0123456789abcdef.aaaaaaaa-1111-4111-8111-111111111111", "user_type": "Member",
    "remove_disabled_users": True, "provision_groups": False, "flow_types": "Add, Update, Delete",
    "scope_filters": [{"attribute": "department", "operator": "EQUALS", "values": ["Sales", "Marketing"]}],
    "attribute_mappings": [{"target": f"extensionAttribute{i}", "constant": f"value {i}"} for i in range(8)],
    "unmanaged_attributes": [], "template_drift": [],
}
PARTNER = {"tenant_id": "11111111-1111-4111-8111-111111111111", "partner_tenant_id": "22222222-2222-4222-8222-222222222222",
           "trust_mfa": True, "trust_compliant_device": False, "trust_hybrid_joined_device": False,
           "inbound_auto_redeem": True, "outbound_auto_redeem": False}
RESOURCES_IN_BENCH = 493  # bench/engine_floor.py's 30-tenant hub-and-spoke
REQUESTS_PER_RESOURCE = 2  # Check and Diff on a no-change up


def per_request(convert, struct, requests: int) -> float:
    began = time.perf_counter()
    for _ in range(requests):
        convert(struct)
    return (time.perf_counter() - began) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    print(f"{'inputs':<10} {'SDK layer us':>13} {'direct us':>10} {'ratio':>6}")
    for name, values in (("schema", SCHEMA), ("partner", PARTNER)):
        struct = PropertyValue.marshal_map(to_properties(values))
        sdk = per_request(lambda s: to_plain(PropertyValue.unmarshal_map(s)).values, struct, args.requests)
        direct = per_request(json_format.MessageToDict, struct, args.requests)
        print(f"{name:<10} {sdk:>13.1f} {direct:>10.1f} {sdk / direct:>6.2f}")
        whole = sdk * RESOURCES_IN_BENCH * REQUESTS_PER_RESOURCE / 1e6
        print(f"{'':<10} {RESOURCES_IN_BENCH} resources x {REQUESTS_PER_RESOURCE} requests: {whole:.3f} s through the SDK layer "
              f"({(sdk - direct) * RESOURCES_IN_BENCH * REQUESTS_PER_RESOURCE / 1e6:+.3f} s against direct)")


if __name__ == "__main__":
    main()
