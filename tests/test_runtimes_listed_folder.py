"""read_folder asks a reader only for a file the folder lists: the same versions as asking every reader.

A folder that cannot be listed, or that lists a name outside ASCII (a file system matching names by case
or Unicode form may answer a stat under another spelling: the Kelvin sign lowers to `k`), has every
reader asked, as before the look.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project import runtimes
from doctor.project.python_requires import _pyproject, uv_lock
from doctor.project.tox_envs import read_tox

FILES = {
    ".python-version": "3.12\n",
    ".nvmrc": "20\n",
    ".tool-versions": "python 3.11.4\nnodejs 18.1.0\n",
    "runtime.txt": "python-3.10.4\n",
    "mise.toml": '[tools]\npython = "3.13"\n',
    "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.11"\n',
    "uv.lock": 'version = 1\nrequires-python = "==3.12.*"\n\n[[package]]\n',
    "package.json": '{"engines": {"node": ">=18"}}\n',
    "tox.ini": "[tox]\nenvlist = py310, py311\n",
}


def _every_reader(folder: Path) -> list[runtimes.Declared]:
    """read_folder as it was: each reader asked of its file, there or not."""
    found = runtimes._version_file(folder / ".python-version", "python")
    for name in (".nvmrc", ".node-version"):
        found += runtimes._version_file(folder / name, "node")
    found += runtimes._tool_versions(folder / ".tool-versions")
    found += runtimes._runtime_txt(folder / "runtime.txt")
    for name in ("mise.toml", ".mise.toml"):
        found += runtimes._mise(folder / name)
    found += _pyproject(folder / "pyproject.toml") + uv_lock(folder / "uv.lock")
    found += runtimes._package_json(folder / "package.json")
    return found + read_tox(folder)


@pytest.mark.parametrize("names", [list(FILES), [], [".nvmrc", "uv.lock"], ["tox.ini"], ["pyproject.toml"],
                                   ["package.json", ".tool-versions", "mise.toml"]])
def test_the_versions_of_the_files_it_lists(tmp_path: Path, names: list[str]) -> None:
    for name in names:
        (tmp_path / name).write_text(FILES[name])
    (tmp_path / "README.md").write_text("no version here\n")
    assert runtimes.read_folder(tmp_path) == _every_reader(tmp_path)


def test_a_name_outside_ascii_has_every_reader_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".nvmrc").write_text("20\n")
    (tmp_path / "caf\u00e9.txt").write_text("{}\n")  # any such name: the listing then decides nothing
    asked: list[str] = []
    real = runtimes._package_json
    monkeypatch.setattr(runtimes, "_package_json", lambda path: asked.append(path.name) or real(path))
    assert runtimes.read_folder(tmp_path) == _every_reader(tmp_path)
    assert "package.json" in asked


def test_a_folder_it_cannot_list_has_every_reader_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".python-version").write_text("3.12\n")

    def refused(folder: object) -> list[str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(runtimes.os, "listdir", refused)
    asked: list[str] = []
    real = runtimes._package_json
    monkeypatch.setattr(runtimes, "_package_json", lambda path: asked.append(path.name) or real(path))
    assert [d.source for d in runtimes.read_folder(tmp_path)] == [".python-version 3.12"]
    assert asked == ["package.json"]


def test_an_absent_file_asks_no_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".nvmrc").write_text("20\n")
    asked: list[str] = []
    real = runtimes._package_json
    monkeypatch.setattr(runtimes, "_package_json", lambda path: asked.append(path.name) or real(path))
    assert [d.source for d in runtimes.read_folder(tmp_path)] == [".nvmrc 20"]
    assert asked == []
