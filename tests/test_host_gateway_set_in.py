"""host-gateway names the env file line a dialed host.docker.internal comes from.

n8n-io/self-hosted-ai-starter-kit (Apache-2.0, 9ccbaf42e0) docker-compose.yml: the `x-n8n` anchor that
`n8n` and `n8n-import` merge sets `OLLAMA_HOST=${OLLAMA_HOST:-ollama:11434}`; its .env.example has Mac
users uncomment `OLLAMA_HOST=host.docker.internal:11434`. On Linux doctor pointed at the compose line,
which names no host.docker.internal: the user was not told that .env's line is the one dialing it.
"""

from __future__ import annotations

import socket
from pathlib import Path

from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

COMPOSE = """x-n8n: &service-n8n
  image: n8nio/n8n:latest
  environment:
    - DB_TYPE=postgresdb
    - OLLAMA_HOST=${OLLAMA_HOST:-ollama:11434}
  env_file:
    - path: .env
      required: true

services:
  n8n-import:
    <<: *service-n8n
    command: ["import:credentials", "--separate", "--input=/demo-data/credentials"]
  n8n:
    <<: *service-n8n
    ports:
      - 5678:5678
"""
DOTENV = """POSTGRES_USER=root

# For Mac users running OLLAMA locally
OLLAMA_HOST=host.docker.internal:{port}
"""


def _messages(project: Path) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "DOCTOR_NO_CACHE": "1"}
    linux = {"OperatingSystem": "Debian GNU/Linux 12", "OSType": "linux"}
    engine = FakeEngine(project / "e.sock", {"/info": linux})
    try:
        env["DOCKER_HOST"] = engine.url
        options = ProjectOptions(path=project, env=env)
        report = preflight(RunOptions(project=options, select=("host-gateway",), env=env), load_registry()).report
    finally:
        engine.close()
    return [f"{f.location.line if f.location else None}: {f.message}" for f in report.findings]


def test_the_env_file_line_setting_the_dialed_variable_is_named(tmp_path: Path) -> None:
    with socket.socket() as listener:  # Ollama's default: 127.0.0.1 only
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        (tmp_path / "docker-compose.yml").write_text(COMPOSE)
        (tmp_path / ".env").write_text(DOTENV.format(port=port))
        found = _messages(tmp_path)
    assert found == [
        "5: 'n8n' dials host.docker.internal (OLLAMA_HOST, set in .env:4); this Linux engine does not resolve it",
        "5: 'n8n-import' dials host.docker.internal (OLLAMA_HOST, set in .env:4); this Linux engine does not "
        "resolve it",
        f"5: 'n8n' dials host.docker.internal:{port} (OLLAMA_HOST, set in .env:4), but the host listens there on "
        "127.0.0.1 only",
        f"5: 'n8n-import' dials host.docker.internal:{port} (OLLAMA_HOST, set in .env:4), but the host listens "
        "there on 127.0.0.1 only",
    ]


def test_a_host_written_on_the_compose_line_names_no_other_file(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE.replace("${OLLAMA_HOST:-ollama:11434}",
                                                                 "host.docker.internal:11434"))
    (tmp_path / ".env").write_text("POSTGRES_USER=root\n")
    assert _messages(tmp_path) == [
        "5: 'n8n' dials host.docker.internal (OLLAMA_HOST); this Linux engine does not resolve it",
        "5: 'n8n-import' dials host.docker.internal (OLLAMA_HOST); this Linux engine does not resolve it",
    ]
