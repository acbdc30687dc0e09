"""leaked-host-port, new-user trials H1 and H2 (python-discord/bot, mozilla/kitsune).

A localhost URL a service's own server code reads is dialed from its container, whatever its scheme and
however its key reads (`URLS_SITE_API`, kitsune's `ES_URLS` to a published port); a browser app's
page keys stay quiet. A `.env` URL dialing a service by name is rewritten on its line. A dev server's
`--proxy http://localhost:8000` in a command dials the peer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions


def run(root: Path, files: dict[str, str]) -> list[Finding]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(LeakedHostPort().run(project, Host(env={})))


BOT = """services:
  {peer}:
    image: {image}
    ports: ["127.0.0.1:{port}:{port}"]
  bot:
    build: .
    depends_on: [{peer}]
    environment:
      {key}: "{url}"
"""
DOCKERFILE = 'FROM python:3.13-slim\nWORKDIR /bot\nCOPY . .\nCMD ["python","app.py"]\n'


def bot(root: Path, key: str, url: str, app: str, peer: str = "web", image: str = "ghcr.io/example/site:latest",
        port: int = 8000, extra: dict[str, str] | None = None) -> list[Finding]:
    files = {"compose.yaml": BOT.format(peer=peer, image=image, port=port, key=key, url=url),
             "Dockerfile": DOCKERFILE, "app.py": app, **(extra or {})}
    return run(root, files)


@pytest.mark.parametrize(("key", "url", "peer", "image", "port"), [
    ("SITE_API_URL", "http://localhost:8000/api", "web", "ghcr.io/example/site:latest", 8000),
    ("URLS_SITE_API", "http://localhost:8000/api", "web", "ghcr.io/example/site:latest", 8000),
    ("URLS_SITE_API", "redis://localhost:6379/0", "redis", "redis:7", 6379),
    ("SEARCH_URL", "http://localhost:8000/api", "web", "ghcr.io/example/site:latest", 8000),
], ids=["site-api-http", "urls-site-api", "site-api-redis", "plain-http"])
def test_a_localhost_url_the_server_code_reads_is_found(tmp_path: Path, key: str, url: str, peer: str, image: str,
                                                        port: int) -> None:
    found = bot(tmp_path, key, url, f'import os; print(os.environ["{key}"])\n', peer, image, port)
    assert [f.message for f in found] == [
        f"{key} host 'localhost' is 'bot' itself in its container (did you mean '{peer}'?): "
        f"'bot' reads {key} in app.py"]
    assert found[0].fix is not None and f"{peer}:{port}" in found[0].fix.title


@pytest.mark.parametrize("key", ["SITE_API_URL", "URLS_SITE_API", "SEARCH_URL"])
def test_the_same_url_its_code_never_reads_stays_a_page(tmp_path: Path, key: str) -> None:
    assert bot(tmp_path, key, "http://localhost:8000/api", "print('hello')\n") == []


def test_a_test_file_alone_is_no_server_reading(tmp_path: Path) -> None:
    found = bot(tmp_path, "SITE_API_URL", "http://localhost:8000/api", "print('hello')\n",
                extra={"tests/test_app.py": 'import os\nos.environ["SITE_API_URL"]\n'})
    assert found == []


@pytest.mark.parametrize("key", ["SITE_URL", "APP_BASE_URL", "DASHBOARD_URL", "PUBLIC_API_URL", "VITE_API_URL",
                                 "NEXT_PUBLIC_API_URL", "REACT_APP_API_URL", "FRONTEND_URL"])
def test_page_keys_the_server_code_reads_stay_quiet(tmp_path: Path, key: str) -> None:
    assert bot(tmp_path, key, "http://localhost:8000/", f'import os; print(os.environ["{key}"])\n') == []


def test_a_published_host_port_the_peer_does_not_listen_on_stays_a_page(tmp_path: Path) -> None:
    compose = BOT.format(peer="web", image="ghcr.io/example/site:latest", port=8000, key="SEARCH_URL",
                         url="http://localhost:9000/").replace('"127.0.0.1:8000:8000"', '"9000:8000"')
    found = run(tmp_path, {"compose.yaml": compose, "Dockerfile": DOCKERFILE,
                           "app.py": 'import os; print(os.environ["SEARCH_URL"])\n'})
    assert found == []


NODE = """services:
  api:
    image: ghcr.io/example/api:latest
    ports: ["8000:8000"]
  front:
    build: .
    environment:
      API_URL: "http://localhost:8000"
"""


@pytest.mark.parametrize(("bundler", "expected"), [(None, 1), ("vite.config.js", 0)], ids=["server", "bundle"])
def test_node_code_counts_unless_it_is_a_browser_bundle(tmp_path: Path, bundler: str | None, expected: int) -> None:
    files = {"compose.yaml": NODE, "Dockerfile": "FROM node:22\nWORKDIR /app\nCOPY . .\n",
             "server.js": "fetch(process.env.API_URL)\n"}
    if bundler:
        files[bundler] = "export default {}\n"
    assert len(run(tmp_path, files)) == expected


KITSUNE = """services:
  web:
    build: .
    env_file: .env
    volumes:
      - ./:/app
    ports: ["8000:8000"]
  elasticsearch:
    image: docker.elastic.co/elasticsearch/elasticsearch:9.2.5
    ports:
      - "9200:9200"
