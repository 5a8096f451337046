import sys

from ctsync.cli import main

sys.exit(main())
