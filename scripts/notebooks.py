"""The kernels that execute the notebooks at build time.

A reader's notebook imports what its lesson needs and calls ``plt.show()``. What the site needs
on top, the same in every notebook, is set here, in the IPython profile of the kernels that
mkdocs-jupyter starts, and never in a cell:

- figures as small light PNGs (64 colours) in the site's Okabe-Ito colours;
- output that does not depend on timing, so two builds give the same page.

The alt text of a figure lives in its cell's metadata (``"alt"``), where Jupyter does not show
it; ``scripts.notebook_pages`` puts it on the page's ``<img>``.
"""

import base64
import io
import os
import sys
from pathlib import Path

from scripts.style import THEMES

ROOT = Path(__file__).resolve().parent.parent
IPYTHON_DIR = ROOT / ".cache" / "ipython"
PNG_COLOURS = 64
RC = {
    **THEMES["light"],
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.figsize": (4.8, 3.2),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "font.size": 9,
    "axes.titlesize": 9,
    "lines.linewidth": 1.5,
}
# Runs in each kernel before the first cell. It imports this module from the repository and
# leaves no name behind in the reader's namespace.
_KERNEL_CONFIG = """\
# Written by scripts/notebooks.py for the site build: not a reader's configuration.
c.InteractiveShellApp.exec_lines = [
    "__import__('sys').path.insert(0, {root!r})",
    "__import__('scripts.notebooks').notebooks.setup_kernel()",
    "__import__('sys').path.remove({root!r})",
]
"""


def configure_kernels():
    """Write the build's IPython profile and make the kernels started from now on read it."""
    profile = IPYTHON_DIR / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.py").write_text(_KERNEL_CONFIG.format(root=str(ROOT)))
    os.environ["IPYTHONDIR"] = str(IPYTHON_DIR)


def setup_kernel():
    """Inside a kernel: timing-free output, the site's plot style, quantised PNG figures."""
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython
    from matplotlib.figure import Figure

    # ipykernel sends print() output on a 0.2 s timer, so on a busy machine one cell's output
    # could arrive as two blocks; send it only when the cell ends.
    sys.stdout.flush_interval = sys.stderr.flush_interval = 3600
    # Load the inline backend now, so that its own PNG formatter is in place before ours.
    plt.switch_backend("module://matplotlib_inline.backend_inline")
    matplotlib.rcParams.update(RC)
    get_ipython().display_formatter.formatters["image/png"].for_type(Figure, _png)


def _png(fig):
    """``fig`` as a base64 PNG of at most PNG_COLOURS colours: a fraction of the bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    image = Image.open(buffer).convert("RGB").quantize(colors=PNG_COLOURS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
