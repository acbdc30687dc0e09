"""compose-config: a `label_file:` that is not there stops compose (`label file PATH not found`) as a
missing env file does; doctor said nothing. Checked against the real compose binary: the same
files make compose fail exactly where doctor reports an error, resolved against the declaring
file's folder (an `include:`d file's own), for enabled services alone, merged across overrides."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig

from doctor.host import Host
from doctor.project import Project, ProjectOptions


def _errors(root: Path, profiles: tuple[str, ...] = ()) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=root, env=env, profiles=profiles))
    return [f"{f.message} | {f.fix.title if f.fix else ''}"
            for f in ComposeConfig().run(project, Host(env=env, timeout=1.0)) if "label file" in f.message]


def _compose_fails(compose_bin: str, root: Path, profiles: tuple[str, ...] = ()) -> str:
    args = [compose_bin, *(a for p in profiles for a in ("--profile", p)), "config", "-q"]
    done = subprocess.run(args, cwd=root, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    return done.stderr if done.returncode else ""


def _project(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "compose.yaml").write_text(
        "include: [sub/inc.yaml]\nservices:\n  a:\n    image: busybox\n    label_file: ./a.labels\n"
        "  off:\n    image: busybox\n    profiles: [extra]\n    label_file: ./off.labels\n")
    (root / "sub" / "inc.yaml").write_text("services:\n  c:\n    image: busybox\n    label_file: [l1.env, ./l2.env]\n")
    for name in ("a.labels", "sub/l1.env", "sub/l2.env"):
        (root / name).write_text("com.example.team=core\n")
    return root


def test_every_label_file_present_is_no_finding(tmp_path: Path, compose_bin: str) -> None:
    root = _project(tmp_path / "p")
    assert _compose_fails(compose_bin, root) == ""
    assert _errors(root) == []


@pytest.mark.parametrize("gone", ["a.labels", "sub/l1.env", "sub/l2.env"])
def test_a_missing_label_file_is_an_error_where_compose_stops(tmp_path: Path, compose_bin: str, gone: str) -> None:
    root = _project(tmp_path / "p")
    (root / gone).unlink()
    said = _compose_fails(compose_bin, root)
    assert f"label file {root / gone} not found" in said
    assert _errors(root) == [f"label file {gone} not found | create {gone} (one LABEL=value per line), "
                             "or remove it from label_file"]


def test_a_profile_off_service_is_not_read_until_its_profile_is_on(tmp_path: Path, compose_bin: str) -> None:
    root = _project(tmp_path / "p")
    assert _compose_fails(compose_bin, root) == "" and _errors(root) == []
    assert "off.labels not found" in _compose_fails(compose_bin, root, ("extra",))
    assert [e.split(" | ")[0] for e in _errors(root, ("extra",))] == ["label file off.labels not found"]


def test_an_override_adds_its_label_files_to_the_base_ones(tmp_path: Path, compose_bin: str) -> None:
    root = _project(tmp_path / "p")
    (root / "compose.override.yaml").write_text("services:\n  a:\n    label_file: [./more.labels]\n")
    assert "more.labels not found" in _compose_fails(compose_bin, root)
    assert [e.split(" | ")[0] for e in _errors(root)] == ["label file more.labels not found"]
    (root / "more.labels").write_text("x=1\n")
    (root / "a.labels").unlink()  # the base's file is still read beside the override's
    assert "a.labels not found" in _compose_fails(compose_bin, root)
    assert [e.split(" | ")[0] for e in _errors(root)] == ["label file a.labels not found"]


def test_a_label_file_compose_cannot_read_or_parse_is_an_error(tmp_path: Path, compose_bin: str) -> None:
    # compose reads a label file with its env file parser: a folder, or a key with a space, stops it
    root = _project(tmp_path / "p")
    (root / "a.labels").unlink()
    (root / "a.labels").mkdir()
    assert "is a directory" in _compose_fails(compose_bin, root)
    assert [e.split(" | ")[0] for e in _errors(root)] == ["cannot read label file: a directory, not a regular file"]
    (root / "a.labels").rmdir()
    (root / "a.labels").write_text("ok=1\nBAD KEY=2\n")
    assert "key cannot contain a space" in _compose_fails(compose_bin, root)
    project_errors = _all_errors(root)
    assert any("a.labels" in where and where.endswith(":2") and "BAD KEY" in message
               for where, message in project_errors), project_errors


def _all_errors(root: Path) -> list[tuple[str, str]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=root, env=env))
    return [(f.location.display(root) if f.location else "", f.message)
            for f in ComposeConfig().run(project, Host(env=env, timeout=1.0))]
