"""service-name-drift: a host that is a peer's name without its prefix (datasenseco/os-modern-data-stack).

Its DataHub frontend dials `DATAHUB_GMS_HOST: gms` beside the service `datahub-gms`: the frontend cannot
reach GMS, yet the finding was a note listing every service (difflib finds `gms` too unlike `datahub-gms`,
and `gms` holds no peer's name as a part). A host that is the last dash/underscore-separated parts of
exactly one peer's name names that peer, unless the port it dials, its key or its URL's server family
points elsewhere, or the service joins an external network (another project's `gms` may answer there).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions

# upstream's docker-compose.yml, cut to the services the finding concerns and two others
DATAHUB = """services:
  postgres:
    image: postgres:latest
    container_name: postgres
    ports:
      - "5432:5432"
  minio:
    image: minio/minio:latest
    container_name: minio
    ports:
      - "9000:9000"
  datahub-gms:
    image: linkedin/datahub-gms:latest
    container_name: datahub-gms
    ports:
      - "8082:8082"
  datahub-frontend:
    image: linkedin/datahub-frontend:latest
    container_name: datahub-frontend
    environment:
      DATAHUB_GMS_HOST: {host}
    ports:
      - "9002:9002"
    depends_on:
      - datahub-gms
"""


def run(root: Path, compose: str) -> list[Finding]:
    (root / "compose.yaml").write_text(compose)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


def test_the_datahub_frontend_dialing_gms_means_datahub_gms(tmp_path: Path) -> None:
    found = run(tmp_path, DATAHUB.format(host="gms"))
    assert [(f.severity, f.message) for f in found] == [
        (Severity.ERROR, "DATAHUB_GMS_HOST=gms names no service on the network (did you mean 'datahub-gms'?)")]
    fix = found[0].fix
    assert fix is not None and fix.safety is Safety.UNSAFE and fix.title == "replace 'gms' by 'datahub-gms' in " \
        "DATAHUB_GMS_HOST"
    (edit,) = fix.edits
    assert edit.new == str(edit.old).replace("gms", "datahub-gms") and "DATAHUB_GMS_HOST: datahub-gms" in edit.new


def test_the_peer_itself_writing_the_short_name_gets_no_suggestion(tmp_path: Path) -> None:
    """upstream sets `DATAHUB_GMS_HOST: gms` in 'datahub-gms' too: the one peer so named is itself."""
    compose = DATAHUB.format(host="datahub-gms").replace(
        "    container_name: datahub-gms\n", "    container_name: datahub-gms\n    environment:\n"
        "      DATAHUB_GMS_HOST: gms\n")
    found = run(tmp_path, compose)
    assert [(f.severity, f.message) for f in found] == [
        (Severity.INFO, "DATAHUB_GMS_HOST=gms names no service on the network")]


@pytest.mark.parametrize(("url", "meant", "why"), [
    ("http://api:8000/", "myapp-api", " it listens on 8000"),
    ("http://api/", "myapp-api", ""),
    ("http://app-api:8000/", "mycompany-app-api", " it listens on 8000"),  # the last two parts of three
    ("http://api_v2:8000/", "myapp_api_v2", " it listens on 8000"),
], ids=["with-port", "no-port", "two-parts", "underscores"])
def test_a_url_to_a_peer_name_without_its_prefix_is_rewritten(tmp_path: Path, url: str, meant: str,
                                                               why: str) -> None:
    host = url.split("://")[1].split("/")[0].split(":")[0]
    compose = f"""services:
  {meant}:
    image: busybox
    expose: ["8000"]
  web:
    image: busybox
    environment:
      BACKEND_URL: {url}
