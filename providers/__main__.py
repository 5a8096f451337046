"""The ``ctsync`` provider plugin (what bin/pulumi-resource-ctsync starts): the composition root that
hands the resource catalogue and the components to the framework's gRPC server."""
import sys

from components.package import COMPONENTS, SCHEMA_TYPES
from providers.framework.provider import GraphProvider
from providers.framework.server import serve
from providers.resources import CATALOGUE
from providers.version import PLUGIN_DOWNLOAD_URL, VERSION

provider = GraphProvider(
    CATALOGUE, version=VERSION, components=COMPONENTS, types=SCHEMA_TYPES, download_url=PLUGIN_DOWNLOAD_URL
)
serve(provider, sys.argv[1:])
