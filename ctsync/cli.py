"""The ``python -m ctsync`` command line (run from the project root with the project's virtualenv)."""
from __future__ import annotations

import argparse
import asyncio
import datetime
import sys
from pathlib import Path

from ctsync import stackfile
from ctsync.discovery import TenantUnreadable, discover
from ctsync.export import Exported, export
from providers.graph.connection import connections_for
from providers.graph.session import GraphSession
from stackconfig import ConfigError, StackConfig

# Exit codes (docs/brownfield.md).
OK, PARTIAL, BAD_INPUT = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ctsync", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    export_command = commands.add_parser(
        "export", help="write ctsync:sync and ctsync:mto of a stack from what exists in its tenants (Graph reads only)"
    )
    export_command.add_argument("--stack", required=True, help="the stack: stacks/Pulumi.<stack>.yaml lists its tenants")
    export_command.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    export_command.add_argument("--allow-partial", action="store_true",
                                help="write even when some of what exists cannot be expressed in the config")
    args = parser.parse_args(argv)
    root = Path.cwd()
    if not (root / "Pulumi.yaml").is_file():
        return _fail(f"{root} is not the project root (no Pulumi.yaml): run python -m ctsync from there")
    return run_export(args.stack, args.dry_run, args.allow_partial, root)


def run_export(stack: str, dry_run: bool, allow_partial: bool, root: Path) -> int:
    try:
        document = stackfile.load(root, stack)
        config = stackfile.tenants(root, stack, document)
        declared = stackfile.already_declared(document)
        if declared and not dry_run:
            raise stackfile.StackFileError(
                f"{stackfile.stack_path(root, stack)} already declares {', '.join(declared)}; export writes into a "
                "stack file that lists only tenants (remove them, or see what it would write with --dry-run)"
            )
        exported = asyncio.run(_read(config))
    except ConfigError as error:
        return _fail("\n".join(f"{p.path}: {p.message}" + (f"; {p.fix}" if p.fix else "") for p in error.problems))
    except (stackfile.StackFileError, TenantUnreadable) as error:
        return _fail(str(error))
    _report(exported)
    sections = _sections(exported, stack)
    if dry_run:
        print(stackfile.sections_text(sections), end="")
        return PARTIAL if exported.gaps and not allow_partial else OK
    if exported.gaps and not allow_partial:
        print(f"ctsync export: {len(exported.gaps)} thing(s) above cannot be expressed in the config; the stack file "
              "was not written (--allow-partial writes the rest)", file=sys.stderr)
        return PARTIAL
    stackfile.write(root, stack, stackfile.with_sections(document, sections))
    print(f"ctsync export: wrote {len(exported.sync)} sync direction(s){' and the MTO' if exported.mto else ''} "
          f"into {stackfile.stack_path(root, stack)}", file=sys.stderr)
    return OK


async def _read(config: StackConfig) -> Exported:
    session = GraphSession(connections_for(config.tenants.values()))
    aliases = {tenant.tenant_id: alias for alias, tenant in config.tenants.items()}
    return export(await discover(session, list(aliases), aliases), aliases)


def _report(exported: Exported) -> None:
    for note in exported.notes:
        print(f"ctsync export: note: {note}", file=sys.stderr)
    for gap in exported.gaps:
        print(f"ctsync export: cannot express: {gap}", file=sys.stderr)


def _sections(exported: Exported, stack: str) -> dict:
    today = datetime.date.today().isoformat()
    header = f"Written by `python -m ctsync export --stack {stack}` on {today} from what exists in the tenants."
    sections = {"ctsync:sync": ([e.value for e in exported.sync], header, [e.origin for e in exported.sync])}
    if exported.mto:
        sections["ctsync:mto"] = (exported.mto.value, f"Written by ctsync export: {exported.mto.origin}.", [])
    return sections


def _fail(message: str) -> int:
    print(f"ctsync export: {message}", file=sys.stderr)
    return BAD_INPUT
