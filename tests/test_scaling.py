"""Checks stay O(n log n) in services, ports and env entries: operations counted, never timed."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift, places, templates
from doctor.checks.env_drift.places import KEY
from doctor.checks.service_name_drift import ServiceNameDrift
from test_network_index import counting_ratios

from doctor.host import Host
from doctor.model import Location
from doctor.project import Project, ProjectOptions, service_network


def _project(root: Path, text: str) -> Project:
    (root / "compose.yaml").write_text(text)
    return Project(ProjectOptions(path=root, env={}))


def test_env_drift_reads_the_compose_file_once_however_many_variables_are_unset(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = 300
    lines = ["services:"]
    for i in range(count):
        lines += [f"  app{i}:", f"    image: app:${{TAG{i}}}", "    environment:", f"      K{i}: ${{VALUE{i}}}"]
    project = _project(tmp_path, "\n".join(lines) + "\n")
    assert project.compose.services  # loaded before counting
    reads: list[Path] = []
    real = templates.read_text  # every read of the check (doctor.regular's: no FIFO blocks it)

    def read_text(path: Path, *args: object, **kwargs: object) -> str:
        reads.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(templates, "read_text", read_text)
    monkeypatch.setattr(places, "read_text", read_text)  # where the keys of the file's lines are read
    findings = list(EnvDrift().run(project, Host(env={})))
    assert len(findings) == 2 * count  # every variable is reported, each under its own key
    assert sum(f.message.endswith("the image reference is invalid or another tag") for f in findings) == count
    assert sum(f.subject.startswith("VALUE") for f in findings) == count
    assert reads.count(tmp_path / "compose.yaml") == 1  # for all 600 (it was one read per variable)


def _key_walking_up(lines: list[str], line: int) -> str | None:
    """env-drift's key rule spelled as it was: walk up from the line to the nearest parent."""
    text = lines[line - 1]
    own = KEY.match(text)
    if own and own.group(1) in (places.BREAKS.keys() | places.OPTIONAL):
        return own.group(1)
    indent, item = len(text) - len(text.lstrip()), text.lstrip().startswith("-")
    for above in reversed(lines[: line - 1]):
        stripped = above.lstrip()
        depth = len(above) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        if depth < indent or (item and depth == indent and not stripped.startswith("-")):
            found = KEY.match(above)
            return found.group(1) if found else None
    return None


def test_env_drift_key_index_agrees_with_walking_up(tmp_path: Path) -> None:
    text = """\
x-common: &common
  labels:
    a: "${A}"
services:
  web:
    <<: *common
    image: "nginx:${TAG}"
    ports:
    - "${PORT}:80"
    -   "${OTHER}:81"
    environment:
      # a comment
      KEY: ${KEY}

      NESTED:
        deeper: ${DEEP}
    command:
      - run
      - ${ARG}
    healthcheck:
      test: ["CMD", "${X}"]
  db:
    environment:
    - A=${B}
   - odd=${C}
\tTAB: ${T}
        over: ${O}
  #  commented: ${Z}
volumes:
  data:
"""
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    lines = text.splitlines()
    keys = places._Keys()
    answers = [keys.of(Location(path, n)) for n in range(1, len(lines) + 1)]
    assert answers == [_key_walking_up(lines, n) for n in range(1, len(lines) + 1)]
    assert {"ports", "environment", "command", "labels", "image", "NESTED"} <= set(answers)
    assert keys.of(Location(path, len(lines) + 5)) is None and keys.of(Location(path)) is None


