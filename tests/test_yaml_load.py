"""YAML is read like compose's go-yaml v3 (YAML 1.2-ish), not PyYAML's YAML 1.1, with locations."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from doctor.project.goscalar import Timestamp, go_float, resolve_plain, stringify
from doctor.project.yamlload import OVERRIDE, RESET, YamlError, YList, YMap, parse_bytes

PATH = Path("/p/compose.yaml")


def doc(text: str) -> YMap:
    docs, _ = parse_bytes(text.encode(), PATH)
    assert docs[0] is not None
    return docs[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("22:22", "22:22"),  # PyYAML 1.1: sexagesimal 1342
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"),
    ("true", True), ("True", True), ("FALSE", False),
    ("0123", 83), ("0x1F", 31), ("0o17", 15), ("0b101", 5), ("1_000", 1000), ("-12", -12), ("+12", 12),
    ("08", 8.0),  # not octal, so go-yaml falls through to float
    ("1.0", 1.0), ("1e3", 1000.0), (".5", 0.5),
    ("~", None), ("null", None), ("", None),
    ("1.2.3", "1.2.3"), ("v1", "v1"), ("-", "-"), ("0x", "0x"),
])
def test_plain_scalars(text: str, expected: Any) -> None:
    value = resolve_plain(text)
    assert value == expected
    assert type(value) is type(expected)


def test_special_floats_and_dates() -> None:
    assert resolve_plain(".inf") == math.inf
    assert math.isnan(resolve_plain(".NaN"))
    assert isinstance(resolve_plain("2024-01-01"), Timestamp)
    assert not isinstance(resolve_plain("2024-01-01x"), Timestamp)


@pytest.mark.parametrize(("value", "expected"), [
    (1.0, "1"), (1.5, "1.5"), (1e6, "1e+06"), (123456789.0, "1.23456789e+08"), (1e-5, "1e-05"),
    (0.0001, "0.0001"), (math.inf, "+Inf"), (-2.5, "-2.5"), (100000.0, "100000"),
])
def test_go_float(value: float, expected: str) -> None:
    assert go_float(value) == expected


def test_stringify_is_go_sprint() -> None:
    assert [stringify(v) for v in (True, 83, 1.0, "x")] == ["true", "83", "1", "x"]


def test_quoted_and_tagged_scalars_stay_strings() -> None:
    found = doc("a: '0123'\nb: \"yes\"\nc: !!str 22\nd: |\n  x\n")
    assert found == {"a": "0123", "b": "yes", "c": "22", "d": "x\n"}


def test_locations_of_keys_and_items() -> None:
    found = doc("services:\n  web:\n    ports:\n      - 80:80\n      - 443:443\n")
    services = found["services"]
    assert services.locs["web"].line == 2
    ports = services["web"]["ports"]
    assert isinstance(ports, YList)
    assert [loc.line for loc in ports.locs if loc] == [4, 5]
    assert ports.loc_of(1) is not None and ports.loc_of(1).path == PATH


def test_duplicate_key_is_an_error_with_both_lines() -> None:
    with pytest.raises(YamlError) as error:
        doc("a: 1\nb: 2\na: 3\n")
    assert error.value.line == 3
    assert "already defined at line 1" in error.value.message


def test_merge_keys_explicit_wins_and_first_merged_wins() -> None:
    found = doc("x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nz:\n  <<: [*x, *y]\n  a: 0\n")
    assert found["z"] == {"a": 0, "b": 1, "c": 2}


def test_merge_key_into_service_keeps_anchor_location() -> None:
    found = doc("x-base: &base\n  image: busybox\nservices:\n  a:\n    <<: *base\n")
    service = found["services"]["a"]
    assert service["image"] == "busybox"
    assert service.locs["image"].line == 2


def test_reset_and_override_tags_are_recorded() -> None:
    docs, tags = parse_bytes(b"services:\n  a:\n    ports: !reset []\n    volumes: !override [x:/y]\n", PATH)
    service = docs[0]["services"]["a"] if docs[0] else {}
    assert isinstance(service, YMap)
    assert service.tags == {"ports": RESET, "volumes": OVERRIDE}
    assert (("services", "a", "ports"), RESET) in tags


def test_multiple_documents() -> None:
    docs, _ = parse_bytes(b"a: 1\n---\nb: 2\n---\n", PATH)
    assert docs == [{"a": 1}, {"b": 2}, None]


@pytest.mark.parametrize(("text", "line"), [
    ("a:\n\tb: 1\n", 2), ("a: [1, 2\n", 1), ("a: 1\n b: 2\n", 2), ("- 1\n", 1),  # compose: `line 1` for the [ one
])
def test_syntax_errors_have_lines(text: str, line: int) -> None:
    with pytest.raises(YamlError) as error:
        doc(text)
    assert error.value.line == line


@pytest.mark.parametrize(("text", "name", "line"), [
    ("services:\n  worker:\n    image: app\n    environment: *backend_env\n", "backend_env", 4),
    ("services:\n  a: {image: busybox, environment: [*also, *more]}\n", "also", 2),
])
def test_an_alias_with_no_anchor_names_it_as_compose_does(text: str, name: str, line: int) -> None:
    """An override using an anchor its base file defines (YAML never sees across files): libyaml says
    only "found undefined alias"; compose says `yaml: unknown anchor 'backend_env' referenced`."""
    with pytest.raises(YamlError) as error:
        doc(text)
    assert error.value.line == line
    assert error.value.message.startswith(f"yaml: unknown anchor '{name}' referenced (")
