"""leaked-host-port on gusseppe/smartdeploy (tests/replay/smartdeploy), run as its run.sh runs it:
`-f docker-compose-local.yml --env-file default.env`, so compose interpolates from default.env and
reads no `.env`, though one is committed beside it.

1. MINIO_PORT=9002 in default.env (another host port for 's3', `${MINIO_PORT}:9000`): the finding for
   `MLFLOW_S3_ENDPOINT_URL=http://s3:${MINIO_PORT}` ended "; .env:13 sets MINIO_PORT=9000", a file compose
   does not read and a port that is not the one dialed; it now names default.env:13 and 9002.
2. `MLFLOW_S3_ENDPOINT_URL=http://localhost:${MINIO_PORT}` in 'tracking_server' (`mlflow server`, whose
   artifact store is boto3 on that endpoint): localhost is the MLflow container, yet nothing was reported,
   since 'tracking_server' publishes its UI and an http URL to a port the project publishes passed for a
   page to open. An S3 endpoint's key is its S3 client's, not a browser's: reported, and one `doctor fix`
   writes `http://s3:9000` on its line.

Precision: upstream as it is, and the same URL under a key naming the browser (`..._PUBLIC`), report nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "smartdeploy"
# tracking_server's line (jupyterlab's, the same words, follows MLFLOW_TRACKING_URI)
ENDPOINT = "      - AWS_SECRET_ACCESS_KEY=${MINIO_SECRET_ACCESS_KEY}\n      - MLFLOW_S3_ENDPOINT_URL=http://s3:${MINIO_PORT}\n"


def _copy(tmp_path: Path) -> Path:
    top = tmp_path / "smartdeploy"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top / "local"


def _findings(local: Path, tmp_path: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    project = ProjectOptions(path=local, files=(local / "docker-compose-local.yml",),
                             env_files=(local / "default.env",), env=env, cwd=local)
    options = RunOptions(project=project, select=("leaked-host-port",), env=env)
    return list(preflight(options, load_registry()).report.findings)


def _plant(local: Path, old: str, new: str, name: str = "docker-compose-local.yml") -> None:
    path = local / name
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def test_upstream_as_it_is_reports_nothing(tmp_path: Path) -> None:
    assert _findings(_copy(tmp_path), tmp_path) == []


def test_the_port_is_named_from_the_env_file_compose_reads(tmp_path: Path) -> None:
    local = _copy(tmp_path)
    _plant(local, "MINIO_PORT=9000\n", "MINIO_PORT=9002\n", "default.env")
    found = {f.message for f in _findings(local, tmp_path) if f.message.startswith("MLFLOW_S3_ENDPOINT_URL dials")}
    assert found, "no finding for MLFLOW_S3_ENDPOINT_URL"
    for message in found:
        assert "s3:9002" in message, message
        assert message.endswith("; default.env:13 sets MINIO_PORT=9002"), message
        assert ".env:13 sets MINIO_PORT=9000" not in message, message


def test_an_s3_endpoint_on_localhost_in_a_service_serving_a_ui_is_its_own_container(tmp_path: Path) -> None:
    local = _copy(tmp_path)
    _plant(local, ENDPOINT, ENDPOINT.replace("//s3:", "//localhost:"))
    [finding] = _findings(local, tmp_path)
    assert finding.message.startswith("MLFLOW_S3_ENDPOINT_URL host 'localhost' is 'tracking_server' itself in its "
                                      "container (did you mean 's3'?)"), finding.message
    assert finding.location is not None and finding.location.line == 68
    assert finding.fix is not None and finding.fix.edits
    [edit] = finding.fix.edits
    assert "http://s3:9000" in str(edit.new) and "localhost" in str(edit.old), edit


def test_one_fix_settles_it_and_a_second_changes_nothing(tmp_path: Path) -> None:
    local = _copy(tmp_path)
    _plant(local, ENDPOINT, ENDPOINT.replace("//s3:", "//localhost:"))
    before = (local / "docker-compose-local.yml").read_text()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1", "NO_COLOR": "1"}
    # the doctor of this interpreter (no `doctor` on a CI job's PATH), its env fixes alone: the stack publishes
    # MINIO_PORT's 9000 and more, which a developer's own stack may hold, and port-collision's move of MINIO_PORT
    # would make every `http://s3:${MINIO_PORT}` a host port for leaked-host-port to rewrite
    command = [sys.executable, "-m", "doctor", "fix", "--env", "--yes", "-f", "docker-compose-local.yml",
               "--env-file", "default.env", "."]
    first = subprocess.run(command, cwd=local, env=env, capture_output=True, text=True, check=False, timeout=180)
    assert "applied  leaked-host-port" in first.stdout, first.stdout + first.stderr
    after = (local / "docker-compose-local.yml").read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("      - MLFLOW_S3_ENDPOINT_URL=http://localhost:${MINIO_PORT}",
                        "      - MLFLOW_S3_ENDPOINT_URL=http://s3:9000")]
    assert _findings(local, tmp_path) == []
    second = subprocess.run(command, cwd=local, env=env, capture_output=True, text=True, check=False, timeout=180)
    assert "0 applied" in second.stdout or "nothing to fix" in second.stdout, second.stdout
    assert (local / "docker-compose-local.yml").read_text() == after


def test_a_key_naming_the_browser_stays_a_page(tmp_path: Path) -> None:
    local = _copy(tmp_path)
    _plant(local, ENDPOINT, ENDPOINT + "      - AWS_S3_ENDPOINT_URL_PUBLIC=http://localhost:${MINIO_PORT}\n")
    assert _findings(local, tmp_path) == []
