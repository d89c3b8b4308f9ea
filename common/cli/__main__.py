"""``python -m common.cli`` runs the ``motcua`` command line."""

import sys

from common.cli.main import main

sys.exit(main())
