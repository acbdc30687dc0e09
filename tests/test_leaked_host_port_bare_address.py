"""leaked-host-port for a whole `localhost:PORT` value: go-clean-template (tests/replay/go-clean-template).

evrone/go-clean-template gives 'app' `TRACING_OTLP_ENDPOINT: "jaeger:4317"`, the OTLP exporter's
`host:port` (no scheme), beside `jaeger` listening on 4317. Planted as a developer copying the host's
value from `.env.example`: `localhost:4317`, the app's own container. doctor said nothing: a value with
no `://` was read for a host only under a `*_HOST`/`*_ADDR`-style key, so the exporter dialed itself
unseen, while `REDIS_ADDR=localhost:6379` was an error. Now a whole loopback `host:port` under any key
that dials is judged like one: an error at its line, fixed in a new dev override in one run. Also
planted: `env_file: .env` (copied from `.env.example`) in place of the anchor, where its
`RMQ_RPC_SERVER=rpc_server`, an exchange name beside `RMQ_URL=amqp://...@localhost:5672/`, was a
service-name-drift note as though it named a host.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "go-clean-template"
COMPOSE = "docker-compose.yml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("leaked-host-port", "service-name-drift")
UPSTREAM = 'TRACING_OTLP_ENDPOINT: "jaeger:4317"'
ANCHOR = "    environment:\n      <<: *x-backend-app-environment\n"


def _copy(tmp_path: Path, endpoint: str | None = None) -> Path:
    root = tmp_path / "go-clean-template"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / COMPOSE
    text = compose.read_text()
    assert text.count(UPSTREAM) == 1
    if endpoint is not None:
        compose.write_text(text.replace(UPSTREAM, f'TRACING_OTLP_ENDPOINT: "{endpoint}"'))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, str, int | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.severity.name.lower(), f.message, f.location.line if f.location else None)
            for f in report.findings]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_localhost_otlp_endpoint_is_the_app_itself_and_one_fix_settles_it(tmp_path: Path) -> None:
    root = _copy(tmp_path, "localhost:4317")
    assert _found(root) == [(
        "leaked-host-port", "error",
        "TRACING_OTLP_ENDPOINT=localhost:4317 is 'app' itself in its container (did you mean 'jaeger'?): "
        "'app' reads TRACING_OTLP_ENDPOINT in config/config.go", 41)]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert (root / "docker-compose.override.yml").read_text() == (
        'services:\n  app:\n    environment:\n      TRACING_OTLP_ENDPOINT: "jaeger:4317"\n')
    assert _found(root) == []
    settled = _tree(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert _tree(root) == settled


def test_a_loopback_ip_is_judged_and_a_port_no_peer_listens_on_is_not(tmp_path: Path) -> None:
    found = _found(_copy(tmp_path / "a", "127.0.0.1:4317"))
    assert [(c, s, line) for c, s, _, line in found] == [("leaked-host-port", "error", 41)]
    assert found[0][2].startswith("TRACING_OTLP_ENDPOINT=127.0.0.1:4317 is 'app' itself in its container")
    assert _found(_copy(tmp_path / "b", "localhost:9999")) == []


def test_the_project_as_cloned_stays_clean(tmp_path: Path) -> None:
    assert _found(_copy(tmp_path)) == []


def test_the_host_env_file_loaded_whole_names_its_localhost_lines_and_no_exchange(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    compose = root / COMPOSE
    text = compose.read_text()
    assert text.count(ANCHOR) == 1
    compose.write_text(text.replace(ANCHOR, "    env_file: .env\n"))
    shutil.copyfile(root / ".env.example", root / ".env")
    found = _found(root)
    assert [(c, s, line) for c, s, _, line in found] == [
        ("leaked-host-port", "error", 11), ("leaked-host-port", "error", 17), ("leaked-host-port", "error", 20),
        ("leaked-host-port", "error", 27)]
    assert found[3][2].startswith("TRACING_OTLP_ENDPOINT=localhost:4317 is 'app' itself in its container "
                                  "(did you mean 'jaeger'?)")
