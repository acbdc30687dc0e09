"""Trial K1 (litestar-fullstack, its compose in tools/deploy/docker/): missing bind sources, env
files and Dockerfiles whose fix created empty stand-ins where the file meant exists from a folder
above; an extensionless file read as a folder; mounts shown shortened and regrown one by one."""

from __future__ import annotations

import subprocess
from pathlib import Path

from doctor.checks.compose_config import ComposeConfig
from doctor.checks.missing_mount import MissingMount

from doctor.host import Host
from doctor.model import Check, Finding, Severity
from doctor.project import Project, ProjectOptions


def _run(check: Check, folder: Path, home: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=folder, env=env))
    return list(check.run(project, Host(env={})))


def _write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_an_extensionless_file_bind_is_a_file(tmp_path: Path, monkeypatch: object) -> None:
    """`./Makefile:/w/Makefile` with no ./Makefile: docker makes a directory where a file was meant."""
    root = tmp_path / "p"
    _write(root / "compose.yaml", "services: {app: {image: python:3.13, volumes: ['./Makefile:/w/Makefile', "
           "'./Justfile:/w/just', './data:/w/Procfile', './cache:/w/cache']}}\n")
    found = {f.subject: f for f in _run(MissingMount(), root, tmp_path / "home")}
    for subject in ("app:Makefile", "app:Justfile", "app:data"):
        finding = found[subject]
        assert finding.severity is Severity.WARNING
        assert finding.message.endswith("does not exist: docker will make it a root-owned directory")
        assert finding.fix is not None and finding.fix.title.startswith("create the file ")
        assert not finding.fix.command  # no mkdir -p of a file's name
    assert found["app:cache"].severity is Severity.INFO  # a folder stays one


