"""The ``python -m ctsync`` command line (run from the project root with the project's virtualenv).

Every command reads the stack's config file (``stacks/Pulumi.<stack>.yaml``) and Graph; none reads or
edits Pulumi state. Exit codes (docs/operations.md): 0 fine; 1 export incomplete; 2 bad input,
nothing written; 3 a job is unhealthy, or verify's user was not provisioned; 4 a declared direction
has no job; 5 release-deletes or restart not confirmed.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from ctsync import audit, doctor, live, logs, mto_status, release, restart, stackfile, status, verify
from ctsync.discovery import PROGRESS as EXPORT_PROGRESS
from ctsync.discovery import discover
from ctsync.errors import TenantUnreadable, in_tenant
from ctsync.exits import BAD_INPUT, DECLINED, MISSING, OK, PARTIAL, PROBLEM
from ctsync.export import Exported, export
from ctsync.progress import Progress
from providers.graph.connection import connections_for
from providers.graph.session import GraphSession
from stackconfig import ConfigError, StackConfig
from stackconfig.values import is_guid, is_upn

_BAD_INPUT = (stackfile.StackFileError, TenantUnreadable, live.DirectionError, verify.UserNotFound, logs.SpanError)


NOT_CONFIRMED = "not confirmed: nothing was changed (pass --yes to confirm without a prompt)"
# What a subcommand runs: the parsed arguments and the project root in, the exit code out.
Command = Callable[[argparse.Namespace, Path], int]


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad argument said in one line (exit 2), like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stopped:  # --help (0), or a bad argument already said in one line (2)
        return int(stopped.code or 0)
    root = Path.cwd()
    if not (root / "Pulumi.yaml").is_file():
        return _fail(args.command, f"{root} is not the project root (no Pulumi.yaml): run python -m ctsync from there")
    run: Command = args.run
    try:
        return run(args, root)
    except ConfigError as error:
        return _fail(args.command, _listed(error))
    except _BAD_INPUT as error:
        return _fail(args.command, str(error))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ctsync", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, run: Command, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--stack", required=True, help="the stack: stacks/Pulumi.<stack>.yaml")
        sub.set_defaults(run=run)
        return sub

    export_command = command("export", _export, "write ctsync:sync and ctsync:mto of a stack from what exists in its tenants (Graph reads only)")
    export_command.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    export_command.add_argument("--allow-partial", action="store_true",
                                help="write even when some of what exists cannot be expressed in the config")
    status_command = command("status", _status, "every declared direction's job health, live from Graph (reads only); exit 0 when all are healthy")
    status_command.add_argument("--json", action="store_true", help="JSON for machines instead of the table")
    verify_command = command("verify", _verify, "provision one user now through a direction's job (for real) and show the target attributes set")
    _direction_arguments(verify_command)
    verify_command.add_argument("--user", required=True, type=_user, help="the source user's principal name or object id")
    logs_command = command("logs", _logs, "summary of the provisioning logs of both tenants of each direction (reads only)")
    logs_command.add_argument("--since", default="24h", help="how far back: 90m, 24h, 7d (default 24h)")
    logs_command.add_argument("--direction", help="only SOURCE:TARGET (tenant aliases)")
    logs_command.add_argument("--json", action="store_true", help="JSON for machines instead of the summary")
    logs_command.add_argument("--audit", action="store_true", help="the directory audit logs instead: who changed the "
                              "partner entries, policies, configuration apps and jobs, and when (a change in the admin "
                              "center shows as a user's)")
    release_command = command("release-deletes", _release, "show the deletions a job holds back (accidental-deletion threshold) and, once confirmed, apply them")
    _direction_arguments(release_command)
    release_command.add_argument("--yes", action="store_true", help="confirm without asking (CI)")
    restart_command = command("restart", _restart, "restart a direction's job with a reset scope (a write): watermark after a "
                              "mapping change, full after fixing matching, escrows, quarantine")
    _direction_arguments(restart_command)
    restart_command.add_argument("--scope", required=True, choices=sorted(restart.SCOPES), help="what the restart resets")
    restart_command.add_argument("--yes", action="store_true", help="confirm without asking (CI)")
    doctor_command = command("doctor", _doctor, "what will make sync fail or surprise its users, read from both tenants of "
                             "every direction (reads only): each with its tenant, object and fix; exit 3 on a blocking one")
    doctor_command.add_argument("--json", action="store_true", help="JSON for machines instead of the list")
    mto_command = command("mto-status", _mto_status, "the multitenant organisation now, live from Graph (reads only): each "
                          "tenant's role, state and change in transit (joins and removals take hours); exit 0 when none is")
    mto_command.add_argument("--json", action="store_true", help="JSON for machines instead of the table")
    return parser


def _user(value: str) -> str:
    """A user as Graph's /users/{id} takes it: an object id or a principal name, nothing else (``.``
    or ``?$top=5`` would address the collection)."""
    if not (is_guid(value) or is_upn(value)):
        raise argparse.ArgumentTypeError(f"{value!r} is not a user's object id (GUID) or principal name (name@domain)")
    return value


def _direction_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--from", dest="source", required=True, help="the source tenant's alias")
    sub.add_argument("--to", dest="target", required=True, help="the target tenant's alias")


# ---- export -------------------------------------------------------------------------------------

def _export(args: argparse.Namespace, root: Path) -> int:
    return run_export(args.stack, args.dry_run, args.allow_partial, root)


def run_export(stack: str, dry_run: bool, allow_partial: bool, root: Path) -> int:
    try:
        stack_file = stackfile.load(root, stack)
        config = stackfile.tenants(root, stack, stack_file.document)
        declared = stackfile.already_declared(stack_file)
        if declared and not dry_run:
            raise stackfile.StackFileError(
                f"{stack_file.path} already declares {', '.join(declared)}; export writes into a "
                "stack file that lists only tenants (remove them, or see what it would write with --dry-run)"
            )
        exported = asyncio.run(_read(config))
    except ConfigError as error:
        return _fail("export", _listed(error))
    except (stackfile.StackFileError, TenantUnreadable) as error:
        return _fail("export", str(error))
    _report(exported)
    sections = _sections(exported, stack)
    if dry_run:
        print(stackfile.sections_text(sections), end="")
        return PARTIAL if exported.gaps and not allow_partial else OK
    if exported.gaps and not allow_partial:
        EXPORT_PROGRESS.say(f"{len(exported.gaps)} thing(s) above cannot be expressed in the config; the stack file "
                            "was not written (--allow-partial writes the rest)")
        return PARTIAL
    try:
        stackfile.write(stack_file, stackfile.with_sections(stack_file.document, sections))
    except stackfile.StackFileError as error:
        return _fail("export", str(error))
    EXPORT_PROGRESS.say(f"wrote {len(exported.sync)} sync direction(s){' and the MTO' if exported.mto else ''} "
                        f"into {stack_file.path}")
    return OK


async def _read(config: StackConfig) -> Exported:
    session = _session(config)
    aliases = {tenant.tenant_id: alias for alias, tenant in config.tenants.items()}
    return export(await discover(session, list(aliases), aliases), aliases)


def _report(exported: Exported) -> None:
    for note in exported.notes:
        EXPORT_PROGRESS.say(f"note: {note}")
    for gap in exported.gaps:
        EXPORT_PROGRESS.say(f"cannot express: {gap}")


def _sections(exported: Exported, stack: str) -> dict[str, Any]:
    today = datetime.date.today().isoformat()
    header = f"Written by `python -m ctsync export --stack {stack}` on {today} from what exists in the tenants."
    sections: dict[str, tuple[Any, str, list[str]]] = {
        "ctsync:sync": ([e.value for e in exported.sync], header, [e.origin for e in exported.sync])}
    if exported.mto:
        sections["ctsync:mto"] = (exported.mto.value, f"Written by ctsync export: {exported.mto.origin}.", [])
    return sections


# ---- operations ---------------------------------------------------------------------------------

def _stack_config(root: Path, stack: str) -> StackConfig:
    return stackfile.stack_config(root, stack, stackfile.load(root, stack).document)


def _session(config: StackConfig) -> GraphSession:
    return GraphSession(connections_for(config.tenants.values()))


async def _job_of(session: GraphSession, direction: live.Direction) -> live.LiveJob | None:
    source = direction.source
    return await in_tenant(f"tenant {source.alias} ({source.tenant_id})", live.find_job(session.tenant(source.tenant_id), direction))


def _doctor(args: argparse.Namespace, root: Path) -> int:
    config = _stack_config(root, args.stack)
    progress = Progress("doctor")
    directions = live.declared(config)
    progress.say(f"reads both tenants of {len(directions)} direction(s); writes nothing")
    findings = asyncio.run(doctor.examine(_session(config), directions))
    print(doctor.as_json(findings) if args.json else doctor.as_table(findings), end="\n" if args.json else "")
    blocking = [finding for finding in findings if finding.severity == doctor.BLOCKING]
    progress.say(f"{len(blocking)} blocking, {len(findings) - len(blocking)} warning(s)")
    return PROBLEM if blocking else OK


def _mto_status(args: argparse.Namespace, root: Path) -> int:
    config = _stack_config(root, args.stack)
    progress = Progress("mto-status")
    if config.mto is None:
        progress.say(f"stack {args.stack} declares no ctsync:mto: nothing to check")
        return OK
    owner = config.tenants[config.mto.owner]
    name, rows = asyncio.run(in_tenant(f"tenant {owner.alias} ({owner.tenant_id})", mto_status.read_organisation(_session(config), config)))
    print(mto_status.as_json(name, rows) if args.json else mto_status.as_table(name, rows), end="" if not args.json else "\n")
    in_transit = [row.tenant for row in rows if row.verdict == mto_status.IN_TRANSIT]
    if in_transit:
        progress.say(f"still in transit: {', '.join(in_transit)}; Graph completes joins and removals within hours: run this again later")
        return PROBLEM
    return OK


def _status(args: argparse.Namespace, root: Path) -> int:
    config = _stack_config(root, args.stack)
    directions = live.declared(config)
    if not directions:
        status.PROGRESS.say(f"stack {args.stack} declares no sync direction: nothing to check")
        return OK
    health = asyncio.run(status.read_health(_session(config), directions, args.stack))
    status.PROGRESS.say(f"{sum(h.verdict == 'healthy' for h in health)} of {len(health)} direction(s) healthy")
    if args.json:
        print(status.as_json(args.stack, health))
    else:
        print(status.as_table(health), end="")
    code = status.exit_code(health)
    if code != OK:
        status.PROGRESS.say(f"`python -m ctsync doctor --stack {args.stack}` reads both tenants for what else blocks a sync "
                            "(invitation settings, missing scope groups, Conditional Access)")
    return code


def _verify(args: argparse.Namespace, root: Path) -> int:
    config = _stack_config(root, args.stack)
    [direction] = live.chosen(config, args.source, args.target)
    progress = Progress("verify")
    progress.say(f"provisions {args.user} through {direction.label} now, for real (provisionOnDemand of this one user)")

    async def run() -> verify.Outcome | None:
        session = _session(config)
        job = await _job_of(session, direction)
        if job is None:
            return None
        where = f"tenant {direction.source.alias} ({direction.source.tenant_id})"
        return await in_tenant(where, verify.verify(session.tenant(direction.source.tenant_id), job, args.user,
                                                    session.tenant(direction.target.tenant_id)))

    outcome = asyncio.run(run())
    if outcome is None:
        progress.say(f"{direction.label} has no synchronization job yet: `pulumi up -s {args.stack}` creates it")
        return MISSING
    print(verify.report(outcome, direction.name), end="")
    if not outcome.succeeded:
        progress.say(f"{outcome.user} was not provisioned: {outcome.result} ({outcome.error_code}: {outcome.error_message})")
        return PROBLEM
    return OK


def _logs(args: argparse.Namespace, root: Path) -> int:
    config = _stack_config(root, args.stack)
    source, target = live.parse_direction(args.direction) if args.direction else (None, None)
    directions = live.chosen(config, source, target)
    start = logs.since(args.since, datetime.datetime.now(datetime.UTC))

    async def read_jobs(session: GraphSession) -> dict[str, live.LiveJob | None]:
        jobs = await asyncio.gather(*(_job_of(session, d) for d in directions))
        return {d.name: j for d, j in zip(directions, jobs, strict=False)}

    if args.audit:
        async def changes() -> list[audit.Change]:
            session = _session(config)
            return await audit.read_changes(session, directions, await read_jobs(session), start)

        made = asyncio.run(changes())
        print(audit.as_json(args.stack, start, made) if args.json else audit.as_table(made, args.since), end="\n" if args.json else "")
        return OK

    async def run() -> list[logs.DirectionLog]:
        session = _session(config)
        return await logs.read_logs(session, directions, await read_jobs(session), start)

    found = asyncio.run(run())
    if args.json:
        print(json.dumps({"stack": args.stack, "since": start.isoformat(), "directions": [dataclasses.asdict(d) for d in found]}, indent=2))
    else:
        print(logs.as_table(found, args.since), end="")
    return OK


def _release(args: argparse.Namespace, root: Path) -> int:
    config = _stack_config(root, args.stack)
    [direction] = live.chosen(config, args.source, args.target)
    progress = Progress("release-deletes")

    async def run() -> int:
        session = _session(config)
        job = await _job_or_say(session, direction, progress, "nothing to release")
        if job is None:
            return MISSING
        graph = session.tenant(direction.source.tenant_id)
        hold = await in_tenant(f"tenant {direction.source.alias}", release.read_hold(graph, job))
        if not hold.holds_deletions:
            progress.say(f"{direction.label}: job {job.job_id} holds no deletions back "
                         f"(quarantine: {hold.reason or 'none'}); nothing to release")
            return OK
        print(release.listing(hold, direction.name, direction.target.alias), end="")
        if not (args.yes or _confirmed(len(hold.staged), direction)):
            progress.say(NOT_CONFIRMED)
            return DECLINED
        await in_tenant(f"tenant {direction.source.alias}", release.force_deletes(graph, job))
        progress.say(f"restarted job {job.job_id} with ForceDeletes: its next cycle applies the held deletions")
        return OK

    return asyncio.run(run())


def _restart(args: argparse.Namespace, root: Path) -> int:
    config = _stack_config(root, args.stack)
    [direction] = live.chosen(config, args.source, args.target)
    progress = Progress("restart")
    flags, effect = restart.SCOPES[args.scope]
    progress.say(f"restarts the job of {direction.label} with resetScope {flags}, a write to tenant "
                 f"{direction.source.alias}: {effect}")
    if not (args.yes or _asked(f"Restart the job of {direction.name} with resetScope {flags}?")):
        progress.say(NOT_CONFIRMED)
        return DECLINED

    async def run() -> int:
        session = _session(config)
        job = await _job_or_say(session, direction, progress, f"`pulumi up -s {args.stack}` creates it")
        if job is None:
            return MISSING
        graph = session.tenant(direction.source.tenant_id)
        await in_tenant(f"tenant {direction.source.alias}", restart.restart(graph, job, args.scope))
        progress.say(f"restarted job {job.job_id} with resetScope {flags}: {effect}")
        return OK

    return asyncio.run(run())


async def _job_or_say(session: GraphSession, direction: live.Direction, progress: Progress, otherwise: str) -> live.LiveJob | None:
    """The direction's job; None, said with what to do ``otherwise``, when it has none."""
    job = await _job_of(session, direction)
    if job is None:
        progress.say(f"{direction.label} has no synchronization job: {otherwise}")
    return job


def _confirmed(count: int, direction: live.Direction) -> bool:
    return _asked(f"Apply these {count} deletion(s) in {direction.target.alias}?")


def _asked(question: str) -> bool:
    """A person's yes on a terminal; never without one (a CI run must pass --yes)."""
    if not sys.stdin.isatty():
        return False
    return input(f"{question} Type yes to confirm: ").strip().lower() == "yes"


def _listed(error: ConfigError) -> str:
    return "\n".join(f"{p.path}: {p.message}" + (f"; {p.fix}" if p.fix else "") for p in error.problems)


def _fail(command: str, message: str) -> int:
    print(f"ctsync {command}: {message}", file=sys.stderr)
    return BAD_INPUT
