"""leaked-host-port for a whole `localhost:PORT` value that is a page, not a dial (a review's finds).

A whole loopback `host:port` under a key naming no host is judged since go-clean-template's
`TRACING_OTLP_ENDPOINT=localhost:4317` beside jaeger (tests/test_leaked_host_port_bare_address.py). It was
judged even where the same value as a URL is a page: `web`'s `CANONICAL: localhost:8080`, the site's
public address behind a proxy publishing `8080:80`, gave `CANONICAL=localhost:8080 is 'web' itself in its
container (did you mean 'proxy'?)` with `fix: set CANONICAL=proxy:80`, which breaks the site's address,
while `CANONICAL: http://localhost:8080` passed. Now such a value is judged only where a peer listens on the
port inside the network, the key says no audience (`MAILPIT_UI`) and no proxy in front of the reader
publishes it. Also: `127.0.0.1:05432` got a fix that changed nothing, and `[::1]:5432` was shown `::1:5432`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("leaked-host-port", "service-name-drift")
COMPOSE = """services:
  web:
    build: .
    environment:
      {key}: "{value}"
  proxy:
    image: nginx:1.27
    ports: ["{published}:80"]
    depends_on: [web]
  db:
    image: postgres:16
  mailpit:
    image: axllent/mailpit:v1.21
    ports: ["8025:8025"]
"""


def _project(tmp_path: Path, key: str, value: str, published: int = 8080) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(key=key, value=value, published=published))
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"http.server\"]\n")
    return tmp_path


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.message) for f in report.findings]


@pytest.mark.parametrize(("key", "value", "published"), [
    ("CANONICAL", "localhost:8080", 8080),
    ("CANONICAL", "http://localhost:8080", 8080),
    ("HOST_HEADER", "localhost:8000", 8000),
    ("MAILPIT_UI", "localhost:8025", 8080),
])
def test_a_bare_loopback_page_is_not_judged(tmp_path: Path, key: str, value: str, published: int) -> None:
    assert _found(_project(tmp_path, key, value, published)) == []


@pytest.mark.parametrize(("value", "shown"), [
    ("localhost:5432", "localhost:5432"), ("127.0.0.1:05432", "127.0.0.1:5432"), ("[::1]:5432", "[::1]:5432")])
def test_a_bare_loopback_dial_is_found_and_fixed_in_one_run(tmp_path: Path, value: str, shown: str) -> None:
    root = _project(tmp_path, "E_ENDPOINT", value)
    assert _found(root) == [("leaked-host-port", f"E_ENDPOINT={shown} is 'web' itself in its container "
                                                 "(did you mean 'db'?): 'web' sets E_ENDPOINT in its environment")]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert (root / "compose.override.yaml").read_text() == (
        'services:\n  web:\n    environment:\n      E_ENDPOINT: "db:5432"\n')
    assert _found(root) == []
