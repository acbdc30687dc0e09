"""service-name-drift names the compose file beside the loaded one that runs a host, where files are named by role.

quarkusio/quarkus-super-heroes (tests/replay/quarkus-super-heroes) keeps its compose files in
deploy/docker-compose named by their role: java25.yml runs the apps, each exporting to
`QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-lgtm:4318`, and monitoring.yml runs 'otel-lgtm' (the guide:
`docker compose -f deploy/docker-compose/java25.yml -f deploy/docker-compose/monitoring.yml up`). Under `-f
deploy/docker-compose/java25.yml` each line was a note "host 'otel-lgtm' names no service on the network" whose
advice was to point the exporter at 'fights-db', 'apicurio', 'fights-kafka'... (databases and a broker): only
`*compose*.yml` files were read as the loaded file's siblings. Where a loaded file is named by its role, any YAML
file beside it is one, so the note names monitoring.yml and the command that adds it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity
from doctor.project import ProjectOptions

CHECK = "service-name-drift"
REPLAY = Path(__file__).parent / "replay" / "quarkus-super-heroes"


def _findings(root: Path, home: Path, files: tuple[Path, ...]) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    project = ProjectOptions(path=root, files=files, env=env)
    options = RunOptions(project=project, select=(CHECK,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]


def _checkout(tmp_path: Path) -> Path:
    top = tmp_path / "quarkus-super-heroes"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def test_the_exporter_s_host_is_named_in_monitoring_yml(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    found = _findings(top, tmp_path, (top / "deploy" / "docker-compose" / "java25.yml",))
    assert len(found) == 6, [f.message for f in found]  # the six apps
    for finding in found:
        assert finding.message.startswith("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT host 'otel-lgtm'"), finding.message
        assert "(it is a service of monitoring.yml, which this run does not read)" in finding.message, finding.message
        assert finding.severity is Severity.INFO
        assert finding.fix is not None and not finding.fix.edits
        assert finding.fix.title == (
            "if the stack needs 'otel-lgtm', start it with monitoring.yml: "
            "docker compose -f java25.yml -f monitoring.yml up"), finding.fix.title


def test_both_files_loaded_are_clean(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    folder = top / "deploy" / "docker-compose"
    assert _findings(top, tmp_path, (folder / "java25.yml", folder / "monitoring.yml")) == []


def _stack(tmp_path: Path, main: str, beside: dict[str, str]) -> list[Finding]:
    top = tmp_path / "stack"
    top.mkdir(parents=True)
    (top / main).write_text("services:\n  app:\n    image: nginx\n    environment:\n"
                            "      OTEL_EXPORTER_OTLP_ENDPOINT: http://collector:4318\n")
    for name, text in beside.items():
        (top / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    [finding] = _findings(top, tmp_path, (top / main,))
    return [finding]


def test_a_yaml_file_declaring_no_services_is_no_sibling(tmp_path: Path) -> None:
    # prometheus.yml beside a role-named app.yml: a config, not a compose file
    [finding] = _stack(tmp_path, "app.yml", {"prometheus.yml": "scrape_configs:\n  - job_name: collector\n"})
    assert "prometheus.yml" not in finding.message and "which this run does not read" not in finding.message


def test_a_compose_named_file_keeps_to_compose_named_siblings(tmp_path: Path) -> None:
    # as before: beside a docker-compose.yml, only `*compose*` files are read as its twins
    collector = "services:\n  collector:\n    image: otel/opentelemetry-collector\n"
    [finding] = _stack(tmp_path, "docker-compose.yml", {"monitoring.yml": collector})
    assert "monitoring.yml" not in finding.message
    [finding] = _stack(tmp_path / "b", "app.yml", {"monitoring.yml": collector})
    assert "(it is a service of monitoring.yml" in finding.message, finding.message
