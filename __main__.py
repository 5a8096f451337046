"""ctsync: Entra ID cross-tenant synchronization as code. The program lives in components/program.py."""
import asyncio

import pulumi

from components.program import collect_garbage_rarely, program

collect_garbage_rarely()
# In a task of its own: the SDK records, for every resource, each frame down to the interpreter's
# entry point (the language host's script, runpy, the SDK's own runner), and those frames were about
# half of each resource's state. A task starts at the event loop, so only the program's frames remain.
pulumi.run(lambda: asyncio.ensure_future(program()))
