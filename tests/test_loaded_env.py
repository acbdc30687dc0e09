"""leaked-host-port and service-name-drift on the `.env` a Node app loads in its container.

hagopj13/node-express-boilerplate (tests/replay/node-express-boilerplate) loads `.env` through the
`.:/usr/src/node-app` bind with `dotenv.config({ path: path.join(__dirname, '../../.env') })`. Before,
neither check read that file: `127.0.0.1`, a host-side port or a host naming no service there gave no
finding. Node's dotenv keeps what compose sets (no finding then), unless the call overrides.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity

REPLAY = Path(__file__).parent / "replay"
CHECKS = ("leaked-host-port", "service-name-drift", "dotenv-override")


def _findings(root: Path, *files: str) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, env=env, files=tuple(root / f for f in files))
    report = preflight(RunOptions(project=options, select=CHECKS, env=env), load_registry()).report
    return [f for f in report.findings if f.check in CHECKS and f.severity is not Severity.INFO]


def _shown(root: Path, findings: list[Finding]) -> list[tuple[str, str, int | None, str]]:
    return [(f.check, f.location.path.relative_to(root).as_posix() if f.location else "", f.location.line
             if f.location else None, f.message) for f in findings]


def _boilerplate(root: Path, mongodb_url: str | None, compose_sets: bool = False) -> Path:
    """The boilerplate as cloned, .env.example copied to .env (MONGODB_URL at line 5, rewritten when
    given), compose's MONGODB_URL dropped unless `compose_sets`."""
    shutil.copytree(REPLAY / "node-express-boilerplate", root)
    text = (root / ".env.example").read_text()
    if mongodb_url is not None:
        text = text.replace("MONGODB_URL=mongodb://127.0.0.1:27017/node-boilerplate", f"MONGODB_URL={mongodb_url}")
    (root / ".env").write_text(text)
    if not compose_sets:
        compose = root / "docker-compose.yml"
        compose.write_text(compose.read_text().replace(
            "    environment:\n      - MONGODB_URL=mongodb://mongodb:27017/node-boilerplate\n", ""))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


NODE = ("docker-compose.yml", "docker-compose.dev.yml")


def test_node_dotenv_localhost_is_leaked_host_port_at_the_env_line(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", None)
    found = [f for f in _findings(root, *NODE) if f.check == "leaked-host-port"]
    assert _shown(root, found) == [(
        "leaked-host-port", ".env", 5, "MONGODB_URL host '127.0.0.1' is 'node-app' itself in its container "
        "(did you mean 'mongodb'?): 'node-app' reads MONGODB_URL in src/config/config.js")]
    assert found[0].severity is Severity.ERROR


def test_node_dotenv_host_naming_no_service_is_service_name_drift(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", "mongodb://mongo-db:27017/node-boilerplate")
    assert _shown(root, _findings(root, *NODE)) == [(
        "service-name-drift", ".env", 5, "MONGODB_URL host 'mongo-db' names no service on the network "
        "(did you mean 'mongodb'?)")]


def test_node_dotenv_host_side_port_is_leaked_host_port(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", "mongodb://mongodb:27018/node-boilerplate")
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("'27017:27017'", "'27018:27017'"))
    (finding,) = _findings(root, *NODE)
    assert (finding.check, finding.location and finding.location.line) == ("leaked-host-port", 5), finding
    assert finding.message.startswith("MONGODB_URL dials mongodb:27018, the host port of 'mongodb', "
                                      "which listens on 27017 inside the network"), finding.message


@pytest.mark.parametrize("url", ["mongodb://127.0.0.1:27017/node-boilerplate", "mongodb://mongo-db:27017/x"])
def test_node_dotenv_leaves_what_compose_sets(tmp_path: Path, url: str) -> None:
    """Without `override: true` compose's MONGODB_URL wins: the file's value never reaches the app."""
    assert _findings(_boilerplate(tmp_path / "p", url, compose_sets=True), *NODE) == []


def test_node_dotenv_override_beats_compose_and_is_judged(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", "mongodb://mongo-db:27017/x", compose_sets=True)
    config = root / "src" / "config" / "config.js"
    config.write_text(config.read_text().replace("'../../.env') })", "'../../.env'), override: true })"))
    assert [(f.check, f.location and f.location.line) for f in _findings(root, *NODE)] == [
        ("dotenv-override", 5), ("service-name-drift", 5)]