def test_a_target_the_image_copies_a_file_to_is_a_file(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _write(root / "Dockerfile", "FROM python:3.13\nWORKDIR /w\nCOPY settings ./settings\n")
    _write(root / "settings", "x=1\n")
    _write(root / "compose.yaml", "services: {app: {build: ., volumes: ['./conf/settings:/w/settings']}}\n")
    [finding] = _run(MissingMount(), root, tmp_path / "home")
    assert finding.message == "bind source ./conf/settings does not exist: docker will make it a root-owned directory"


def _moved_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _write(repo / ".env.local.example", "A=1\n")
    _write(repo / "Makefile", "all:\n")
    _write(repo / "src" / "app.py", "print(1)\n")
    return repo


def test_paths_written_for_the_checkout_top_point_there(tmp_path: Path) -> None:
    repo = _moved_repo(tmp_path)
    folder = repo / "deploy" / "docker"
    _write(folder / "compose.yaml", "services: {app: {image: python:3.13, env_file: ../.env.local.example, "
           "volumes: ['./src:/w/src', './Makefile:/w/Makefile']}}\n")
    mounts = {f.subject: f for f in _run(MissingMount(), folder, tmp_path / "home")}
    src, makefile = mounts["app:src"], mounts["app:Makefile"]
    assert src.message == ("bind source ./src does not exist: docker will make it an empty root-owned directory "
                           "(did you mean ../../src?)")
    assert makefile.message == ("bind source ./Makefile does not exist: docker will make it a root-owned directory "
                                "(did you mean ../../Makefile?)")
    for finding, written in ((src, "../../src"), (makefile, "../../Makefile")):
        assert finding.severity is Severity.WARNING
        assert finding.fix is not None and not finding.fix.command
        assert finding.fix.title.startswith(f"did you mean {written}? write it in the mount of 'app' instead of ./")
    [env] = [f for f in _run(ComposeConfig(), folder, tmp_path / "home") if "env file" in f.message]
    assert env.fix is not None
    assert env.fix.title.startswith("did you mean ../../.env.local.example? write it in env_file of 'app' "
                                    "instead of ../.env.local.example")


def test_a_folder_above_is_written_as_the_author_would(tmp_path: Path) -> None:
    """`./tools` from tools/deploy/docker is `../../../tools`, not the `../..` it comes to."""
    repo = _moved_repo(tmp_path)
    folder = repo / "tools" / "deploy" / "docker"
    _write(folder / "compose.yaml", "services: {app: {image: python:3.13, volumes: ['./tools:/w/tools']}}\n")
    [finding] = _run(MissingMount(), folder, tmp_path / "home")
    assert finding.message.endswith("(did you mean ../../../tools?)")


def test_no_empty_folder_over_the_image_code(tmp_path: Path) -> None:
    """With nothing to point at, a missing source over the image's code gets no `mkdir -p`."""
    root = tmp_path / "p"
    _write(root / "Dockerfile", "FROM python:3.13\nWORKDIR /w\nCOPY app/ ./app/\n")
    _write(root / "app" / "main.py", "print(1)\n")
    _write(root / "compose.yaml", "services: {app: {build: ., volumes: ['./code:/w/app', './logs:/w/logs']}}\n")
    found = {f.subject: f for f in _run(MissingMount(), root, tmp_path / "home")}
    code = found["app:code"]
    assert code.severity is Severity.WARNING
    assert code.message == ("bind source ./code does not exist: docker will make it an empty root-owned directory "
                            "over the image's /w/app")
    assert code.fix is not None and not code.fix.command and "mkdir" not in code.fix.title
    logs = found["app:logs"]  # a log folder beside the code: docker making it is often meant
    assert logs.severity is Severity.INFO and logs.fix is not None and logs.fix.command


def test_a_missing_dockerfile_names_every_service_and_the_close_one(tmp_path: Path) -> None:
    repo = _moved_repo(tmp_path)
    folder = repo / "tools" / "deploy" / "docker"
    for name in ("Dockerfile", "Dockerfile.dev", "Dockerfile.worker"):
        _write(folder / name, "FROM python:3.13\n")
    build = "{context: ., dockerfile: docker/dev/Dockerfile}"
    _write(folder / "compose.yaml", f"services:\n  app: {{build: {build}}}\n  worker: {{build: {build}}}\n"
           f"  migrator: {{build: {build}}}\n  other: {{build: {{context: ., dockerfile: docker/Dockerfile.x}}}}\n")
    found = {f.message.split()[0]: f for f in _run(ComposeConfig(), folder, tmp_path / "home")}
    app = found["'app'"]
    assert app.fix is not None
    assert app.fix.title == ("create docker/dev/Dockerfile or point build: of 'app', 'migrator', 'worker' at the "
                             "right path (did you mean dockerfile: Dockerfile.dev? Dockerfile.dev exists)")
    other = found["'other'"]  # Dockerfile.x: no name close enough, no guess
    assert other.fix is not None and "did you mean" not in other.fix.title


def _copied_whole(tmp_path: Path, mounts: str) -> list[Finding]:
    top = tmp_path / "ls"
    for folder in ("tools", "src/py/app", "src/js/web", "src/js/templates"):
        _write(top / folder / "__init__.py", "x = 1\n")
    folder = top / "tools" / "deploy" / "docker"
    _write(folder / "Dockerfile", "FROM python:3.13\nWORKDIR /w\nCOPY tools ./tools/\nCOPY src/js/web/ ./src/js/web/\n"
           "COPY src/js/templates/ ./src/js/templates/\nCOPY src/py/ ./src/py/\n")
    _write(folder / "compose.yaml", "services:\n  app:\n    build: {context: ../../.., dockerfile: "
           f"tools/deploy/docker/Dockerfile}}\n    volumes: [{mounts}]\n")
    return _run(MissingMount(), folder, tmp_path / "home")


def test_mounts_are_shown_as_written_and_a_folder_copied_whole_is_one_mount(tmp_path: Path) -> None:
    [finding] = _copied_whole(tmp_path, "'../../../tools:/w/tools'")
    assert finding.message == "'app' mounts ../../../tools but not ../../../src"
    assert finding.fix is not None
    assert finding.fix.title.startswith("mount ../../../src at /w/src in ")


def test_a_folder_a_mount_brings_part_of_is_not_gathered(tmp_path: Path) -> None:
    found = _copied_whole(tmp_path, "'../../../tools:/w/tools', '../../../src/py:/w/src/py'")
    assert sorted(f.message for f in found) == ["'app' mounts ../../../src/py, ../../../tools but not ../../../src/js"]


def test_a_close_dockerfile_whose_copies_name_paths_from_the_top_is_advised_with_that_context(tmp_path: Path) -> None:
    """seanmorley15/AdventureLog's docker/docker-compose.dev.yml builds `../backend/` (no Dockerfile there); the
    close one, docker/Dockerfile, COPYs backend/server/... from the repository's top: `dockerfile:
    ../docker/Dockerfile` with the context kept made doctor quiet and the build impossible."""
    root = tmp_path / "repo"
    _write(root / "docker" / "Dockerfile", "FROM python:3.13-slim\nCOPY backend/server /code/\n")
    _write(root / "backend" / "server" / "manage.py", "print(1)\n")
    _write(root / "docker" / "compose.yaml", "services:\n  server:\n    build: ../backend/\n")
    (finding,) = _run(ComposeConfig(), root / "docker", tmp_path / "home")
    assert finding.fix is not None
    assert finding.fix.title.endswith("(did you mean context: .. and dockerfile: docker/Dockerfile? Dockerfile "
                                      "exists, and its COPY lines name paths from .., not from ../backend)"), \
        finding.fix.title
