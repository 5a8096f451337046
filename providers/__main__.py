"""The ``ctsync`` provider plugin (what bin/pulumi-resource-ctsync starts): the composition root that
hands the resource catalogue to the framework's gRPC server."""
import sys

from providers.framework.provider import GraphProvider
from providers.framework.server import serve
from providers.resources import CATALOGUE

serve(GraphProvider(CATALOGUE), sys.argv[1:])
