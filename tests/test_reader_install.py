"""A reader's install: the downloadable notebooks run where only the README's install line ran.

A reader runs ``pip install "nnlib-docs @ git+https://github.com/nnlib-docs/nnlib-docs"
matplotlib`` and opens a notebook in Jupyter. Here a fresh virtualenv gets the same: this
checkout's files as a clone of that URL would have them (tracked and new files, nothing
ignored), installed by pip the same way (built as a wheel, not editable), matplotlib, and the
kernel a Jupyter needs (ipykernel; nbclient to drive it). Versions are what PyPI serves today, as
for a reader. Each notebook then runs top to bottom in that environment, outside the checkout,
with no PYTHONPATH: an import that works only here fails.
"""

import os
import shutil
import subprocess
import sys

import pytest

from scripts.site_check import ROOT

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
READER_PACKAGES = ["matplotlib"]  # beside nnlib-docs, as the install line says
KERNEL_PACKAGES = ["ipykernel", "nbclient", "nbformat"]  # what a reader's Jupyter brings
EXECUTE = """\
import sys, nbclient, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(nb, kernel_name="python3", timeout=600).execute()
"""


def clean_env():
    """The environment without anything that would let Python find this checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "IPYTHONDIR", "JUPYTER_PATH", "VIRTUAL_ENV"}}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    return env


def checkout_copy(dest):
    """The files a clone of the repository would have: tracked and new, ignored ones left out."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """(python of a fresh virtualenv with the reader's install, a folder outside the checkout)."""
    tmp = tmp_path_factory.mktemp("reader")
    source = checkout_copy(tmp / "nnlib-docs")
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    python = tmp / "venv" / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(source), *READER_PACKAGES,
         *KERNEL_PACKAGES],
        cwd=tmp, env=clean_env(), capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp / "work"
    work.mkdir()
    return python, work


def test_the_install_is_the_reader_s_not_the_checkout(reader):
    python, work = reader
    where = subprocess.run([str(python), "-c", "import nnlib; print(nnlib.__file__)"],
                           cwd=work, env=clean_env(), capture_output=True, text=True, check=True)
    assert str(python.parent.parent) in where.stdout, where.stdout
    dist = subprocess.run([str(python), "-m", "pip", "show", "nnlib-docs"], cwd=work,
                          env=clean_env(), capture_output=True, text=True)
    assert dist.returncode == 0 and "Name: nnlib-docs" in dist.stdout


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_after_the_readers_install(reader, notebook):
    python, work = reader
    copy = work / notebook.name  # as downloaded from the site: the .ipynb alone
    shutil.copy2(notebook, copy)
    result = subprocess.run([str(python), "-c", EXECUTE, str(copy)], cwd=work, env=clean_env(),
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{notebook.name} failed:\n{result.stderr[-4000:]}"


def test_the_notebooks_are_found():
    assert len(NOTEBOOKS) >= 2, NOTEBOOKS
