"""Entry point of `python -m nextschool.testing`."""

from __future__ import annotations

import sys

from nextschool.testing.cli import main

if __name__ == "__main__":
    sys.exit(main())
