"""The Microsoft clouds a tenant can live in, with the sign-in host, Graph endpoint and Graph token
scope that belong together in each (https://learn.microsoft.com/en-us/graph/deployments)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cloud:
    name: str
    authority_host: str
    graph_endpoint: str

    @property
    def graph_scope(self) -> str:
        """The client-credentials scope of Graph in this cloud: its resource URI plus /.default."""
        return f"{self.graph_endpoint}/.default"


CLOUDS = {
    cloud.name: cloud
    for cloud in (
        Cloud("global", "https://login.microsoftonline.com", "https://graph.microsoft.com"),
        Cloud("usGovernment", "https://login.microsoftonline.us", "https://graph.microsoft.us"),
        Cloud("usGovernmentDoD", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us"),
        Cloud("china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"),
    )
}
DEFAULT_CLOUD = "global"
# Sign-in hosts Microsoft runs: azure-identity validates them through instance discovery; any other
# host (a private authority, the bundled emulator) is used as declared.
MICROSOFT_AUTHORITY_HOSTS = frozenset(cloud.authority_host for cloud in CLOUDS.values())
