"""`doctor why` after nginx stops at start on an upstream it cannot resolve.

Before: nginx's `[emerg] host not found in upstream "host.docker.internal:8080" in /etc/nginx/conf.d/default.conf:4`
was read by no signature: `doctor why` showed the log's last stdout line ("Configuration complete; ready for start
up") as the symptom, "no signature of doctor's reads it", and named host-gateway only because it was the service's one
finding. The line now reads as unknown-host, naming the host, so host-gateway's finding for that host explains it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.why.signatures import BAD_ADDRESS, BUILTIN

NGINX = 'host not found in upstream "host.docker.internal:8080" in /etc/nginx/conf.d/default.conf:4'
# stands in for nginx (no registry is reachable): its entrypoint's words on stdout, then nginx's on stderr, exit 1
STANDIN = f"""echo "/docker-entrypoint.sh: Configuration complete; ready for start up"
echo '2026/12/06 11:00:00 [emerg] 1#1: {NGINX}' >&2
echo 'nginx: [emerg] {NGINX}' >&2
exit 1
"""
NGINX_CONF = ("server {\n    listen 80;\n    location / {\n        proxy_pass http://host.docker.internal:8080/;\n"
              "    }\n}\n")
COMPOSE = """services:
  proxy:
    image: {image}
    entrypoint: ["sh", "/standin-nginx.sh"]
    volumes:
      - ./standin-nginx.sh:/standin-nginx.sh:ro
      - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
"""


@pytest.mark.parametrize("line", [
    f"2026/12/06 11:00:00 [emerg] 1#1: {NGINX}", f"nginx: [emerg] {NGINX}",
    'proxy-1  | nginx: [emerg] host not found in upstream "api" in /etc/nginx/nginx.conf:9'])
def test_nginx_s_unresolved_upstream_is_an_unknown_host(line: str) -> None:
    found = BAD_ADDRESS.match(line)
    assert found is not None and found["host"] in ("host.docker.internal", "api"), found
    # the longest reading of the line wins: no other signature reads more of it
    assert max(BUILTIN, key=lambda s: s.span(line)[1] - s.span(line)[0]) is BAD_ADDRESS


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCTOR_"))}


@pytest.mark.docker
def test_why_reads_nginx_s_line_and_names_host_gateway(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    system = subprocess.run([docker_engine, "info", "--format", "{{.OperatingSystem}}"], capture_output=True,
                            text=True, timeout=30).stdout.lower()
    if any(name in system for name in ("docker desktop", "orbstack", "rancher desktop")):
        pytest.skip("this engine answers host.docker.internal itself")
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=busybox_image))
    (tmp_path / "nginx.conf").write_text(NGINX_CONF)
    (tmp_path / "standin-nginx.sh").write_text(STANDIN)
    name = f"doctor-h-fixm2-{uuid.uuid4().hex[:8]}"
    try:
        subprocess.run([docker_engine, "compose", "-p", name, "up", "-d", "--pull", "never"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=180, env=_env())
        subprocess.run([docker_engine, "compose", "-p", name, "wait", "proxy"], cwd=tmp_path, capture_output=True,
                       timeout=60, env=_env())
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", name, "--format", "json", "."],
                              cwd=tmp_path, capture_output=True, text=True, timeout=180, env=_env())
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-t", "0"], cwd=tmp_path, capture_output=True,
                       timeout=120, env=_env())
    assert done.returncode == 1, done
    found = json.loads(done.stdout)["findings"]
    assert [(f["check"], f["file"], f["line"], f["symptom"]["line"], f["symptom"]["signature"]) for f in found] == [
        ("host-gateway", "nginx.conf", 4, f"nginx: [emerg] {NGINX}", "unknown-host")], done.stdout
