"""``python -m toolkit`` runs the ``bitext`` command line."""
import sys

from toolkit.cli import main

sys.exit(main())
