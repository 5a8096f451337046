"""`python -m emulator serve --port PORT [--fixture FILE] [--portal-made] [--ca-file FILE [--tls-port PORT]]`: serve until
SIGTERM/SIGINT. With --ca-file, sign-in (Entra ID's token endpoint) is also served over TLS."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from .fixture_loader import FixtureError
from .portal import make_portal_setup
from .server import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TLS_PORT, EmulatorServer


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m emulator", description="Microsoft Graph emulator")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve Graph v1.0 and the admin API on loopback")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--fixture", help="YAML file with tenants, users, groups, memberships and app registrations")
    serve.add_argument("--ca-file", help="serve over TLS too, writing the CA certificate clients must trust here")
    serve.add_argument("--tls-port", type=int, default=DEFAULT_TLS_PORT)
    serve.add_argument("--portal-made", action="store_true",
                       help="with the local fixture: add contoso -> fabrikam as the Entra admin center leaves it "
                            "(docs/brownfield.md walks it)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    try:
        server = EmulatorServer(port=args.port, fixture=args.fixture, host=args.host, ca_file=args.ca_file,
                                tls_port=args.tls_port).start()
    except (FixtureError, OSError) as exc:
        print(f"Graph emulator failed to start: {exc}", file=sys.stderr, flush=True)
        return 1
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    tls = f" and {server.authority_url} (CA certificate: {server.ca_file})" if server.ca_file else ""
    if args.portal_made:
        made = make_portal_setup(server.base_url)
        print(f"portal-made setup: contoso -> fabrikam, app {made['application']}, job {made['job']}", flush=True)
    print(f"Graph emulator listening on {server.base_url}{tls}", flush=True)
    while not stopping.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
