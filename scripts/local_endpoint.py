"""The local stack's emulator endpoint, for scripts/run-local.sh.

    python scripts/local_endpoint.py port stacks/Pulumi.local.yaml   # the port its graphEndpoint names
    python scripts/local_endpoint.py free 18080                      # exit 0 when 127.0.0.1:18080 is free

The port is written once, in the stack file (every tenant's graphEndpoint is the emulator's), so the
emulator run-local starts and the endpoint the stack deploys to cannot disagree.
"""
from __future__ import annotations

import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml


def port_of(stack_file: Path) -> int:
    tenants = (yaml.safe_load(stack_file.read_text()) or {}).get("config", {}).get("ctsync:tenants", {})
    endpoints = {str(tenant.get("graphEndpoint")) for tenant in tenants.values()}
    if len(endpoints) != 1:
        raise SystemExit(f"{stack_file}: every tenant's graphEndpoint must be the one emulator's, found {sorted(endpoints)}")
    url = urlsplit(endpoints.pop())
    if url.hostname != "127.0.0.1" or url.port is None:
        raise SystemExit(f"{stack_file}: graphEndpoint must be http://127.0.0.1:<port>, the emulator run-local starts")
    return url.port


def is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the emulator binds (http.server's allow_reuse_address): only a listener makes it busy,
        # not the TIME_WAIT connections an emulator that just stopped leaves behind.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(argv: list[str]) -> int:
    command, argument = argv
    if command == "port":
        print(port_of(Path(argument)))
        return 0
    return 0 if is_free(int(argument)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
