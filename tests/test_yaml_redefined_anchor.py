"""An anchor defined twice: an alias names the nearest one before it, as go-yaml (compose) reads it.

YAML 1.2 lets a document define an anchor again (framasoft/mobilizon's .gitlab-ci.yml defines
`&release-tag-rules` twice, and GitLab runs it). PyYAML refuses that ("found duplicate anchor"), so a
compose file with `x-a: &env` and `x-b: &env` was a compose-config error ('yaml: second occurrence')
that compose itself loads, every other check partial; and mobilizon's pipeline was read as nothing, so
runtime-drift missed its jobs on `image: node:20` against .tool-versions' `nodejs 18.19.1`
(tests/replay/mobilizon). Now such a file is read as compose reads it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions
from doctor.project.yamlload import YamlError, parse_bytes

ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
def _compose_file(tmp_path: Path) -> Path:
    # `before` and `early` alias the first `&env` and `&base`; `after` and `merged` the services that
    # define them again
    text = """\
x-first: &env
  FOO: one
  BAR: first
x-base: &base
  image: alpine
  labels: {kind: first}
services:
  before:
    image: alpine
    environment: *env
  early:
    <<: *base
  second: &env
    image: alpine
    environment:
      FOO: two
  after: *env
  again: &base
    image: busybox
    labels: {kind: second}
  merged:
    <<: *base
    image: alpine
"""
    (tmp_path / "compose.yaml").write_text(text)
    return tmp_path


def _doctor_services(root: Path) -> dict[str, dict[str, object]]:
    [doc], _ = parse_bytes((root / "compose.yaml").read_bytes(), root / "compose.yaml")
    assert doc is not None
    services = doc["services"]
    return {name: {"image": body.get("image"), "environment": dict(body.get("environment") or {}),
                   "labels": dict(body.get("labels") or {})} for name, body in services.items()}


def test_a_redefined_anchor_is_read_as_the_nearest_one_before_each_alias(tmp_path: Path) -> None:
    root = _compose_file(tmp_path)
    services = _doctor_services(root)
    assert services["before"]["environment"] == {"FOO": "one", "BAR": "first"}
    assert services["early"] == {"image": "alpine", "environment": {}, "labels": {"kind": "first"}}
    assert services["after"] == {"image": "alpine", "environment": {"FOO": "two"}, "labels": {}}
    assert services["merged"] == {"image": "alpine", "environment": {}, "labels": {"kind": "second"}}
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("compose-config",), env=dict(options.env)),
                       load_registry()).report
    assert [f.message for f in report.findings] == []


@pytest.mark.compose
def test_compose_reads_the_redefined_anchors_as_doctor_does(compose_bin: str, tmp_path: Path) -> None:
    root = _compose_file(tmp_path)
    done = subprocess.run([compose_bin, "config", "--format", "json"], cwd=root, capture_output=True, text=True,
                          timeout=60, env={**ENV, "HOME": str(root)})
    assert done.returncode == 0, done.stderr[-300:]
    theirs = json.loads(done.stdout)["services"]
    ours = _doctor_services(root)
    assert set(theirs) == set(ours)
    for name, service in theirs.items():
        assert service.get("image") == ours[name]["image"], name
        assert (service.get("environment") or {}) == ours[name]["environment"], name
        assert (service.get("labels") or {}) == ours[name]["labels"], name


def test_an_alias_before_any_anchor_of_its_name_is_still_refused(tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: x\n    environment: *env\n  b: &env\n    image: y\n  c: &env\n    image: z\n"
    with pytest.raises(YamlError, match="unknown anchor 'env'"):
        parse_bytes(text.encode(), tmp_path / "compose.yaml")


def test_mobilizon_pipeline_is_read_and_its_node_drift_found(tmp_path: Path) -> None:
    root = tmp_path / "mobilizon"
    shutil.copytree(Path(__file__).parent / "replay" / "mobilizon", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    options = ProjectOptions(path=root, env={**ENV, "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("runtime-drift",), env=dict(options.env)),
                       load_registry()).report
    assert [(f.message, f.location.line if f.location else None) for f in report.findings] == [
        ("node 18.19.1 (.tool-versions nodejs 18.19.1), elsewhere 20: .gitlab-ci.yml:69, .gitlab-ci.yml:81", 3)]
