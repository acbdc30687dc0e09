"""env-drift: a missing env file with a template is an error exactly where compose stops without it.

The last closing note found a missing `.env` a service loads as `env_file:` reported as a warning
("there is no .env: .env.example lists ... keys", naming no service) while a missing `backend/.env`
loaded the same way was an error ("there is no backend/.env: 'api' loads it and ..."). docker
compose v2.40.3 stops on both (`config` and `up --no-start`: `env file .../.env not found`),
whatever the file is called; it stops on a missing `--env-file` too (`couldn't find env file`). It
skips an entry with `required: false`, a `.env` it only interpolates from, and the env_file of a
service a profile leaves off. The compose-marked test holds doctor to the binary on each shape.

Also here: the places that compare env file paths follow links (`loaders.reaches_app`, `Project.env_example`).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions


@dataclass(frozen=True)
class Shape:
    compose: str
    files: dict[str, str] = field(default_factory=dict)
    env_file: str | None = None  # `--env-file`
    severity: Severity | None = None  # of the "there is no ..." finding; None: no such finding
    message: str = ""


SHAPES = {
    # compose stops: an env_file as written, whatever its name
    "env-file-dotenv": Shape(
        "services:\n  api:\n    image: busybox\n    env_file: .env\n", {".env.example": "A=1\nB=2\n"},
        severity=Severity.ERROR, message="there is no .env: 'api' loads it and .env.example lists 2 keys for it "
                                         "('A', ...)"),
    "env-file-backend": Shape(
        "services:\n  api:\n    image: busybox\n    env_file: backend/.env\n", {"backend/.env.example": "A=1\n"},
        severity=Severity.ERROR, message="there is no backend/.env: 'api' loads it and backend/.env.example "
                                         "lists 1 key for it ('A', ...)"),
    "env-file-dotenv-two-services": Shape(
        "services:\n  api:\n    image: busybox\n    env_file: [.env]\n  worker:\n    image: busybox\n"
        "    env_file:\n      - path: .env\n", {".env.example": "A=1\n"},
        severity=Severity.ERROR, message="there is no .env: 'api' and 'worker' load it and .env.example lists "
                                         "1 key for it ('A', ...)"),
    "env-file-flag": Shape(
        "services:\n  api:\n    image: busybox\n    environment:\n      A: ${A}\n", {"x.env.example": "A=1\n"},
        env_file="x.env", severity=Severity.ERROR,
        message="there is no x.env: --env-file names it and x.env.example lists 1 key for it ('A', ...)"),
    # compose skips
    "optional-dotenv": Shape(
        "services:\n  api:\n    image: busybox\n    env_file:\n      - path: .env\n        required: false\n",
        {".env.example": "A=1\n"}, severity=Severity.INFO,
        message="there is no .env: 'api' loads it only if it exists (required: false), so compose skips it; "
                ".env.example lists 1 key for it ('A', ...)"),
    "optional-backend": Shape(
        "services:\n  api:\n    image: busybox\n    env_file:\n      - path: backend/.env\n"
        "        required: false\n", {"backend/.env.example": "A=1\n"}, severity=Severity.INFO,
        message="there is no backend/.env: 'api' loads it only if it exists (required: false), so compose skips "
                "it; backend/.env.example lists 1 key for it ('A', ...)"),
    "interpolation-only": Shape(
        "services:\n  api:\n    image: busybox\n    environment:\n      A: ${A}\n", {".env.example": "A=1\n"},
        severity=Severity.WARNING, message="there is no .env: .env.example lists 1 key for it ('A', ...)"),
    "profile-off": Shape(
        "services:\n  api:\n    image: busybox\n  tool:\n    image: busybox\n    profiles: [tools]\n"
        "    env_file: tool.env\n", {"tool.env.example": "A=1\n"}),
}


def _project(root: Path, shape: Shape) -> Path:
    root.mkdir()
    (root / "compose.yaml").write_text(shape.compose)
    for name, text in shape.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _options(root: Path, shape: Shape) -> ProjectOptions:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent)}
    env_files = (root / shape.env_file,) if shape.env_file else None
    return ProjectOptions(path=root, env=env, env_files=env_files)


def _findings(root: Path, options: ProjectOptions) -> list[Finding]:
    return list(EnvDrift().run(Project(options), Host(env=dict(options.env), timeout=1.0)))


def _missing(root: Path, shape: Shape) -> list[Finding]:
    return [f for f in _findings(root, _options(root, shape)) if f.message.startswith("there is no ")]


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_missing_file_is_judged_as_compose_does(tmp_path: Path, name: str) -> None:
    shape = SHAPES[name]
    found = _missing(_project(tmp_path / name, shape), shape)
    if shape.severity is None:
        assert found == []
        return
    [one] = found
    assert (one.severity, one.message) == (shape.severity, shape.message)
    assert one.fix is not None and one.fix.title.startswith("copy ")
    # an error's copy is what `doctor fix --env` applies; a skipped file's stays advice: the project
    # runs without it by design, and the template's values would change what the service gets
    assert one.fix.safety is (Safety.ADVICE if shape.severity is Severity.INFO else Safety.SAFE)


def test_a_required_loader_beside_an_optional_one_is_the_error(tmp_path: Path) -> None:
    compose = ("services:\n  api:\n    image: busybox\n    env_file:\n      - path: backend/.env\n"
               "        required: false\n  worker:\n    image: busybox\n    env_file: backend/.env\n")
    shape = Shape(compose, {"backend/.env.example": "A=1\n"})
    [one] = _missing(_project(tmp_path / "p", shape), shape)
    assert one.severity is Severity.ERROR
    assert one.message.startswith("there is no backend/.env: 'worker' loads it and ")


def test_keys_the_shell_sets_do_not_make_a_required_file(tmp_path: Path) -> None:
    # compose stops without the file whatever the shell exports: every key is listed
    shape = SHAPES["env-file-dotenv"]
    root = _project(tmp_path / "p", shape)
    options = ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "A": "x", "B": "y"})
    [one] = [f for f in _findings(root, options) if f.message.startswith("there is no ")]
    assert one.severity is Severity.ERROR and "lists 2 keys" in one.message


@pytest.mark.compose
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_an_error_exactly_where_compose_stops(tmp_path: Path, name: str, compose_bin: str) -> None:
    shape = SHAPES[name]
    root = _project(tmp_path / name, shape)
    flags = ["--env-file", str(root / shape.env_file)] if shape.env_file else []
    done = subprocess.run([compose_bin, "-p", "doctortest", *flags, "config", "-q"], cwd=root,
                          capture_output=True, text=True, timeout=60)
    stops = done.returncode != 0
    assert stops == (name.startswith("env-file-")), done.stderr  # the table says what compose does
    assert ("env file" in done.stderr) is stops, done.stderr
    errors = [f for f in _missing(root, shape) if f.severity is Severity.ERROR]
    assert bool(errors) is stops


# --- links: the paths compared are the files they name


def test_a_bind_of_a_link_to_dotenv_carries_dotenv(tmp_path: Path) -> None:
    # `./app/.env:/app/.env` with `app/.env -> ../.env`: the engine mounts `.env` itself, so a key of
    # the template the app reads from there is missing where it runs (a warning), not "reaches no container"
    root = tmp_path / "p"
    (root / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n  app:\n    image: busybox:${TAG}\n    volumes:\n"
                                       "      - ./app/.env:/app/.env\n")
    (root / ".env.example").write_text("TAG=1\nSMTP_HOST=mail\n")
    (root / ".env").write_text("TAG=1\n")
    (root / "app" / ".env").symlink_to("../.env")
    options = ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    [one] = [f for f in _findings(root, options) if f.subject == "SMTP_HOST"]
    assert one.message == "'SMTP_HOST' from .env.example is missing from .env"
    assert one.severity is Severity.WARNING


def test_a_template_a_service_loads_through_a_link_is_no_template(tmp_path: Path) -> None:
    # snipe-it's shape (.env.example for the host app, .env.docker for compose), but `app` loads
    # .env.docker itself through `docker/app.env -> ../.env.docker`: it is app's env file, and `.env`'s
    # template is .env.example, as when `app` names .env.docker directly
    root = tmp_path / "p"
    (root / "docker").mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: docker/app.env\n"
                                       "    environment:\n      TAG: ${TAG:-1}\n  db:\n    image: mariadb\n")
    (root / ".env.example").write_text("TAG=1\nDB_HOST=127.0.0.1\n")
    (root / ".env.docker").write_text("TAG=1\nDB_HOST=db\n")
    (root / "docker" / "app.env").symlink_to("../.env.docker")
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
    assert project.env_example is not None and project.env_example.path == root / ".env.example"
