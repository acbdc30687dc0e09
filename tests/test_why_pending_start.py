"""`doctor why` on awesome-compose's nginx-flask-mongo (tests/replay/awesome-compose-nginx-flask-mongo) when `web`'s
`command: /bin/bash -c "envsubst ..."` runs on an image with no bash (`nginx:alpine`; busybox here).

Piped, the engine's `Error response from daemon: failed to create shim task: ... exec: "/bin/bash": stat /bin/bash:
no such file or directory` names no container: it is web's, the one container compose's progress lines show
starting (` Container nfm-web-1  Starting`, no `Started`); before, it went to "(all services)". Live and piped, the
look-at was "the Dockerfile's COPY of that path ... (`docker compose build web`)", with no file:line, for a service
with no build whose own `command:` (compose.yaml:8) names the program; now it is that `command:` line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from portprobe import free_ports
from test_why_live import _blocks, compose, run_why
from why_run import run_why as run_why_piped

from doctor.why.diagnose import ALL_SERVICES
from doctor.why.piped import text_symptoms
from doctor.why.signatures import BUILTIN

REPLAY = Path(__file__).parent / "replay" / "awesome-compose-nginx-flask-mongo"

_RUNC = ('Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: '
         'unable to start container process: exec: "/bin/bash": stat /bin/bash: no such file or directory: unknown')
# the real `docker compose -p nfm up -d` (compose v2 on Debian's docker.io 20.10) of the copy with web on an image
# that has no bash, backend's image built before
UP = f"""\
 Network nfm_default  Creating
 Network nfm_default  Created
 Container nfm-mongo-1  Creating
 Container nfm-mongo-1  Created
 Container nfm-backend-1  Creating
 Container nfm-backend-1  Created
 Container nfm-web-1  Creating
 Container nfm-web-1  Created
 Container nfm-mongo-1  Starting
 Container nfm-mongo-1  Started
 Container nfm-backend-1  Starting
 Container nfm-backend-1  Started
 Container nfm-web-1  Starting
{_RUNC}
"""


def _copy(tmp_path: Path, image: str) -> Path:
    root = tmp_path / "nfm"
    shutil.copytree(REPLAY, root)
    compose_yaml = root / "compose.yaml"
    text = compose_yaml.read_text().replace("image: nginx\n", f"image: {image}\n")
    # a host port free now, not upstream's 80 (a developer's web server, another test run's stack)
    assert "      - 80:80\n" in text
    compose_yaml.write_text(text.replace("      - 80:80\n", f"      - {free_ports(1)[0]}:80\n"))
    return root


def test_the_engine_error_after_one_unanswered_start_is_that_container_s() -> None:
    services = {"web", "backend", "mongo"}
    found = text_symptoms(UP, BUILTIN, services, ALL_SERVICES, 3)
    assert list(found) == ["web"], found
    assert found["web"][0].container == "nfm-web-1" and found["web"][0].signature is not None
    assert found["web"][0].signature.id == "entrypoint-absent"
    # two starts unanswered (compose starts independent containers at once): the engine's error is no one's
    both = UP.replace(" Container nfm-backend-1  Started\n", "")
    assert list(text_symptoms(both, BUILTIN, services, ALL_SERVICES, 3)) == [ALL_SERVICES]
    # the start answered (`Started`) before the error: it is not that container's
    answered = UP.replace(" Container nfm-web-1  Starting\n", " Container nfm-web-1  Starting\n Container nfm-web-1  "
                          "Started\n")
    assert list(text_symptoms(answered, BUILTIN, services, ALL_SERVICES, 3)) == [ALL_SERVICES]


def test_piped_why_names_web_and_its_command_line(tmp_path: Path) -> None:
    root = _copy(tmp_path, "nginx:alpine")
    done = run_why_piped(root, UP, "-p", "nfm")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    blocks = _blocks(done.stdout)
    assert "(all services)" not in done.stdout, done.stdout
    assert blocks["web"].startswith("✗ web"), done.stdout
    assert "compose.yaml:8" in blocks["web"] and "its `command:`, which starts /bin/bash" in blocks["web"], done.stdout
    assert "'nginx:alpine' has no such file" in blocks["web"] and "build web" not in blocks["web"], done.stdout
    as_json = run_why_piped(root, UP, "-p", "nfm", "--format", "json")
    finding = json.loads(as_json.stdout)["findings"][0]
    assert finding["symptom"]["service"] == "web" and finding["subject"] == "web:entrypoint-absent", finding
    assert (finding["file"], finding["line"]) == ("compose.yaml", 8), finding

    assert "may have no bash" in blocks["web"], done.stdout


def test_a_missing_program_that_is_not_bash_gets_no_note_about_bash(tmp_path: Path) -> None:
    root = _copy(tmp_path, "nginx:alpine")
    compose_yaml = root / "compose.yaml"
    compose_yaml.write_text(compose_yaml.read_text().replace("/bin/bash -c", "/app/start.sh -c"))
    done = run_why_piped(root, UP.replace("/bin/bash", "/app/start.sh"), "-p", "nfm")
    web = _blocks(done.stdout)["web"]
    assert "its `command:`, which starts /app/start.sh: the image 'nginx:alpine' has no such file" in web, done.stdout
    assert "bash" not in web.split("look at", 1)[1], done.stdout

def test_a_built_service_s_command_keeps_the_rebuild_advice(tmp_path: Path) -> None:
    root = _copy(tmp_path, "nginx:alpine")
    compose_yaml = root / "compose.yaml"
    compose_yaml.write_text(compose_yaml.read_text().replace("image: nginx:alpine\n", "build: nginx\n"))
    done = run_why_piped(root, UP, "-p", "nfm")
    web = _blocks(done.stdout)["web"]
    assert "compose.yaml:8" in web and "the image built for 'web' has no such file" in web, done.stdout
    assert "`docker compose build web` if the image predates it" in web, done.stdout  # -p nfm: the folder's name


@pytest.mark.docker
def test_live_why_points_at_the_command_the_image_cannot_run(tmp_path: Path, docker_engine: str,
                                                              busybox_image: str) -> None:
    tag = f"doctor-test/why-pending-{uuid.uuid4().hex[:8]}:latest"
    subprocess.run([docker_engine, "tag", busybox_image, tag], check=True, capture_output=True)
    root = _copy(tmp_path, tag)
    name = f"doctor-test-{uuid.uuid4().hex[:8]}"
    try:
        up = compose(docker_engine, root, name, "up", "-d", "--no-deps", "web")
        assert up.returncode != 0 and 'exec: "/bin/bash"' in up.stderr, up.stderr
        status, text = run_why(root, name)
        assert status == 1, text
        web = _blocks(text)["web"]
        assert "compose.yaml:8" in web and "its `command:`, which starts /bin/bash" in web, text
        assert f"'{tag}' has no such file" in web, text
    finally:
        compose(docker_engine, root, name, "down", "-v", "--remove-orphans")
        subprocess.run([docker_engine, "rmi", tag], capture_output=True)
