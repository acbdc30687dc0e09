"""missing-mount: the code files directly in a package whose subfolders are mounted one by one.

wagtail/bakerydemo trial (G1): with `./bakerydemo:/code/bakerydemo` narrowed to mounts of
bakerydemo/base, bakerydemo/blog and bakerydemo/templates, doctor named the six app folders left
out, `fix --mounts` added them, and preflight then said all was well: bakerydemo/urls.py, api.py
and wsgi.py, which `ADD . /code/` bakes into the image, still never reached the container.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from doctor.checks.missing_mount import MissingMount
from trees import write_tree

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

DOCKERFILE = "FROM busybox\nWORKDIR /code\nCOPY . /code/\n"


def _run(root: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent)}
    return list(MissingMount().run(Project(ProjectOptions(path=root, env=env)), Host(env=env)))



def test_the_files_beside_mounted_app_folders_are_found_and_one_mount_brings_all(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "Dockerfile": DOCKERFILE, "pkg/__init__.py": "", "pkg/urls.py": "urlpatterns = []\n",
        "pkg/wsgi.py": "app = None\n", "pkg/a/x.py": "", "pkg/b/y.py": "", "pkg/static/s.css": "",
        "compose.yaml": 'services:\n  app:\n    build: .\n    volumes: ["./pkg/a:/code/pkg/a"]\n'})
    [found] = [f for f in _run(root) if f.severity.name == "WARNING"]
    assert found.message == "'app' mounts pkg/a but not the files directly in pkg (urls.py, wsgi.py), nor pkg/b"
    assert found.fix is not None and found.fix.title == (
        "mount ./pkg at /code/pkg in a new dev override compose.override.yaml (its files with its folders)")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
           "COMPOSE_PROJECT_NAME": "doctor-test-loose"}
    done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--mounts", "--yes"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "1 applied (1 verified fixed)" in done.stdout, done.stdout + done.stderr
    assert "./pkg:/code/pkg" in (root / "compose.override.yaml").read_text()
    assert not [f for f in _run(root) if f.severity.name == "WARNING"]


def test_an_empty_init_alone_is_no_file_to_mount(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "Dockerfile": DOCKERFILE, "pkg/__init__.py": "", "pkg/a/x.py": "", "pkg/b/y.py": "",
        "compose.yaml": 'services:\n  app:\n    build: .\n    volumes: ["./pkg/a:/code/pkg/a"]\n'})
    assert [f.message for f in _run(root) if f.severity.name == "WARNING"] == ["'app' mounts pkg/a but not pkg/b"]


def test_a_file_mounted_on_its_own_is_covered(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "Dockerfile": DOCKERFILE, "pkg/urls.py": "x = 1\n", "pkg/a/x.py": "", "pkg/b/y.py": "",
        "compose.yaml": 'services:\n  app:\n    build: .\n    volumes: ["./pkg/a:/code/pkg/a", "./pkg/b:/code/pkg/b",'
                        ' "./pkg/urls.py:/code/pkg/urls.py"]\n'})
    assert [f.message for f in _run(root) if f.severity.name == "WARNING"] == []