"""
    found = run(tmp_path, compose)
    assert [(f.severity, f.message) for f in found] == [
        (Severity.ERROR, f"BACKEND_URL host '{host}' names no service on the network (did you mean '{meant}'?{why})")]
    assert found[0].fix is not None and found[0].fix.edits[0].new.endswith(f"BACKEND_URL: {url.replace(host, meant)}")


@pytest.mark.parametrize(("peers", "host"), [
    (("datahub-gms", "legacy-gms"), "gms"),  # two peers end in -gms: which one is a guess
    (("datahub-gms", "legacy_gms"), "gms"),
    (("datahubgms",), "gms"),  # glued: no whole part
    (("datahub-gmsx",), "gms"),
    (("datahub-frontend",), "datahub"),  # the start of a name, not its end
    (("gms-datahub",), "gms"),
    (("datahub-gms-1",), "gms"),  # a middle part
], ids=["two-peers", "two-peers-underscore", "glued", "longer-part", "prefix", "first-part", "middle-part"])
def test_a_host_ending_no_one_peer_s_name_stays_a_note(tmp_path: Path, peers: tuple[str, ...], host: str) -> None:
    compose = "services:\n" + "".join(f"  {p}:\n    image: busybox\n" for p in peers) + (
        f"  frontend:\n    image: busybox\n    environment:\n      DATAHUB_GMS_HOST: {host}\n")
    found = run(tmp_path, compose)
    assert [(f.severity, f.message) for f in found] == [
        (Severity.INFO, f"DATAHUB_GMS_HOST={host} names no service on the network")]


def test_a_port_heard_by_another_peer_keeps_the_note(tmp_path: Path) -> None:
    """`gms:8080` where 'api', not 'datahub-gms', listens on 8080."""
    compose = """services:
  datahub-gms:
    image: busybox
    expose: ["8082"]
  api:
    image: busybox
    expose: ["8080"]
  frontend:
    image: busybox
    environment:
      GMS_URL: http://gms:8080/
"""
    found = run(tmp_path, compose)
    assert [f.severity for f in found] == [Severity.INFO], [f.message for f in found]
    assert "did you mean" not in found[0].message


def test_the_peer_the_key_names_comes_first(tmp_path: Path) -> None:
    """`LEGACY_HOST=gms` beside 'legacy' and 'datahub-gms': the key's rule, before this one, names 'legacy'."""
    compose = """services:
  datahub-gms:
    image: busybox
  legacy:
    image: busybox
  frontend:
    image: busybox
    environment:
      LEGACY_HOST: gms
"""
    assert [f.message for f in run(tmp_path, compose)] == [
        "LEGACY_HOST=gms names no service on the network (did you mean 'legacy'?)"]


def test_a_url_of_another_server_family_keeps_the_note(tmp_path: Path) -> None:
    """`redis://cache` beside a memcached `myapp-cache` and no redis: no peer runs what the URL dials."""
    compose = """services:
  myapp-cache:
    image: memcached:1.6
  web:
    image: busybox
    environment:
      CACHE_URL: redis://cache:6379/0
"""
    found = run(tmp_path, compose)
    assert [f.severity for f in found] == [Severity.INFO], [f.message for f in found]
    assert "did you mean" not in found[0].message


def test_a_database_url_to_the_project_prefixed_db_is_rewritten(tmp_path: Path) -> None:
    """`db` beside `myapp-db` and a second database server: the generic DB_HOST rule names neither."""
    compose = """services:
  myapp-db:
    image: postgres:16
  analytics:
    image: mysql:8
  web:
    image: busybox
    environment:
      DB_HOST: db
"""
    found = run(tmp_path, compose)
    assert [(f.severity, f.message) for f in found] == [
        (Severity.ERROR, "DB_HOST=db names no service on the network (did you mean 'myapp-db'?)")]


def test_on_an_external_network_another_project_may_answer(tmp_path: Path) -> None:
    compose = DATAHUB.format(host="gms") + "networks:\n  default:\n    name: shared\n    external: true\n"
    found = run(tmp_path, compose)
    assert [f.severity for f in found] == [Severity.INFO], [f.message for f in found]
    assert "external network 'shared'" in found[0].message and "did you mean" not in found[0].message
