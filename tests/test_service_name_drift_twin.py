"""A host that is a service of the project's other compose file: ckan-docker's shared `.env`.

`docker-compose.yml` runs `ckan`, `docker-compose.dev.yml` runs `ckan-dev`, and both load one
`.env` whose `CKAN__DATAPUSHER__CALLBACK_URL_BASE=http://ckan:5000` is right for the first only.
Under `-f docker-compose.dev.yml` it names no service: a warning that says which file has it and
which peer of the files in use listens on the port, with advice that leaves the shared line alone.
"""

from __future__ import annotations

from pathlib import Path

from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions

PROD = ("services:\n  ckan:\n    image: ckan/ckan-base:2.11\n    env_file: .env\n    ports:\n      - 5000:5000\n"
        "  datapusher:\n    image: ckan/ckan-base-datapusher:0.0.21\n")
DEV = ("services:\n  ckan-dev:\n    image: ckan/ckan-dev:2.11\n    env_file: .env\n    ports:\n      - 5000:5000\n"
       "  datapusher:\n    image: ckan/ckan-base-datapusher:0.0.21\n")


def run(root: Path, dev: str = DEV, dotenv: str = "CKAN__DATAPUSHER__CALLBACK_URL_BASE=http://ckan:5000\n",
        prod: str | None = PROD) -> list[Finding]:
    if prod is not None:
        (root / "docker-compose.yml").write_text(prod)
    (root / "docker-compose.dev.yml").write_text(dev)
    (root / ".env").write_text(dotenv)
    options = ProjectOptions(path=root, files=(root / "docker-compose.dev.yml",),
                             env={"PATH": "/usr/bin:/bin", "HOME": str(root)})
    return list(ServiceNameDrift().run(Project(options), Host(env={})))


def test_a_shared_env_line_naming_the_other_files_service_is_a_warning_with_advice(tmp_path: Path) -> None:
    [finding] = run(tmp_path)
    assert finding.severity is Severity.WARNING
    assert finding.message == ("CKAN__DATAPUSHER__CALLBACK_URL_BASE host 'ckan' names no service on the network of "
                               "docker-compose.dev.yml (it is a service of docker-compose.yml, which this run does "
                               "not read)")
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE and finding.fix.title == (
        "in docker-compose.dev.yml, set CKAN__DATAPUSHER__CALLBACK_URL_BASE in the environment of 'ckan-dev', "
        "with 'ckan-dev' in place of 'ckan' (the .env line is right for docker-compose.yml's 'ckan')")


def test_written_in_the_file_in_use_it_is_rewritten_there(tmp_path: Path) -> None:
    dev = DEV.replace("    env_file: .env\n", "    environment:\n      CALLBACK_URL_BASE: http://ckan:5000\n", 1)
    [finding] = run(tmp_path, dev=dev, dotenv="")
    assert "did you mean 'ckan-dev'?" in finding.message
    assert finding.fix is not None and finding.fix.title == "replace 'ckan' by 'ckan-dev' in CALLBACK_URL_BASE"


def test_without_the_twin_file_it_stays_a_note(tmp_path: Path) -> None:
    [finding] = run(tmp_path, prod=None)
    assert finding.severity is Severity.INFO


def test_a_host_of_an_optional_file_with_no_peer_here_says_how_to_start_it(tmp_path: Path) -> None:
    """opentelemetry-demo's JAEGER_HOST=jaeger: compose.observability.yaml runs it; no service of
    compose.yaml listens on its port. A note with the command that starts both, not a list of peers."""
    (tmp_path / "compose.observability.yaml").write_text("services:\n  jaeger:\n    image: jaegertracing/all-in-one\n")
    (tmp_path / "compose.yaml").write_text("services:\n  frontend:\n    image: otel/demo\n    env_file: .env\n")
    (tmp_path / ".env").write_text("JAEGER_HOST=jaeger\n")
    options = ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    [finding] = list(ServiceNameDrift().run(Project(options), Host(env={})))
    assert finding.severity is Severity.INFO
    assert finding.fix is not None and finding.fix.title == (
        "if the stack needs 'jaeger', start it with compose.observability.yaml: "
        "docker compose -f compose.yaml -f compose.observability.yaml up")


def test_the_command_that_starts_the_optional_file_quotes_its_paths(tmp_path: Path) -> None:
    """From the folder above a project in `my stack`, the command named `-f my stack/compose.yaml`:
    pasted, compose read a file `my` and `stack/compose.yaml` as a service name."""
    root = tmp_path / "my stack"
    root.mkdir()
    (root / "compose.observability.yaml").write_text("services:\n  jaeger:\n    image: jaegertracing/all-in-one\n")
    (root / "compose.yaml").write_text("services:\n  frontend:\n    image: otel/demo\n    env_file: .env\n")
    (root / ".env").write_text("JAEGER_HOST=jaeger\n")
    options = ProjectOptions(path=root, cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    [finding] = list(ServiceNameDrift().run(Project(options), Host(env={})))
    assert finding.fix is not None and finding.fix.title.endswith(
        ": docker compose -f 'my stack/compose.yaml' -f 'my stack/compose.observability.yaml' up")


def test_a_host_several_optional_files_declare_names_them_all(tmp_path: Path) -> None:
    """nautobot's development/: `db` is in docker-compose.postgres.yml, .mysql.yml and .dolt.yml (and
    14 files sit beside docker-compose.yml): the note named dolt's alone and offered its `up`."""
    for name in ("dolt", "mysql", "postgres", *(f"x{n}" for n in range(10))):
        (tmp_path / f"docker-compose.{name}.yml").write_text(
            f"services:\n  {'db' if name in ('dolt', 'mysql', 'postgres') else 'other'}:\n    image: busybox\n")
    (tmp_path / "docker-compose.yml").write_text("services:\n  nautobot:\n    image: nautobot\n    env_file: dev.env\n")
    (tmp_path / "dev.env").write_text("NAUTOBOT_DB_HOST=db\n")
    options = ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    [finding] = list(ServiceNameDrift().run(Project(options), Host(env={})))
    assert finding.message.endswith("(it is a service of docker-compose.dolt.yml, docker-compose.mysql.yml and "
                                    "docker-compose.postgres.yml, which this run does not read)"), finding.message
    assert finding.fix is not None and finding.fix.title == (
        "if the stack needs 'db', add one of docker-compose.dolt.yml, docker-compose.mysql.yml or "
        "docker-compose.postgres.yml to the command with -f")
