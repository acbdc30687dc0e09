"""`doctor exec` of a server into a running service whose own start serves nothing.

A dev container, `command: sleep infinity` with `ports: ["8000:8000"]` (or `network_mode: host`), is up to
have commands run in it: `doctor exec -- python manage.py runserver` was refused ("'app' is up, serving on
the port it publishes (8000): a second server there could not bind it; nothing was run") although nothing
held that port. doctor refuses only where the service's own start runs a server (its `command:`, else its
image's CMD/ENTRYPOINT); else it `exec`s the server as a container must run it, `runserver 0.0.0.0:8000`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_execute import fake_docker

import doctor.execute
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

DOCKERFILE = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n{cmd}"


def _exec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, service: str, argv: list[str], *, cmd: str = "",
          files: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """(exit code, what a fake docker got) of `doctor exec -- ARGV` in a Django project whose 'app' (`service`,
    its compose lines) is up."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "compose.yaml").write_text(f"services:\n  app:\n    build: .\n    volumes: ['.:/app']\n{service}")
    (root / "Dockerfile").write_text(DOCKERFILE.format(cmd=cmd))
    (root / "requirements.txt").write_text("Django==5.0\n")
    (root / "manage.py").write_text("import django\n")
    for name, text in (files or {}).items():
        (root / name).write_text(text)
    env, record = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)
    monkeypatch.chdir(root)
    code = doctor.execute.execute(argv, Project(ProjectOptions(path=root, env=env)), host)
    return code, record.read_text().splitlines() if record.exists() else []


IDLE = [
    "    command: sleep infinity\n    ports: ['8000:8000']\n",
    "    command: /bin/sh -c \"while sleep 1000; do :; done\"\n    ports: ['8000:8000']\n",
    "    command: [tail, -f, /dev/null]\n    network_mode: host\n",
]


@pytest.mark.parametrize("service", IDLE)
def test_a_server_is_execd_into_a_running_service_that_serves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], service: str) -> None:
    code, ran = _exec(tmp_path, monkeypatch, service, ["python", "manage.py", "runserver"])
    assert code == 0, capfd.readouterr().err
    at = ran.index("exec")
    assert ran[at + 1:] == ["-T", "app", "python", "manage.py", "runserver", "0.0.0.0:8000"], ran
    said = capfd.readouterr().err
    assert "'app' is up and its own start runs no server: 'python manage.py runserver' runs in it by `exec`" in said


SERVING = [
    ("    command: python manage.py runserver 0.0.0.0:8000\n    ports: ['8000:8000']\n", ""),
    ("    command: sh -c 'python manage.py migrate && gunicorn app.wsgi'\n    ports: ['8000:8000']\n", ""),
    ("    ports: ['8000:8000']\n", 'CMD ["gunicorn", "app.wsgi", "-b", "0.0.0.0:8000"]\n'),
    ("    ports: ['8000:8000']\n", 'CMD ["python", "app.py"]\n'),  # a server doctor cannot name, publishing 8000
    ("    ports: ['8080:8000']\n", ""),  # the base image's CMD, python3's REPL, exits: another file's command runs
]


@pytest.mark.parametrize(("service", "cmd"), SERVING)
def test_a_server_is_still_refused_where_the_services_start_serves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], service: str,
        cmd: str) -> None:
    code, ran = _exec(tmp_path, monkeypatch, service, ["python", "manage.py", "runserver"], cmd=cmd)
    assert (code, ran) == (1, [])
    assert "a second server there could not bind it; nothing was run" in capfd.readouterr().err


REPLAY = Path(__file__).parent / "replay"


def _mvj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], running: bool) -> list[str]:
    import shutil

    root = tmp_path / "mvj"
    shutil.copytree(REPLAY / "mvj", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    folder = root / ".devcontainer"
    shutil.copyfile(folder / "docker-compose.env.template", folder / "docker-compose.env")  # the README's step 1
    env, record = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: running)
    monkeypatch.chdir(root)
    assert doctor.execute.execute(argv, Project(ProjectOptions(path=folder, env=env)), host) == 0
    return record.read_text().splitlines()


def test_mvjs_devcontainer_down_runs_the_server_publishing_nothing(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """With 'django' down, `runserver 0:8001` went as `run -p 8001:8001`, which compose refuses in 'postgres''s
    network ("conflicting options: port publishing and the container type network mode")."""
    ran = _mvj(tmp_path, monkeypatch, ["python", "manage.py", "runserver", "0:8001"], running=False)
    at = ran.index("run")
    assert ran[at:] == ["run", "--rm", "-T", "django", "python", "manage.py", "runserver", "0:8001"], ran


@pytest.mark.parametrize(("argv", "told"), [
    (["python", "manage.py", "runserver", "0:8001"], ["python", "manage.py", "runserver", "0:8001"]),  # its README's
    (["python", "manage.py", "runserver"], ["python", "manage.py", "runserver", "0.0.0.0:8000"]),
])
def test_mvjs_devcontainer_runs_the_server_by_exec(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], argv: list[str],
        told: list[str]) -> None:
    """City-of-Helsinki/mvj: 'django' runs `sh -c "sleep infinity"` in 'postgres''s network, its README starts
    `python manage.py runserver 0:8001` in it. With 'django' up, doctor refused `runserver` ("serving on its
    port ... nothing was run") and ran `runserver 0:8001` as `run -p 8001:8001`, a port publishing that compose
    refuses under `network_mode: service:postgres`; both are `exec`'d into the running 'django' now."""
    ran = _mvj(tmp_path, monkeypatch, argv, running=True)
    assert ran[ran.index("exec") + 1:] == ["-T", "django", *told], ran
    assert "reached through the network it shares (network_mode: service:postgres)" in capfd.readouterr().err
