"""ctsync: Entra ID cross-tenant synchronization as code. The program lives in components/program.py."""
import pulumi

from components.program import main
from providers.sdk.runtime import all_registered

main()
# An asynchronous end, run before the SDK's own end-of-program wait (providers/sdk/runtime.py says why).
pulumi.run(all_registered)
