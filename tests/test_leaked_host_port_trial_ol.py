"""leaked-host-port, new-user trial D3 (internetarchive/openlibrary).

openlibrary's `solr-updater` gets `OL_URL=http://web:8080/` and passes it to a Python updater from its
start script. Written `http://localhost:8080/` it dials the updater's own container, yet it passed as a
page to open: an http URL to a port the project publishes. A service that publishes no port and runs
neither Node nor a static web server serves the developer's browser no page: it dials the URL itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.leaked_host_port import LeakedHostPort

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions


def run(root: Path, files: dict[str, str]) -> list[Finding]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(LeakedHostPort().run(project, Host(env={})))


TWO = """services:
  web:
    image: busybox
    {listens}
  updater:
    image: {image}
    {own}environment: ["{key}={value}"]
"""


def two(root: Path, value: str, key: str = "OL_URL", listens: str = 'ports: ["8080:8080"]',
        image: str = "busybox", own: str = "") -> list[Finding]:
    return run(root, {"compose.yaml": TWO.format(listens=listens, key=key, value=value, image=image, own=own)})


@pytest.mark.parametrize(("key", "value", "listens", "fixed"), [
    ("OL_URL", "http://localhost:8080/", 'ports: ["8080:8080"]', "http://web:8080/"),
    ("OL_URL", "http://127.0.0.1:8080/", 'ports: ["8080:8080"]', "http://web:8080/"),
    ("OL_URL", "http://localhost:8080/", 'expose: ["8080"]', "http://web:8080/"),
    ("OL_HOST", "localhost:8080", 'ports: ["8080:8080"]', "web:8080"),
], ids=["localhost", "loopback-ip", "expose-only", "host-key"])
def test_a_localhost_url_of_a_service_serving_no_page_is_found(tmp_path: Path, key: str, value: str,
                                                               listens: str, fixed: str) -> None:
    found = two(tmp_path, value, key, listens)
    assert len(found) == 1, [f.message for f in found]
    host = value.split("://")[-1].split(":")[0]
    shown = f"{key} host '{host}'" if "://" in value else f"{key}={value}"  # a `host:port` shows its port
    assert found[0].message == (f"{shown} is 'updater' itself in its container (did you mean 'web'?): "
                                f"'updater' sets {key} in its environment")
    assert found[0].fix is not None and f"{key}={fixed} " in found[0].fix.title + " "
    assert found[0].subject == f"updater:{key}"


def test_a_host_port_the_peer_only_publishes_stays_a_page(tmp_path: Path) -> None:
    """`localhost:8081` behind `"8081:8080"` is the address the host sees: written for a browser (twenty's
    SERVER_URL, lago's), whoever holds it."""
    assert two(tmp_path, "http://localhost:8081/", listens='ports: ["8081:8080"]') == []


def test_a_service_that_publishes_a_port_keeps_the_url_a_page(tmp_path: Path) -> None:
    """A service the browser opens may put the URL in its pages (an API URL its frontend calls)."""
    assert two(tmp_path, "http://localhost:8080/", own='ports: ["3000:3000"]\n    ') == []


@pytest.mark.parametrize("image", ["node:22", "nginx:1.27", "caddy:2"])
def test_a_node_or_static_web_server_keeps_the_url_a_page(tmp_path: Path, image: str) -> None:
    """Behind a proxy it publishes nothing, yet its bundle runs in the developer's browser."""
    assert two(tmp_path, "http://localhost:8080/", image=image) == []


def test_its_own_port_is_quiet(tmp_path: Path) -> None:
    compose = """services:
  web:
    image: busybox
    ports: ["8080:8080"]
    environment: ["OL_URL=http://localhost:8080/"]
"""
    assert run(tmp_path, {"compose.yaml": compose}) == []


def test_openlibrary_solr_updater_reading_it_in_its_start_script(tmp_path: Path) -> None:
    """The repo, webpack.config.js and all, is mounted into it; its start script reads OL_URL."""
    compose = """services:
  web:
    image: "${OLIMAGE:-oldev:latest}"
    command: docker/ol-web-start.sh
    ports:
      - ${WEB_PORT:-8080}:8080
    networks: [webnet]
  solr-updater:
    image: "${OLIMAGE:-oldev:latest}"
    command: docker/ol-solr-updater-start.sh
    environment:
      - OL_CONFIG=conf/openlibrary.yml
      - OL_URL=http://localhost:8080/
    networks: [webnet]
networks:
  webnet:
"""
    override = """services:
  web:
    build: {context: ., dockerfile: docker/Dockerfile.oldev}
    volumes: [".:/openlibrary"]
  solr-updater:
    build: {context: ., dockerfile: docker/Dockerfile.oldev}
    volumes: [".:/openlibrary"]
"""
    found = run(tmp_path, {
        "compose.yaml": compose, "compose.override.yaml": override,
        "docker/Dockerfile.oldev": "FROM openlibrary/olbase:latest\nCOPY . /openlibrary\n",
        "docker/ol-solr-updater-start.sh": '#!/bin/bash\npython scripts/solr_updater.py --ol-url "$OL_URL"\n',
        "docker/ol-web-start.sh": "#!/bin/bash\nexec gunicorn\n",
        "webpack.config.js": "module.exports = {}\n", "scripts/solr_updater.py": "import sys\n"})
    assert [(f.message, f.location.line if f.location else None) for f in found] == [(
        "OL_URL host 'localhost' is 'solr-updater' itself in its container (did you mean 'web'?): "
        "'solr-updater' reads OL_URL in docker/ol-solr-updater-start.sh", 13)]
    fix = found[0].fix
    assert fix is not None and [e.path.name for e in fix.edits] == ["compose.override.yaml"]
    assert str(fix.edits[0].new).endswith(
        '  solr-updater:\n    build: {context: ., dockerfile: docker/Dockerfile.oldev}\n'
        '    volumes: [".:/openlibrary"]\n    environment:\n      OL_URL: "http://web:8080/"\n')


def test_the_listeners_own_public_url_given_to_its_workers_is_quiet(tmp_path: Path) -> None:
    """redash's REDASH_HOST (the site's address for links in alert mails) in server, scheduler and worker."""
    compose = """x-env: &env
  REDASH_HOST: http://localhost:5000
services:
  server:
    image: busybox
    ports: ["5000:5000"]
    environment: *env
  scheduler:
    image: busybox
    environment: *env
"""
    assert run(tmp_path, {"compose.yaml": compose}) == []
    # the same worker without the listener's own copy dials it: found
    found = run(tmp_path, {"compose.yaml": compose.replace("    environment: *env\n  scheduler", "  scheduler")})
    assert [f.message for f in found] == [
        "REDASH_HOST host 'localhost' is 'scheduler' itself in its container (did you mean 'server'?): "
        "'scheduler' sets REDASH_HOST in its environment"]