"""


def test_kitsune_es_urls_read_through_decouple_is_found(tmp_path: Path) -> None:
    found = run(tmp_path, {"compose.yaml": KITSUNE, "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n",
                           ".env": "ES_URLS=http://localhost:9200\n",
                           "kitsune/settings.py": 'from decouple import config\nES = config("ES_URLS", default="")\n'})
    assert [f.message for f in found] == [
        "ES_URLS host 'localhost' is 'web' itself in its container (did you mean 'elasticsearch'?): "
        "'web' reads ES_URLS in kitsune/settings.py"]
    loc = found[0].location
    assert loc is not None and loc.path == tmp_path / ".env" and loc.line == 1


DB = """services:
  web:
    build: .
    env_file: {env}
    volumes:
      - ./:/app
  db:
    image: postgres:15.3
    ports:
      - "5433:5432"
"""


@pytest.mark.parametrize("env", [".env", "app.env"])
def test_a_dotenv_url_naming_a_service_is_rewritten_on_its_line(tmp_path: Path, env: str) -> None:
    found = run(tmp_path, {"compose.yaml": DB.format(env=env), "Dockerfile": "FROM python:3.12\nCOPY . /app\n",
                           env: "DATABASE_URL=postgres://u:p@db:5433/app\n",
                           "app/settings.py": 'import os\nDATABASE_URL = os.environ["DATABASE_URL"]\n'})
    assert len(found) == 1 and found[0].fix is not None
    fix = found[0].fix
    assert fix.safety is Safety.UNSAFE and [(e.path, e.line) for e in fix.edits] == [(tmp_path / env, 1)]
    assert fix.edits[0].new == "DATABASE_URL=postgres://u:p@db:5432/app"
    assert "p@" not in fix.title and "db:5432 in place of db:5433" in fix.title


def test_a_dotenv_port_variable_stays_advice(tmp_path: Path) -> None:
    """DB_PORT=5433 in .env names no host: a host tool may dial localhost with it."""
    compose = DB.format(env=".env").replace("  db:", "    environment:\n      DB_HOST: db\n  db:")
    found = run(tmp_path, {"compose.yaml": compose, "Dockerfile": "FROM python:3.12\nCOPY . /app\n",
                           ".env": "DB_PORT=5433\n",
                           "app/settings.py": 'import os\nPORT = os.environ["DB_PORT"]\n'})
    assert len(found) == 1 and found[0].fix is not None
    assert all(e.path != tmp_path / ".env" for e in found[0].fix.edits)


def test_a_dotenv_url_without_a_password_is_rewritten_on_its_line_too(tmp_path: Path) -> None:
    """No host tool resolves `db` either: an override would leave the stale `db:5433` in .env."""
    found = run(tmp_path, {"compose.yaml": DB.format(env=".env"), "Dockerfile": "FROM python:3.12\nCOPY . /app\n",
                           ".env": "DATABASE_URL=postgres://db:5433/app\n",
                           "app/settings.py": 'import os\nDATABASE_URL = os.environ["DATABASE_URL"]\n'})
    assert len(found) == 1 and found[0].fix is not None and found[0].fix.safety is Safety.UNSAFE
    assert [(e.path.name, e.new) for e in found[0].fix.edits] == [(".env", "DATABASE_URL=postgres://db:5432/app")]
    assert not (tmp_path / "compose.override.yaml").exists()


BROWSER_SYNC = """services:
  web:
    build: .
    ports: ["8000:8000"]
  node:
    image: node:22-bookworm
    command: {command}
    ports: ["3000:3000"]
"""


@pytest.mark.parametrize("command", [
    "npx browser-sync start --no-open --proxy http://localhost:8000",
    "npx browser-sync start --no-open --proxy localhost:8000",
    "browser-sync start --proxy=127.0.0.1:8000 --no-open",
    '["npx", "browser-sync", "start", "--proxy", "http://localhost:8000"]',
], ids=["url", "bare", "equals", "list"])
def test_a_dev_servers_proxy_to_localhost_is_found(tmp_path: Path, command: str) -> None:
    found = run(tmp_path, {"compose.yaml": BROWSER_SYNC.format(command=command),
                           "Dockerfile": "FROM python:3.12\nCOPY . /app\n"})
    assert [f.message for f in found] == [
        f"the command of 'node' dials {'127.0.0.1' if '127.' in command else 'localhost'}:8000: inside its container "
        "that is 'node' itself, and 'web' listens on 8000 (did you mean 'web'?)"]
    assert found[0].fix is not None and found[0].fix.safety is Safety.UNSAFE


@pytest.mark.parametrize("command", [
    "npx browser-sync start --no-open --open http://localhost:8000",
    "npx serve --listen localhost:8000",
])
def test_a_page_to_open_in_a_command_stays_quiet(tmp_path: Path, command: str) -> None:
    assert run(tmp_path, {"compose.yaml": BROWSER_SYNC.format(command=command),
                          "Dockerfile": "FROM python:3.12\nCOPY . /app\n"}) == []
