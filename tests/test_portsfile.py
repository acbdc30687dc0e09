"""doctor.project.portsfile: the worktree's own compose.ports.yaml (block mode, tracked compose files)."""

from __future__ import annotations

from pathlib import Path

from doctor.project import portsfile


def test_the_file_keeps_interface_container_port_and_protocol_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / portsfile.PORTS_FILE
    plan = {"proxy": ["20000:80", "127.0.0.1:20001:8080/udp"], "db": [{"target": 5432, "published": "20002"}]}
    path.write_text(portsfile.render(plan))
    assert "ports: !override" in path.read_text()
    assert portsfile.read_plan(path) == plan


def test_a_planned_entry_keeps_its_port_while_compose_does_not_read_the_file_yet() -> None:
    plan = {"proxy": ["20000:80", "8090:8080"]}
    merged = portsfile.with_service(plan, "proxy", ["80:80", "20001:8080"], ["20001:8080"])
    assert merged["proxy"] == ["20000:80", "20001:8080"]
    assert portsfile.entry_key("[::1]:20001:8080/udp") == ("::1", "8080", "udp")


def test_compose_file_names_the_files_read_now_and_respects_the_separator(tmp_path: Path) -> None:
    files = [tmp_path / "compose.yml", tmp_path / "compose.override.yml"]
    assert portsfile.compose_file_value(tmp_path, files, {}) == "compose.yml:compose.override.yml:compose.ports.yaml"
    assert portsfile.compose_file_value(tmp_path, files, {"COMPOSE_PATH_SEPARATOR": ";"}).count(";") == 2
