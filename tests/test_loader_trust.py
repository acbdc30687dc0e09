"""Issue 10's loader faults, one test each: compose's verdict, no crash, no hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from doctor.project import ProjectOptions
from doctor.project.compose import load_project
from doctor.project.interpolate import substitute
from doctor.project.reading import RefusedFile, read_regular
from doctor.project.types import ComposeModel, PortMapping
from doctor.project.yamledit import YamlEditError, override_ports

ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}


def load(tmp_path: Path, compose: str, dotenv: bytes | None = None, **env: str) -> ComposeModel:
    (tmp_path / "compose.yaml").write_text(compose)
    if dotenv is not None:
        (tmp_path / ".env").write_bytes(dotenv)
    return load_project(ProjectOptions(path=tmp_path, env={**ENV, **env}))


def messages(model: ComposeModel) -> list[str]:
    return [p.message for p in model.problems]


def test_duplicated_dotenv_key_takes_the_last_value(tmp_path: Path) -> None:
    model = load(tmp_path, 'services:\n  a:\n    image: x\n    ports: ["${P}:80"]\n', b"P=1111\nP=2222\n")
    assert [p.published for p in model.services["a"].ports] == ["2222"]


def test_non_utf8_dotenv_value_is_accepted(tmp_path: Path) -> None:
    model = load(tmp_path, "services:\n  a:\n    image: x\n", b"A=caf\xe9\n")
    assert model.problems == ()


# (service body, compose v2.40.3's message, seen with `docker compose config`)
REJECTED = {
    "command-mapping": ("command: {a: 1}", "services.a.command must be a null"),
    "restart-int": ("restart: 1", "services.a.restart must be a string"),
    "labels-zero": ("labels: 0", "services.a.labels must be a mapping"),
    "healthcheck-list": ("healthcheck: [1]", "services.a.healthcheck must be a mapping"),
    "condition-bogus": ("depends_on: {b: {condition: bogus}}", "services.a.depends_on.b.condition value must be "
                        "one of 'service_started', 'service_healthy', 'service_completed_successfully'"),
    "scale-abc": ("scale: ${N}", 'error while interpolating services.a.scale: failed to cast to expected type: '
                  'strconv.Atoi: parsing "abc": invalid syntax'),
    "environment-only-comments": ("environment:\n      # nothing", "services.a.environment must be a mapping"),
    "unknown-key": ("foo: 1", "services.a additional properties 'foo' not allowed"),
    "networks-equal": ("networks: [n, n]", "services.a.networks items at 0 and 1 are equal"),
}


@pytest.mark.parametrize("case", REJECTED)
def test_schema_rejections_say_what_compose_says(tmp_path: Path, case: str) -> None:
    body, expected = REJECTED[case]
    model = load(tmp_path, f"services:\n  a:\n    image: x\n    {body}\n  b:\n    image: x\nnetworks:\n  n: {{}}\n",
                 N="abc")
    assert expected in messages(model)
    assert all(p.location is not None and p.location.line for p in model.problems)


@pytest.mark.parametrize("body", ['profiles: [""]', "x-deep: " + "[" * 5000 + "]" * 5000,
                                  'hostname: "' + "${A:-" * 400 + "x" + "}" * 400 + '"'])
def test_accepted_by_compose(tmp_path: Path, body: str) -> None:
    assert messages(load(tmp_path, f"services:\n  a:\n    image: x\n    {body}\n")) == []


def test_null_override_keeps_the_base_value(tmp_path: Path) -> None:
    (tmp_path / "compose.override.yaml").write_text("services:\n  a:\n    image:\n    environment:\n")
    assert messages(load(tmp_path, "services:\n  a:\n    image: x\n    environment: {A: 1}\n")) == []


def test_beyond_ten_thousand_levels_is_go_yamls_error(tmp_path: Path) -> None:
    model = load(tmp_path, "services:\n  a:\n    image: x\n    x-d: " + "[" * 10001 + "]" * 10001 + "\n")
    assert messages(model) == ["yaml: line 4: exceeded max depth of 10000"]


def test_nested_defaults_interpolate() -> None:
    assert substitute("${A:-" * 400 + "x" + "}" * 400, {}.get)[0] == "x"


@pytest.mark.parametrize("published", ["-1", "abc", "-", "1-", "80-70", "99999"])
def test_garbage_published_is_no_port(published: str) -> None:
    assert PortMapping(target=80, published=published).published_range is None


def test_fifo_and_devices_are_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(RefusedFile, match="named pipe"):
        read_regular(tmp_path / "fifo", 100)
    with pytest.raises(RefusedFile, match="character device"):
        read_regular(Path("/dev/zero"), 100)
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(RefusedFile, match="too large"):
        read_regular(tmp_path / "big", 100)


def test_yamledit_refuses_a_too_deep_file() -> None:
    text = "services:\n  a:\n    image: x\n    x-d: " + "[" * 3000 + "]" * 3000 + "\n"
    with pytest.raises(YamlEditError, match="nested too deeply"):
        override_ports(text, "a", ["8080:80"])
