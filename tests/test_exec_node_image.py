"""`doctor exec` of a node program where no image installs the folder's package.json: openfun/joanie.

joanie's 'admin-dev' runs `image: node:20.18` (no build) binding ./src/frontend/admin at /app, with `command:
"yarn dev"` (`next dev -p 8072`), and its Makefile runs the folder's yarn there (`ADMIN_YARN = docker compose
run --rm admin-dev yarn`: `make admin-install`, `admin-lint`, `admin-test`), which puts node_modules in the
bound folder. On a machine without yarn, `doctor exec -- yarn dev` in src/frontend/admin ran it here: "'yarn'
not found". Now a node program this machine lacks goes to the node image whose code holds the folder, and
`yarn dev`, which its package.json (three folders down, which the project's own commands do not list) makes a
server, runs as one. A machine that has yarn runs it itself, as before: it may install and run on its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_exec_servers import _exec

ADMIN = "src/frontend/admin"


def test_yarn_dev_where_this_machine_has_no_yarn_runs_in_admin_dev(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    code, ran = _exec(tmp_path, monkeypatch, "joanie", ADMIN, ["yarn", "dev"], running=False)
    assert code == 0
    at = ran.index("run")
    assert ran[at:at + 2] == ["run", "--service-ports"] and ran[-3:] == ["admin-dev", "yarn", "dev"], ran
    assert "doctor: running 'yarn' in service 'admin-dev' (run;" in capfd.readouterr().err


def test_yarn_dev_with_admin_dev_up_is_its_own_server(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    code, ran = _exec(tmp_path, monkeypatch, "joanie", ADMIN, ["yarn", "dev"], running=True)
    assert (code, ran) == (1, [])
    assert "'yarn dev' starts a server, and 'admin-dev' is up, serving on the port it publishes (8072)" in (
        capfd.readouterr().err)


def test_yarn_lint_runs_in_admin_dev_as_the_makefile_runs_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, ran = _exec(tmp_path, monkeypatch, "joanie", ADMIN, ["yarn", "lint"], running=False)
    assert code == 0 and "--service-ports" not in ran
    assert ran[ran.index("run"):] == ["run", "--rm", "-T", "admin-dev", "yarn", "lint"]


def test_a_machine_with_yarn_runs_it_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    import test_execute

    made = test_execute.fake_docker

    def with_yarn(folder: Path) -> tuple[dict[str, str], Path]:
        env, record = made(folder)
        yarn = Path(env["PATH"]) / "yarn"
        yarn.write_text("#!/bin/sh\nexit 0\n")
        yarn.chmod(0o755)
        return env, record

    monkeypatch.setattr("test_exec_servers.fake_docker", with_yarn)
    monkeypatch.setattr("doctor.execute.run_process", lambda argv, env: 0)
    code, ran = _exec(tmp_path, monkeypatch, "joanie", ADMIN, ["yarn", "lint"], running=False)
    assert (code, ran) == (0, [])
    assert "doctor: running 'yarn' on the host" in capfd.readouterr().err
