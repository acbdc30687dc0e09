"""Flask's `app.config.from_prefixed_env()` reads every FLASK_* variable into the app's config.

docker/awesome-compose's nginx-flask-mongo (tests/replay/awesome-compose-nginx-flask-mongo): `backend`
binds ./flask and runs server.py. A developer moves the Mongo address into the project's `.env`,
loaded by `env_file: .env`, as FLASK_MONGO_URI, which `app.config.from_prefixed_env()` (Flask 2.2+, default
prefix FLASK) hands the app as MONGO_URI. The code never writes FLASK_MONGO_URI, so a project-wide
`.env` line was taken for a host tool's and `mongodb://localhost:27017` passed; the app reads it now.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding

CASE = Path(__file__).parent / "replay" / "awesome-compose-nginx-flask-mongo"


def _project(tmp_path: Path, call: str | None) -> Path:
    root = tmp_path / "p"
    shutil.copytree(CASE, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text("FLASK_MONGO_URI=mongodb://localhost:27017/todo\n")
    compose = root / "compose.yaml"
    old = "    environment:\n      - FLASK_SERVER_PORT=9091\n"
    assert old in compose.read_text()
    compose.write_text(compose.read_text().replace(old, "    env_file: .env\n" + old))
    if call is not None:
        server = root / "flask" / "server.py"
        server.write_text(server.read_text().replace("app = Flask(__name__)\n", f"app = Flask(__name__)\n{call}\n"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _findings(root: Path) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=env), load_registry()).report
    return [f for f in report.findings if f.check == "leaked-host-port"]


@pytest.mark.parametrize("call", ["app.config.from_prefixed_env()", 'app.config.from_prefixed_env(prefix="FLASK")',
                                  "app.config.from_prefixed_env(loads=json.loads)"])
def test_from_prefixed_env_reads_the_flask_keys(tmp_path: Path, call: str) -> None:
    (finding,) = _findings(_project(tmp_path, call))
    assert finding.location is not None and (finding.location.path.name, finding.location.line) == (".env", 1)
    assert finding.message == ("FLASK_MONGO_URI host 'localhost' is 'backend' itself in its container (did you mean "
                               "'mongo'?): 'backend' reads FLASK_MONGO_URI in flask/server.py")


@pytest.mark.parametrize("call", [None, 'app.config.from_prefixed_env("TODO")', "# app.config.from_prefixed_env",
                                  'app.config.from_prefixed_env(loads=json.loads, prefix="TODO")'])
def test_no_call_or_another_prefix_reads_nothing(tmp_path: Path, call: str | None) -> None:
    assert _findings(_project(tmp_path, call)) == []
