"""missing-mount: the defects new users hit on peeringdb, docker-flask-example and mitxonline.

- peeringdb reads its stack with `-f Ctl/dev/docker-compose.yml` alone: the fix for its unmounted
  `../../tests` said "in the dev override" and was advice only, though no dev override is read;
  it goes beside its siblings in that file, with their `:Z`.
- a missing bind source with `create_host_path: false` (the service cannot start) inside the project:
  its `mkdir -p` was advice only; made by the user, the folder is theirs. (mitxonline's data folder
  `.localstack/mounted` stays advice: docker makes it on first up, see bind_sources._mkdir.)
- docker-flask-example: `lib/`, a namespace package (no `__init__.py`) the mounted tests import
  (`from lib.test import ViewTestMixin`), was not reported beside the unmounted config/.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.checks.missing_mount import MissingMount
from trees import write_tree

from doctor.engine import Registry
from doctor.fix_report import FixStatus
from doctor.fixer import FixOptions, fix
from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "state")}


def _run(root: Path, files: tuple[Path, ...] = ()) -> list[Finding]:
    env = _env(root)
    project = Project(ProjectOptions(path=root, env=env, files=files, cwd=root))
    return list(MissingMount().run(project, Host(env=env)))



SINGLE = {
    "Dockerfile": "FROM python:3.12-slim\nWORKDIR /srv\nCOPY app/ app\nCOPY tests/ tests\nCOPY scripts/ scripts\n",
    **{f"{d}/{n}": "" if n == "__init__.py" else "x = 1\n" for d in ("app", "tests", "scripts")
       for n in ("__init__.py", "mod.py")},
    "compose.yaml": "services:\n  web:\n    build: .\n    volumes:\n      - ./app:/srv/app:Z\n"
                    "      - ./tests:/srv/tests:Z\n",
}


def test_one_explicit_file_gets_the_mount_beside_its_siblings(tmp_path: Path) -> None:
    write_tree(tmp_path, SINGLE)
    [found] = _run(tmp_path, (tmp_path / "compose.yaml",))
    assert found.message == "'web' mounts app, tests but not scripts"
    assert found.fix is not None and found.fix.safety is Safety.SAFE
    assert found.fix.title == "mount ./scripts at /srv/scripts in compose.yaml beside its other mounts"
    [edit] = found.fix.edits
    assert edit.path == tmp_path / "compose.yaml"
    assert edit.new.endswith("      - ./tests:/srv/tests:Z\n      - ./scripts:/srv/scripts:Z\n")


def test_the_same_file_found_by_itself_gets_a_real_fix_too(tmp_path: Path) -> None:
    write_tree(tmp_path, SINGLE)
    [found] = _run(tmp_path)
    assert found.fix is not None and found.fix.safety is Safety.SAFE
    assert "in a new dev override compose.override.yaml" in found.fix.title
    [edit] = found.fix.edits
    assert edit.path == tmp_path / "compose.override.yaml" and "- ./scripts:/srv/scripts:Z" in edit.new


def test_peeringdb_fix_settles_in_one_run(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "Ctl/Dockerfile": "FROM python:3.12-slim\nWORKDIR /srv/www.peeringdb.com\n"
                          "COPY peeringdb_server/ peeringdb_server\nCOPY mainsite/ mainsite\nCOPY tests/ tests\n",
        **{f"{d}/{n}": "" if n == "__init__.py" else "x = 1\n" for d in ("peeringdb_server", "mainsite", "tests")
           for n in ("__init__.py", "mod.py")},
        "Ctl/dev/docker-compose.yml": "services:\n  peeringdb:\n    build:\n      context: ../..\n"
                                      "      dockerfile: Ctl/Dockerfile\n    volumes:\n"
                                      "      - ../../peeringdb_server:/srv/www.peeringdb.com/peeringdb_server:Z\n"
                                      "      - ../../mainsite:/srv/www.peeringdb.com/mainsite:Z\n",
    })
    compose = tmp_path / "Ctl" / "dev" / "docker-compose.yml"
    env = _env(tmp_path)
    options = FixOptions(ProjectOptions(path=tmp_path, env=env, files=(compose,), cwd=tmp_path), env=env,
                         families=frozenset({"mounts"}))
    report = fix(options, Registry({MissingMount.id: MissingMount}))
    assert [(r.status, r.fixed) for r in report.results] == [(FixStatus.APPLIED, True)], report.results
    assert compose.read_text().endswith("      - ../../tests:/srv/www.peeringdb.com/tests:Z\n")
    assert not (tmp_path / "Ctl" / "dev" / "compose.override.yaml").exists()
    assert _run(tmp_path, (compose,)) == []


def test_a_folder_the_service_cannot_start_without_is_made_by_a_plain_fix(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    root = tmp_path / "p"
    root.mkdir()
    os.symlink(outside, root / "linked")
    strict = "        bind: {create_host_path: false}\n"
    write_tree(root, {"compose.yaml": "services:\n  db:\n    image: postgres:16\n    volumes:\n"
                                  f"      - type: bind\n        source: ./pgdata\n        target: /pg\n{strict}"
                                  f"      - type: bind\n        source: ../outside\n        target: /o\n{strict}"
                                  f"      - type: bind\n        source: ./linked/state\n        target: /s\n{strict}"
                                  "      - ./.localstack/mounted:/var/lib/localstack\n"})
    found = {f.subject: f for f in _run(root)}
    made = found["db:pgdata"]
    assert made.severity is Severity.ERROR and made.fix is not None and made.fix.safety is Safety.SAFE
    assert made.fix.command == ("mkdir", "-p", str(root / "pgdata"))
    # outside the project, itself or through a symlink; a data folder docker makes on first up: advice
    for subject in ("db:../outside", "db:linked/state", "db:.localstack/mounted"):
        fix_of = found[subject].fix
        assert fix_of is not None and fix_of.safety is Safety.ADVICE, subject
    env = _env(root)
    options = FixOptions(ProjectOptions(path=root, env=env, cwd=root), env=env)
    report = fix(options, Registry({MissingMount.id: MissingMount}))
    assert (root / "pgdata").is_dir() and not (tmp_path / "outside").exists() and not (outside / "state").exists()
    assert not (root / ".localstack").exists()
    assert [r.fixed for r in report.results if r.status is FixStatus.APPLIED] == [True]


FLASK = {
    "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nENV PYTHONPATH=.\nCOPY . .\n",
    "hello/__init__.py": "", "hello/app.py": "x = 1\n",
    "config/__init__.py": "", "config/settings.py": "DEBUG = True\n",
    "lib/test.py": "class ViewTestMixin:\n    pass\n",
    "compose.yaml": "services:\n  web:\n    build: .\n    volumes:\n      - ./hello:/app/hello\n"
                    "      - ./test:/app/test\n",
}


def test_a_namespace_package_the_mounted_code_imports_is_source(tmp_path: Path) -> None:
    write_tree(tmp_path, {**FLASK, "test/hello/page/test_views.py": "import os\nfrom lib.test import ViewTestMixin\n"})
    found = _run(tmp_path)
    assert sorted(f.message for f in found) == ["'web' mounts hello, test but not config",
                                                "'web' mounts hello, test but not lib"]
    assert all(f.severity is Severity.WARNING for f in found)


def test_a_folder_without_init_no_mounted_code_imports_is_not(tmp_path: Path) -> None:
    write_tree(tmp_path, {**FLASK, "test/test_views.py": "import os\nimport library\nfrom liberal import x\n"})
    assert [f.message for f in _run(tmp_path)] == ["'web' mounts hello, test but not config"]
