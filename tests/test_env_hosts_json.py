"""A host inside a JSON env value (uktrade/data-hub-api's `.env` `DATABASE_CREDENTIALS={"username": ...,
"port": 5432, "host": "postgres"}`, read whole by `database_url_from_env`): a drifted `"host"` went
unnoticed while the same drift in a `DATABASE_URL` line was caught."""

from __future__ import annotations

from pathlib import Path

from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.env_hosts import HostRef, host_refs, json_port_value

CREDENTIALS = '{"username": "postgres", "password": "s3cretpw", "port": 5433, "dbname": "d", "host": "postgresserver"}'
COMPOSE = ("services:\n  api: {image: busybox, env_file: .env, depends_on: [postgres]}\n"
           "  postgres: {image: busybox, ports: [\"5433:5432\"]}\n")


def run(root: Path, env: str) -> list[Finding]:
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env").write_text(env)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


def test_the_host_and_port_fields_of_a_json_object_are_one_reference() -> None:
    assert list(host_refs("DATABASE_CREDENTIALS", CREDENTIALS, json=True)) == [
        HostRef("DATABASE_CREDENTIALS", "postgresserver", 5433, None, True, "host")]
    # nested objects, a string port, a host field written with its port, any case of the field's name
    assert [(r.host, r.port, r.field) for r in host_refs("DATABASES", '{"default": {"HOST": "db", "PORT": "5432"}}',
                                                         json=True)] == [("db", 5432, "HOST")]
    assert [(r.host, r.port) for r in host_refs("CACHE", '{"server": "cache:6379"}', json=True)] == [("cache", 6379)]


def test_only_a_caller_that_asks_gets_json_hosts_and_no_json_object_names_one() -> None:
    assert list(host_refs("DATABASE_CREDENTIALS", CREDENTIALS)) == []  # leaked-host-port cannot rewrite them yet
    for value in ('{"host": ', '["db"]', '{"hosts": ["a"]}', '{"host": 5}', '{"host": "", "port": 1}'):
        assert list(host_refs("DATABASE_CREDENTIALS", value, json=True)) == []
    # a URL in a field is the URL search's, found once
    assert [(r.host, r.scheme) for r in host_refs("CFG", '{"host": "redis://cache:6379"}', json=True)] == [
        ("cache", "redis")]


def test_the_port_beside_a_json_host_is_rewritten_alone() -> None:
    [ref] = host_refs("DATABASE_CREDENTIALS", CREDENTIALS, json=True)
    assert json_port_value(CREDENTIALS, ref, 5432) == CREDENTIALS.replace('"port": 5433', '"port": 5432')
    quoted = '{"host": "db", "port": "5433", "other_port": 5433}'
    [ref] = host_refs("X", quoted, json=True)
    assert json_port_value(quoted, ref, 5432) == '{"host": "db", "port": "5432", "other_port": 5433}'
    inline = '{"host": "db:5433"}'
    [ref] = host_refs("X", inline, json=True)
    assert json_port_value(inline, ref, 5432) == '{"host": "db:5432"}'
    twice = '{"a": {"host": "db", "port": 5433}, "b": {"host": "db", "port": 5433}}'
    assert json_port_value(twice, next(host_refs("X", twice, json=True)), 5432) is None


def test_a_drifted_json_host_is_found_and_only_its_string_rewritten(tmp_path: Path) -> None:
    [finding] = run(tmp_path, f"DATABASE_CREDENTIALS={CREDENTIALS}\n")
    assert finding.message == ("DATABASE_CREDENTIALS host 'postgresserver' names no service on the network "
                               "(did you mean 'postgres'?)")
    assert finding.location is not None and finding.location.line == 1
    assert "s3cretpw" not in finding.message and finding.fix is not None
    assert finding.fix.title == "replace 'postgresserver' by 'postgres' in DATABASE_CREDENTIALS"
    [edit] = finding.fix.edits
    assert edit.new == f"DATABASE_CREDENTIALS={CREDENTIALS}".replace('"host": "postgresserver"', '"host": "postgres"')


def test_a_json_host_equal_to_another_field_rewrites_the_host_field(tmp_path: Path) -> None:
    value = '{"host":"pg", "username":"pg", "port":5432}'
    [finding] = run(tmp_path, f"DATABASE_CREDENTIALS='{value}'\n")
    assert finding.fix is not None
    [edit] = finding.fix.edits
    assert edit.new == """DATABASE_CREDENTIALS='{"host":"postgres", "username":"pg", "port":5432}'"""


def test_a_json_host_naming_a_service_is_no_finding(tmp_path: Path) -> None:
    assert run(tmp_path, "DATABASE_CREDENTIALS=" + CREDENTIALS.replace("postgresserver", "postgres") + "\n") == []
