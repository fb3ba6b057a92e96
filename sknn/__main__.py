"""``python -m sknn`` and the ``sknn`` console script; see :mod:`sknn._extras._cli`."""

import sys

from sknn._extras._cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
