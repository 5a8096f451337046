"""The topology: ctsync:topology's shorthand expanded into directions, and directions grouped into tenant pairs."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from .model import DirectionalSync, TenantPair
from .reader import REQUIRED, Node, member_alias
from .syncs import DIRECTION_KEYS, SETTINGS, Declaration, check_single_source, read_settings

TOPOLOGY_KEYS = ("kind", "hub", "members", "direction", "defaults")
KINDS = ("hubAndSpoke", "mesh")
DIRECTIONS = ("hubToSpokes", "spokesToHub", "both")
_HUB_ONLY_KEYS = ("hub", "direction")


def read_topology(node: Node, aliases: Collection[str]) -> list[Declaration]:
    if not node.present or not node.object(TOPOLOGY_KEYS):
        return []
    kind = node.at("kind").choice(KINDS)
    defaults = node.at("defaults")
    settings = _read_defaults(defaults)
    if settings is None:
        return []  # reported where it is
    if kind == "hubAndSpoke":
        directions, origin = _hub_and_spoke(node, aliases)
    elif kind == "mesh":
        directions, origin = _mesh(node, aliases), f"{node.path} (mesh)"
    else:
        return []
    check_single_source(defaults.at("scope"), settings["scope"], [source for source, _ in directions])
    return [Declaration(source, target, settings, node.path, origin, f"{node.path}.defaults.scope")
            for source, target in directions]


def _read_defaults(node: Node) -> dict[str, Any] | None:
    """The settings of every direction the topology makes; validated like a ctsync:sync entry's."""
    if node.present and not node.object((*DIRECTION_KEYS, *SETTINGS)):
        return None
    for key in DIRECTION_KEYS:
        if node.at(key).present:
            node.at(key).report("is decided by the topology", "remove it: hub, members and direction decide")
    return read_settings(node)


def _hub_and_spoke(node: Node, aliases: Collection[str]) -> tuple[list[tuple[str, str]], str]:
    hub = node.at("hub").alias(aliases)
    direction = node.at("direction").choice(DIRECTIONS)
    spokes = _members(node.at("members"), aliases, minimum=1, hub=hub)
    if hub is None or direction is None:
        return [], ""
    return hub_and_spoke(hub, spokes, direction), f"{node.path} (hubAndSpoke, {direction})"


def _mesh(node: Node, aliases: Collection[str]) -> list[tuple[str, str]]:
    for key in _HUB_ONLY_KEYS:
        if node.at(key).present:
            node.at(key).report("is only used with kind hubAndSpoke", "remove it")
    return mesh(_members(node.at("members"), aliases, minimum=2, hub=None))


def _members(node: Node, aliases: Collection[str], minimum: int, hub: str | None) -> tuple[str, ...]:
    members = node.distinct(lambda item: member_alias(item, aliases, hub, "hub"), default=REQUIRED)
    # Counting what was written, not what was valid, keeps one bad alias from also reporting "too few".
    if isinstance(node.value, (list, tuple)) and len(node.value) < minimum:
        node.report(f"needs at least {minimum} tenant{'s' if minimum > 1 else ''}", "list tenant aliases")
    return members or ()


def hub_and_spoke(hub: str, spokes: Iterable[str], direction: str) -> list[tuple[str, str]]:
    """(source, target) directions between a hub and its spokes."""
    spokes = list(spokes)
    outward = [(hub, spoke) for spoke in spokes] if direction in ("hubToSpokes", "both") else []
    inward = [(spoke, hub) for spoke in spokes] if direction in ("spokesToHub", "both") else []
    return outward + inward


def mesh(members: Iterable[str]) -> list[tuple[str, str]]:
    """Every ordered (source, target) pair of distinct members."""
    members = list(members)
    return [(source, target) for source in members for target in members if source != target]


def pair_up(syncs: Iterable[DirectionalSync]) -> tuple[TenantPair, ...]:
    """Group directional syncs by unordered tenant pair, sorted by the pair's aliases."""
    by_pair: dict[tuple[str, str], dict[tuple[str, str], DirectionalSync]] = {}
    for sync in syncs:
        a, b = sorted((sync.source, sync.target))
        directions = by_pair.setdefault((a, b), {})
        if (sync.source, sync.target) in directions:
            raise ValueError(f"{sync.source} -> {sync.target} is given twice")
        directions[(sync.source, sync.target)] = sync
    return tuple(
        TenantPair(a=a, b=b, a_to_b=directions.get((a, b)), b_to_a=directions.get((b, a)))
        for (a, b), directions in sorted(by_pair.items())
    )
