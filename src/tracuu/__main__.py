"""`python -m tracuu` runs the CLI."""
import sys

from tracuu.cli import main

sys.exit(main())
