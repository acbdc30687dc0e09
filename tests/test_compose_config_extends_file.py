"""compose-config on faults in a file reached by `extends: file:` (review of the less-travelled checks).

Before: c.yaml's `web` extends base.yaml's `basesvc`, which holds `mem_limit: lots`; `docker compose -f c.yaml config
-q` exits 1 (`'services[web].mem_limit' invalid size: 'lots'`), `doctor preflight -f c.yaml --select compose-config`
printed ✓: the base was read "not included/extended/validated". So for a misspelt key (`environmnt:`) and
`ports: ["80000:80"]`. compose validates the service merged from the base as the extending one, and casts the typed
fields and parses the ports of every service of the base file, extended or not; doctor now does so, at base.yaml's
line. Each case is also put to the compose binary: it refuses exactly those doctor reports.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

C_YAML = "services:\n  web:\n    image: busybox\n{local}    extends: {{file: base.yaml, service: basesvc}}\n"
BASE = "services:\n  basesvc:\n    image: busybox\n    {line}\n  other:\n    image: busybox\n    {other}\n"

# (the base's line, its other service's line, c.yaml's own lines for web, doctor's findings)
CASES = [
    ("mem_limit: lots", "init: true", "", [("base.yaml", 4, "'services[web].mem_limit' invalid size: 'lots'")]),
    ("environmnt: {A: b}", "init: true", "",
     [("base.yaml", 4, "services.web additional properties 'environmnt' not allowed")]),
    ('ports: ["80000:80"]', "init: true", "", [("base.yaml", 4, "invalid port '80000:80': invalid hostPort: 80000")]),
    ("healthcheck: {interval: zz}", "init: true", "",
     [("base.yaml", 4, "'services[web].healthcheck.interval' time: invalid duration \"zz\"")]),
    # the whole file's typed fields and ports, the service not extended
    ("init: true", 'ports: ["80000:80"]', "", [("base.yaml", 7, "invalid port '80000:80': invalid hostPort: 80000")]),
    ("init: true", "cpus: x", "", [("base.yaml", 7, "error while interpolating services.other.cpus: failed to cast "
                                   "to expected type: strconv.ParseFloat: parsing \"x\": invalid syntax")]),
    # what compose accepts: a service no one extends is not validated; the extending service's own value wins
    ("init: true", "environmnt: {A: b}", "", []),
    ("init: true", "mem_limit: lots", "", []),
    ("mem_limit: lots", "init: true", "    mem_limit: 1g\n", []),
    ("healthcheck: {interval: zz}", "init: true", "    healthcheck: {interval: 5s}\n", []),
    ("mem_limit: 512m", "init: true", "", []),
    # a nested mapping the extending service sets is judged merged: its keys stand in for the base's
    ("ulimits: {nofile: {soft: 1024, hard: 4096}}", "init: true",
     "    ulimits: {nofile: {soft: 65536, hard: 65536}}\n", []),
    ("provider: {type: model, options: {model: ai/smollm2}}", "init: true", "    provider: {type: model}\n", []),
    ("healthcheck: {interval: zz, timeout: 3s}", "init: true", "    healthcheck: {interval: 5s}\n", []),
    # compose replaces a ulimits entry, and logging under another driver, whole
    ("ulimits: {nofile: {soft: 1, hard: 2, bogus: 1}}", "init: true", "    ulimits: {nofile: 5}\n", []),
    ("logging: {driver: json-file, bogus: 1}", "init: true", "    logging: {driver: local}\n", []),
    # what stays the base's is still judged
    ("ulimits: {nofile: {soft: 1, hard: 2}, nproc: {soft: 1}}", "init: true", "    ulimits: {nofile: 5}\n",
     [("base.yaml", 4, "services.web.ulimits.nproc must be a integer or string")]),
    ("logging: {driver: json-file, bogus: 1}", "init: true", "    logging: {driver: json-file}\n",
     [("base.yaml", 4, "services.web.logging additional properties 'bogus' not allowed")]),
    ("deploy: {resources: {limits: {cpus: '2', bogus: 1}}}", "init: true",
     "    deploy: {resources: {limits: {cpus: '1'}}}\n",
     [("base.yaml", 4, "services.web.deploy.resources.limits additional properties 'bogus' not allowed")]),
]
IDS = ["size", "unknown-key", "port", "duration", "other-port", "other-cast", "other-unknown-key", "other-size",
       "size-overridden", "duration-overridden", "valid", "ulimits-overridden", "provider-overridden",
       "healthcheck-part-overridden", "ulimit-replaced", "logging-replaced", "ulimits-other-kept",
       "logging-merged", "deploy-merged"]


def _write(root: Path, line: str, other: str, local: str) -> None:
    (root / "c.yaml").write_text(C_YAML.format(local=local))
    (root / "base.yaml").write_text(BASE.format(line=line, other=other))


def _findings(root: Path) -> list[tuple[str, int | None, str]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    project = ProjectOptions(path=root, env=env, files=(root / "c.yaml",))
    report = preflight(RunOptions(project=project, select=("compose-config",), env=env), load_registry()).report
    return [(f.location.path.name if f.location else "", f.location.line if f.location else None, f.message)
            for f in report.findings]


@pytest.mark.parametrize(("line", "other", "local", "expected"), CASES, ids=IDS)
def test_a_fault_in_an_extended_file_is_reported_at_its_line(tmp_path: Path, line: str, other: str, local: str,
                                                             expected: list[tuple[str, int, str]]) -> None:
    _write(tmp_path, line, other, local)
    assert _findings(tmp_path) == expected


@pytest.mark.compose
def test_compose_refuses_exactly_those_cases(tmp_path: Path, compose_bin: str) -> None:
    for (line, other, local, expected), case in zip(CASES, IDS, strict=True):
        _write(tmp_path, line, other, local)
        done = subprocess.run([compose_bin, "-f", "c.yaml", "config", "-q"], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert (done.returncode != 0) == bool(expected), (case, done.stderr)


def test_two_services_extending_one_faulty_base_get_one_finding(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(C_YAML.format(local="") + "  worker:\n    image: busybox\n"
                                     "    extends: {file: base.yaml, service: basesvc}\n")
    (tmp_path / "base.yaml").write_text(BASE.format(line="mem_limit: lots", other="init: true"))
    assert _findings(tmp_path) == [("base.yaml", 4, "'services[web].mem_limit' invalid size: 'lots'")]