def test_service_name_drift_sizes_up_each_peer_once_however_many_hosts_drift(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = 60
    lines = ["services:"]
    for i in range(count):
        lines += [f"  svc{i}:", "    image: postgres:17" if i % 2 else "    image: example/app:1",
                  "    environment:", f"      DB_HOST: postgress{i}", f"      CACHE_HOST: svc{i}x"]
    project = _project(tmp_path, "\n".join(lines) + "\n")
    assert project.compose.services
    sized: list[str] = []
    real = service_network.service_family
    monkeypatch.setattr(service_network, "service_family", lambda s: sized.append(s.name) or real(s))
    findings = list(ServiceNameDrift().run(project, Host(env={})))
    assert len(findings) == 2 * count  # every drifted host is reported
    assert sum("did you mean" in f.message for f in findings) == 2 * count
    assert len(sized) <= count  # each peer's family once (it was once per peer per drifted host)


def test_service_name_drift_on_one_network_reads_each_file_once_and_ranks_few_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app of one big network dials a drifted postgres host: each finding's fix edit once split
    the whole compose file again, and each "did you mean" ranked every postgres on the network."""

    count = 300
    lines = ["services:"]
    for i in range(count):
        lines += [f"  db{i}:", "    image: postgres:17"] if i % 2 else [
            f"  app{i}:", "    image: example/app:1", "    environment:",
            f"      DATABASE_URL: postgresql://u@dbx{i + 1}:5432/app"]
    project = _project(tmp_path, "\n".join(lines) + "\n")
    assert project.compose.services
    reads: list[Path] = []
    real_read = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: reads.append(self) or real_read(self, *a, **k))
    ratios = counting_ratios(monkeypatch)
    findings = list(ServiceNameDrift().run(project, Host(env={})))
    assert len(findings) == count // 2
    for finding in findings:  # app{i} dials dbx{i+1}: the postgres meant is db{i+1}
        meant = int(finding.subject.split(":")[0].removeprefix("app")) + 1
        assert f"did you mean 'db{meant}'?" in finding.message, finding.message
    assert sum(f.fix is not None and bool(f.fix.edits) for f in findings) == count // 2
    assert len([p for p in reads if p.name == "compose.yaml"]) <= 2
    assert len(ratios) <= 3 * service_network.NameGroup.RANKED * len(findings)


def test_service_name_drift_without_a_match_compares_few_names_per_host(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every service dials a host like no peer (the fallback by name, difflib over the peers' names):
    each host was compared with every name of about its length, and each advice listed every peer
    to name ten, so 2,000 such services took 34 s."""
    import difflib

    count = 600
    lines = ["services:"]
    for i in range(count):
        lines += [f"  svc{i}:", "    image: example/app:1", "    environment:", f"      PEER_HOST: zq{i}"]
    lines += ["  sidecar:", "    image: example/app:1", "    network_mode: service:svc0",
              "    environment:", "      PEER_HOST: zq-sidecar"]
    project = _project(tmp_path, "\n".join(lines) + "\n")
    assert project.compose.services
    compared: list[str] = []
    real = difflib.SequenceMatcher.set_seq1
    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", lambda self, a: compared.append(a) or real(self, a))
    findings = {f.subject: f for f in ServiceNameDrift().run(project, Host(env={}))}
    assert len(findings) == count + 1 and all("did you mean" not in f.message for f in findings.values())
    assert len(compared) <= 2 * service_network.NameGroup.RANKED * len(findings)
    fix = findings["svc7:PEER_HOST"].fix
    assert fix is not None and fix.title.endswith(f"'svc10', and {count - 11} more")  # svc7 itself not counted
    fix = findings["sidecar:PEER_HOST"].fix  # in svc0's namespace, not itself a peer
    assert fix is not None and fix.title.endswith(f"'svc9', and {count - 10} more")


def test_service_name_drift_judges_each_peers_family_once_when_nothing_matches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every service's own drifted host, resembling no peer (`DB_HOST: db7` beside `s7`): the fix says no
    peer runs postgres, judged from each peer's family once a run, not once per peer per finding."""
    import doctor.checks.service_name_drift as module

    count = 120
    lines = ["services:"]
    for i in range(count):
        lines += [f"  s{i}:", "    image: example/app:1", "    environment:", f"      DB_HOST: db{i}",
                  f"      DATABASE_URL: postgres://u:p{i}@db{i}:5432/x"]
    project = _project(tmp_path, "\n".join(lines) + "\n")
    sized: list[str] = []
    real = module.service_family
    monkeypatch.setattr(module, "service_family", lambda s: sized.append(s.name) or real(s))
    findings = list(ServiceNameDrift().run(project, Host(env={})))
    assert len(findings) == 2 * count
    assert len(sized) <= count, len(sized)


def test_one_value_of_thousands_of_urls_is_read_for_its_first_few(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 40 KB `.env` line of `x://` repeated: each URL's edit and userinfo read its whole line, so the run
    grew with the square of the line (2.4 s at 40 KB, 96 s at 80 KB); a value names MAX_REFS hosts at most."""
    from doctor.project import env_hosts

    value = "postgres://u:" + "x://" * 20000 + "@postgresserver/x"
    assert len(list(env_hosts.host_refs("DATABASE_URL", value))) <= env_hosts.MAX_REFS
    read: list[int] = []
    real = env_hosts.raw_userinfo
    monkeypatch.setattr(env_hosts, "raw_userinfo", lambda v, m: read.append(1) or real(v, m))
    list(env_hosts.raw_passwords("DATABASE_URL", value))
    assert len(read) <= env_hosts.MAX_REFS
