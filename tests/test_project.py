"""The project's own rules: what nnlib may import, declared and locked dependencies, gated deploys."""

import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scripts.cache_keys import imported_names
from scripts.site_check import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCAL = {"nnlib", "scripts", "tests", "conftest"}


def test_nnlib_imports_nothing_from_scripts_matplotlib_or_mkdocs():
    """Every nnlib module imported in a fresh process: none of the build's packages comes along."""
    code = (
        "import importlib, json, pkgutil, sys, nnlib\n"
        "for m in pkgutil.iter_modules(nnlib.__path__): importlib.import_module('nnlib.' + m.name)\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert "nnlib" in loaded and "scipy" in loaded  # the check sees what nnlib does import
    assert loaded & {"scripts", "matplotlib", "mkdocs", "material", "tests"} == set()


def third_party_imports():
    """{top-level module: files importing it} for the project's Python code (not stdlib, not ours)."""
    files = [*ROOT.glob("*.py"), *(ROOT / "nnlib").rglob("*.py"), *(ROOT / "scripts").rglob("*.py"),
             *(ROOT / "tests").rglob("*.py")]
    found = {}
    for path in files:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for name in imported_names(path, module):
            top = name.split(".")[0]
            if top and top not in sys.stdlib_module_names and top not in LOCAL:
                found.setdefault(top, set()).add(path.relative_to(ROOT).as_posix())
    return found


def declared():
    """Canonical names of every requirement in pyproject.toml (dependencies and extras)."""
    project = PYPROJECT["project"]
    reqs = [*project["dependencies"], *sum(project["optional-dependencies"].values(), [])]
    return {canonicalize_name(Requirement(r).name): Requirement(r) for r in reqs}


def test_every_imported_package_is_declared():
    names, distributions = declared(), packages_distributions()
    missing = {}
    for module, files in sorted(third_party_imports().items()):
        dists = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not dists & set(names):
            missing[module] = sorted(files)
    assert missing == {}, f"imported but not declared in pyproject.toml: {missing}"


def locked():
    """{canonical name: [version, ...]} from requirements.lock (a name may differ by marker)."""
    versions = {}
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.lock").read_text(),
                             re.M):
        versions.setdefault(canonicalize_name(match.group(1)), []).append(match.group(2))
    return versions


def test_the_lock_pins_every_declared_dependency_with_a_hash():
    lock, text = locked(), (ROOT / "requirements.lock").read_text()
    extras = {"docs", "test"}
    project = PYPROJECT["project"]
    reqs = [*project["dependencies"], *(r for e in extras for r in project["optional-dependencies"][e])]
    for req in map(Requirement, reqs):
        versions = lock.get(canonicalize_name(req.name))
        assert versions, f"{req.name} is not in requirements.lock: run make lock"
        assert all(req.specifier.contains(v) for v in versions), (req, versions)
    # Transitive dependencies too (click broke mkdocs twice), and every pin has a hash.
    assert {"click", "jinja2", "markdown", "pymdown-extensions"} <= set(lock)
    blocks = re.split(r"\n(?=[A-Za-z])", text.strip())
    assert blocks and all("--hash=sha256:" in b for b in blocks if not b.startswith("#"))


def test_distribution_name_license_and_build_backend():
    assert PYPROJECT["project"]["name"] == "nnlib-docs"  # "nnlib" on PyPI is another project
    assert PYPROJECT["project"]["license"] == "MIT"  # the SPDX string, not a table
    assert re.fullmatch(r"setuptools==[\d.]+", PYPROJECT["build-system"]["requires"][0])


def test_deploy_waits_for_the_tests():
    workflow = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())
    jobs = workflow["jobs"]
    assert "test" in jobs["deploy"]["needs"]
    steps = " ".join(step.get("run", "") for step in jobs["test"]["steps"])
    assert ".ci/run" in steps  # which runs `make test`
    assert "make test" in (ROOT / ".ci/run").read_text()


INSTALL = 'pip install "nnlib-docs @ git+https://github.com/nnlib-docs/nnlib-docs" matplotlib'


def test_readme_and_home_page_say_how_a_reader_installs_nnlib():
    for page in ("README.md", "docs/index.md"):
        text = (ROOT / page).read_text()
        assert INSTALL in text, page
    # the URL names this repository, as the site's GitHub link does
    assert "https://github.com/nnlib-docs/nnlib-docs" in (ROOT / "mkdocs.yml").read_text()


def test_no_test_module_imports_another_or_conftest():
    """Shared helpers live in scripts/site_check.py and tests/browser.py, fixtures in conftest."""
    found = [f"{path.name}: {name}" for path in sorted((ROOT / "tests").glob("*.py"))
             for name in imported_names(path, f"tests.{path.stem}")
             if re.match(r"tests\.(test_\w+|conftest)$", name)]
    assert found == []
