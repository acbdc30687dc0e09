"""A big `.env` is parsed once per run: discovery, Project.dotenv and each service's `env_file:`
share one parse while what the parse asked of its lookup gets the same answers (doctor.project.env_parses)."""

from __future__ import annotations

from pathlib import Path

import pytest

import doctor.project.envfile as envfile
from doctor.project import Project, ProjectOptions
from doctor.project.envfile import read_env_file

COMPOSE = """services:
  api:
    image: busybox
    env_file: .env
  worker:
    image: busybox
    env_file: .env
"""


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = envfile.parse_env_text

    def counting(text: str, path: Path, *args: object, **kwargs: object) -> object:
        calls.append(path)
        return real(text, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(envfile, "parse_env_text", counting)
    return calls


def _project(root: Path, env_text: str, **env: str) -> Project:
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env").write_text(env_text)
    options_env = {"HOME": str(root), "PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", **env}
    return Project(ProjectOptions(path=root, env=options_env))


def test_a_dotenv_without_references_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    lines = "".join(f"API_KEY_{i}=Zq{i:06d}Xk7Lm2Np4Rt\n" for i in range(1000))
    project = _project(tmp_path, lines)
    services = project.compose.services
    dotenv = project.dotenv
    assert dotenv is not None and len(dotenv.entries) == 1000
    assert services["api"].environment["API_KEY_7"].value == "Zq000007Xk7Lm2Np4Rt"
    assert project.compose.variables["API_KEY_999"] == "Zq000999Xk7Lm2Np4Rt"
    # before: discovery, dotenv, and two reads per service (own keys, values): six
    assert calls == [tmp_path / ".env"]


def test_a_reference_answered_differently_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    path = tmp_path / "app.env"
    path.write_text("A=${X}\nB=${Y:-y}\nBARE\n")
    first = read_env_file(path, {"X": "1"})
    again = read_env_file(path, {"X": "1", "Z": "other"})  # Z is never asked: the same parse
    assert again is first and len(calls) == 1
    other = read_env_file(path, {"X": "2"})
    assert other.as_dict() == {"A": "2", "B": "y"} and len(calls) == 2
    bare = read_env_file(path, {"X": "1", "BARE": "b"})
    assert bare.as_dict() == {"A": "1", "B": "y", "BARE": "b"} and len(calls) == 3
    path.write_text("A=${X}\nB=changed\n")
    assert read_env_file(path, {"X": "1"}).as_dict() == {"A": "1", "B": "changed"} and len(calls) == 4
    assert read_env_file(path, {"X": "1"}, earlier={"Q": "q"}).as_dict() == {"A": "1", "B": "changed"}
    assert len(calls) == 5  # another file's earlier keys: parsed for them


def test_a_recording_lookup_sees_the_questions_again(tmp_path: Path) -> None:
    path = tmp_path / "x.env"
    path.write_text("A=${X}\nB=${Y}\n")
    read_env_file(path, {"X": "1"})
    asked: list[str] = []

    def look(name: str) -> str | None:
        asked.append(name)
        return {"X": "1"}.get(name)

    assert read_env_file(path, look).as_dict() == {"A": "1", "B": ""}
    assert set(asked) == {"X", "Y"}  # remembered_env_file keys its memo on these
