import sys

from cfct_backup.cli import main

sys.exit(main())
