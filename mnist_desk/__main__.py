"""python -m mnist_desk (also the PyInstaller entry point)."""

import sys

from mnist_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
