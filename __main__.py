"""ctsync: Entra ID cross-tenant synchronization as code. The program lives in components/program.py."""
from components.program import main

main()
