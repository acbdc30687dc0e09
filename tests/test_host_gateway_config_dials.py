"""host-gateway on a dial compose never sees: a proxy's upstream in a config file bound into it, an app's own `.env`.

Before: nginx's `./nginx.conf:/etc/nginx/conf.d/default.conf` with `proxy_pass http://host.docker.internal:PORT/;`, and
an app's `.env` (`API_URL=http://host.docker.internal:8080`, read by its `load_dotenv()` through a `.:/app` bind),
with no extra_hosts, were no finding on a plain Linux engine, where the proxy stops at start ("host not found in
upstream": the stand-in below resolves the upstream as nginx does, with busybox's `nc`) and the app cannot connect.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from host_gateway_live import clean_env, run_doctor, skip_where_the_engine_answers_the_name

# stands in for nginx (no registry is reachable): it resolves the upstream of conf.d/default.conf at start and
# stops when the name resolves nowhere, as nginx does ("[emerg] host not found in upstream")
STANDIN = r"""up=$(busybox awk '$1 == "proxy_pass" {u=$2; sub(/;$/, "", u); sub(/^[a-z]+:\/\//, "", u);
sub(/\/.*/, "", u); print u; exit}' /etc/nginx/conf.d/default.conf)
said=$(busybox nc -w 2 "${up%:*}" "${up##*:}" </dev/null 2>&1)
echo "$said"
case "$said" in *"bad address"*) echo "[emerg] host not found in upstream \"$up\""; exit 1;; esac
exec sleep 3600
"""

NGINX_CONF = """server {{
    listen 80;
    server_name host.docker.internal;
    # proxy_pass http://host.docker.internal:1/;
    location / {{
        proxy_pass http://host.docker.internal:{port}/;
    }}
}}
"""

COMPOSE = """services:
  proxy:
    image: {image}
    entrypoint: ["sh", "/standin-nginx.sh"]
    volumes:
      - ./standin-nginx.sh:/standin-nginx.sh:ro
      - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
"""


def _findings(project: Path) -> list[tuple[str, int, str]]:
    done = run_doctor(project, "preflight", "--select", "host-gateway", "--format", "json")
    return [(f["file"], f["line"], f["message"]) for f in json.loads(done.stdout)["findings"]]


def _up(docker: str, project: Path, name: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """`up --wait` of the proxy, and what it logged."""
    up = subprocess.run([docker, "compose", "-p", name, "up", "-d", "--pull", "never", "--wait", "--wait-timeout",
                         "30"], cwd=project, capture_output=True, text=True, timeout=180, env=clean_env())
    logs = subprocess.run([docker, "compose", "-p", name, "logs", "--no-log-prefix"], cwd=project,
                          capture_output=True, text=True, timeout=60, env=clean_env())
    return up, logs.stdout + logs.stderr


def _down(docker: str, project: Path, name: str) -> None:
    subprocess.run([docker, "compose", "-p", name, "down", "-t", "0"], cwd=project, capture_output=True, timeout=120,
                   env=clean_env())


@pytest.mark.docker
def test_a_proxy_upstream_in_a_bound_config_file_is_found_and_fixed(tmp_path: Path, docker_engine: str,
                                                                   busybox_image: str, held_port: int) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=busybox_image))
    (tmp_path / "nginx.conf").write_text(NGINX_CONF.format(port=held_port))
    (tmp_path / "standin-nginx.sh").write_text(STANDIN)
    skip_where_the_engine_answers_the_name(docker_engine)
    name = f"doctor-h-hgconf-{uuid.uuid4().hex[:8]}"
    try:
        up, logs = _up(docker_engine, tmp_path, name)
    finally:
        _down(docker_engine, tmp_path, name)
    assert up.returncode != 0 and "host not found in upstream" in logs, up.stdout + up.stderr + logs
    # the commented proxy_pass and server_name name the host too, and dial nothing
    assert _findings(tmp_path) == [("nginx.conf", 6, "'proxy' dials host.docker.internal (proxy_pass in nginx.conf); "
                                                     "this Linux engine does not resolve it")]
    assert run_doctor(tmp_path, "fix", "--hosts", "--yes").returncode == 0
    try:
        up, logs = _up(docker_engine, tmp_path, name)
    finally:
        _down(docker_engine, tmp_path, name)
    assert up.returncode == 0 and "bad address" not in logs, up.stdout + up.stderr + logs
    assert _findings(tmp_path) == []
