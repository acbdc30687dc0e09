"""service-name-drift on a host written in the project's own dotted style (openedx/devstack).

devstack gives every peer a network alias `edx.devstack.<service>` and its services dial those
(`DB_HOST: edx.devstack.mysql80`). A value left at the name before the MySQL 8 upgrade,
`edx.devstack.mysql`, passed: every dotted host was taken for a public DNS name. A dotted host
whose labels but the last are those of one of the project's own dotted names, with a last label
close to that name's, is a drifted compose name; any other dotted host stays a public name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.dotted_names import DottedNames
from doctor.project.service_network import NameGroup

DEVSTACK = """services:
  mysql80:
    image: mysql:8.0.33-oracle
    networks: {default: {aliases: [edx.devstack.mysql80]}}
  lms:
    image: edxops/lms
    hostname: edx.devstack.lms
  credentials:
    image: edxops/credentials:latest
    environment:
      DB_PORT: 3306
"""


def run(root: Path, environment: dict[str, str]) -> list[Finding]:
    lines = "".join(f"      {key}: {value}\n" for key, value in environment.items())
    (root / "compose.yaml").write_text(DEVSTACK + lines)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


def test_a_drifted_host_in_the_projects_dotted_style_is_drift_and_is_rewritten(tmp_path: Path) -> None:
    [finding] = run(tmp_path, {"DB_HOST": "edx.devstack.mysql"})
    assert finding.severity is Severity.ERROR
    assert finding.message == ("DB_HOST=edx.devstack.mysql names no service on the network "
                               "(did you mean 'edx.devstack.mysql80'?)")
    assert finding.fix is not None
    assert finding.fix.title == "replace 'edx.devstack.mysql' by 'edx.devstack.mysql80' in DB_HOST"
    [edit] = finding.fix.edits
    assert (edit.old, edit.new) == ("      DB_HOST: edx.devstack.mysql", "      DB_HOST: edx.devstack.mysql80")


def test_a_url_host_in_the_projects_dotted_style_is_drift(tmp_path: Path) -> None:
    [finding] = run(tmp_path, {"DATABASE_URL": "mysql://app:pw@edx.devstack.mysql:3306/app"})
    assert finding.message == ("DATABASE_URL host 'edx.devstack.mysql' names no service on the network "
                               "(did you mean 'edx.devstack.mysql80'?)")


@pytest.mark.parametrize("host", [
    "api.github.com", "s3.amazonaws.com", "mybucket.s3.us-east-1.amazonaws.com", "example.com", "smtp.example.com",
    "edx.devstack.mysql80",  # the alias itself
    "edx.devstack.forum",  # the project's style, but like none of its names: a service of another stack
    "edx.other.mysql",  # another stem
    "devstack.mysql",
])
def test_public_names_and_unlike_names_stay_silent(tmp_path: Path, host: str) -> None:
    assert run(tmp_path, {"DB_HOST": host}) == []


def test_a_hostname_is_a_style_but_no_name_peers_resolve(tmp_path: Path) -> None:
    # `edx.devstack.lms` is lms's hostname: the drift is judged by it, the peer meant is the service
    [finding] = run(tmp_path, {"LMS_HOST": "edx.devstack.lmss"})
    assert finding.message == "LMS_HOST=edx.devstack.lmss names no service on the network (did you mean 'lms'?)"


def test_the_closest_last_label_of_the_same_stem() -> None:
    names = DottedNames(["edx.devstack.mysql80", "edx.devstack.mysql57", "edx.devstack.mongo", "web",
                         "Api.Example.com"])
    assert names.twin("edx.devstack.mysql8") == "edx.devstack.mysql80"
    assert names.twin("EDX.devstack.mongodb") == "edx.devstack.mongo"
    assert names.twin("edx.devstack.mysql80") is None  # a name itself is no drift from one
    assert names.twin("edx.devstack.redis") is None
    assert names.twin("web") is None and names.twin("webs") is None  # one label: looks_internal's
    assert names.twin("api.example.co") == "Api.Example.com"


def test_a_stem_of_many_names_compares_only_the_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of aliases of one stem: each drifted host is compared with a bounded window of them
    (every name for every host was quadratic in services), chosen by shared prefix and suffix."""
    import difflib

    names = DottedNames([f"edx.devstack.svc{i:04d}" for i in range(3000)] + ["edx.devstack.mysql80"])
    compared: list[None] = []
    real = difflib.SequenceMatcher.real_quick_ratio
    monkeypatch.setattr(difflib.SequenceMatcher, "real_quick_ratio", lambda self: compared.append(None) or real(self))
    assert names.twin("edx.devstack.mysql8") == "edx.devstack.mysql80"
    assert names.twin("edx.devstack.svc2517x") == "edx.devstack.svc2517"
    assert len(compared) <= 4 * NameGroup.RANKED
