"""A non-editable `pip install .` ships the built-in checks as doctor.checks, and no bare `checks`."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(REPO), "-w", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return next(out.glob("devenv_doctor-*.whl"))


def test_wheel_maps_checks_into_the_doctor_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert top_level == {"doctor", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    assert "doctor/checks/port_collision/__init__.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[doctor.checks]" in text and "doctor.checks.port_collision:PortCollision" in text


def test_every_package_of_the_source_is_listed() -> None:
    """A package folder missing from pyproject's `packages` list (a check split into a package)
    is shipped by setuptools only as deprecated "data", with a warning at every build."""
    declared = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for prefix, root in (("doctor", REPO / "src" / "doctor"), ("doctor.checks", REPO / "checks")):
        for init in root.rglob("__init__.py"):
            if "__pycache__" not in init.parts:
                found.add(".".join((prefix, *init.parent.relative_to(root).parts)))
    assert found == declared


def test_fresh_venv_install_runs_every_builtin_check(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True,
                         timeout=600)
    assert pip.returncode == 0, pip.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    listed = subprocess.run([str(venv / "bin" / "doctor"), "list"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=60)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "error" not in listed.stdout
    declared = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    ids = set(declared["project"]["entry-points"]["doctor.checks"]) | {"compose-config"}
    assert sorted(line.split()[0] for line in listed.stdout.splitlines()) == sorted(ids)
    site = subprocess.run([str(venv / "bin" / "python"), "-c", "import doctor, sys; print(doctor.__file__)"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert str(venv) in site.stdout, "the fresh venv must import its own installed copy"
    bare = subprocess.run([str(venv / "bin" / "python"), "-c", "import checks"], capture_output=True, env=env,
                          cwd=tmp_path, timeout=60)
    assert bare.returncode != 0, "a bare top-level 'checks' package must not be installed"
