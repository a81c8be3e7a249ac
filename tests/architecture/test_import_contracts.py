"""The floor plan, held by tools rather than by review: import-linter's contracts (in
``pyproject.toml``) pass on the project, a deliberate violation breaks the kernel's contract (so
the check cannot be silently empty), and no two apps import each other (``bin/app-imports``)."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
ROOT_PACKAGES = CONFIG["root_packages"]


def lint_imports(cwd):
    """Run lint-imports in ``cwd`` on the packages found there (no cache: a fresh graph)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project_copy(tmp_path):
    """The apps' Python files, the configuration and ``bin/app-imports``, copied aside: a
    violation written there never touches the tree."""
    for package in ROOT_PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.html", "*.json", "*.js", "*.css"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "app-imports", tmp_path / "bin" / "app-imports")
    return tmp_path


def test_every_contract_is_kept():
    """lint-imports passes on the project, and checks every contract the configuration has."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = len(CONFIG["contracts"])
    assert kept >= 7
    assert f"Contracts: {kept} kept, 0 broken." in result.stdout


def test_an_app_imported_by_the_kernel_breaks_its_contract(project_copy):
    """A kernel module importing an app, even inside a function, breaks « The platform kernel
    imports no app » and the layers, and lint-imports fails, naming the import."""
    (project_copy / "maillage" / "_violation_probe.py").write_text(
        "def members(community):\n"
        "    from communities.models import Membership\n\n"
        "    return Membership.objects.filter(community=community)\n"
    )
    result = lint_imports(project_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The platform kernel imports no app BROKEN" in result.stdout
    assert "Each app imports only the layers below it BROKEN" in result.stdout
    assert "maillage._violation_probe -> communities.models" in result.stdout


def test_a_tool_imported_by_the_communities_breaks_their_contract(project_copy):
    """The communities importing their chat breaks « The communities know none of their
    tools »."""
    (project_copy / "communities" / "_violation_probe.py").write_text("import chat.models\n")
    result = lint_imports(project_copy)
    assert result.returncode == 1
    assert "The communities know none of their tools BROKEN" in result.stdout


def app_imports(root, *args):
    return subprocess.run(
        [sys.executable, str(root / "bin" / "app-imports"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def test_no_two_apps_import_each_other():
    """``bin/app-imports --pairs`` prints nothing: no pair of apps imports each other, counting
    every import outside tests and migrations (demo loaders and registries included)."""
    assert app_imports(ROOT, "--pairs") == ""
    # It does count: the directory imports the kernel.
    assert "directory" in app_imports(ROOT)


def test_app_imports_reports_a_two_way_pair(project_copy):
    """A kernel module importing an app makes a two-way pair with an app importing the kernel."""
    (project_copy / "maillage" / "_violation_probe.py").write_text(
        "def members():\n    import communities.models\n"
    )
    assert app_imports(project_copy, "--pairs").startswith("communities <-> maillage")
