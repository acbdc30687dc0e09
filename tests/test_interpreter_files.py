"""doctor.host.interpreter reads what an interpreter can import from its folders: which names count."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from doctor.host import interpreter
from doctor.host.interpreter import InstalledPackages, Interpreter, _which, normalize, read_interpreter


def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site-packages"
    folder.mkdir()
    (folder / "Typing_Extensions-4.12.dist-info").mkdir()
    (folder / "zope.interface-6.0.egg-info").mkdir()
    (folder / "six.py").write_text("")
    (folder / "_cffi_backend.cpython-311-x86_64-linux-gnu.so").write_text("")
    (folder / "yaml").mkdir()  # a package folder without metadata (vendored, or a copied tree)
    (folder / "notes").write_text("")  # a file named like a module is no module
    (folder / "README.txt").write_text("")
    return folder


@pytest.mark.parametrize(("dist", "module", "missing"), [
    ("typing-extensions", "typing_extensions", False),  # metadata, names normalized
    ("typing.extensions", "nothing_here", False),
    ("zope-interface", "zope.interface", False),  # egg-info counts
    ("six", "six", False),  # a module file
    ("cffi", "_cffi_backend", False),  # an extension module
    ("PyYAML", "yaml", False),  # a package folder
    ("notes", "notes", True),  # a plain file
    ("requests", "requests", True),
    ("readme", "README", True),
])
def test_a_distribution_is_present_by_its_metadata_or_its_module(tmp_path: Path, dist: str, module: str,
                                                                 missing: bool) -> None:
    found = Interpreter(tmp_path / "bin" / "python3", (site(tmp_path),))
    assert found.missing([(dist, module)]) == ((dist,) if missing else ())


def test_names_fold_as_pep_503_says() -> None:
    assert normalize("Foo.Bar__baz--Qux") == "foo-bar-baz-qux"
    assert normalize("Django") == "django"
    assert normalize("a-b") == "a-b"


def test_pth_folders_are_read_too(tmp_path: Path) -> None:
    prefix = tmp_path / "venv"
    packages = prefix / "lib" / "python3.12" / "site-packages"
    packages.mkdir(parents=True)
    (prefix / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python").write_bytes(b"\x7fELF")
    editable = tmp_path / "src"
    (editable / "mypkg").mkdir(parents=True)
    (packages / "b.pth").write_text(f"# a comment\nimport sys\n{editable}\n")
    (packages / "a.pth.bak").write_text(f"{tmp_path}\n")  # not a .pth file
    found = read_interpreter(prefix / "bin" / "python")
    assert found is not None
    assert found.site_dirs == (packages, editable)
    assert found.missing([("mypkg", "mypkg"), ("other", "other")]) == ("other",)


def test_which_finds_the_first_executable_file_as_shutil_does(tmp_path: Path) -> None:
    import shutil

    first, second, third = (tmp_path / name for name in ("a", "b", "c"))
    for folder in (first, second, third):
        folder.mkdir()
    (first / "python3").mkdir()  # a folder is no program
    (second / "python3").write_text("")  # not executable
    (third / "python3").write_text("")
    (third / "python3").chmod(0o755)
    entries = [str(first), "", str(second), str(first), str(third)]
    assert _which("python3", entries) == third / "python3"
    assert str(_which("python3", entries)) == shutil.which("python3", path=os.pathsep.join(entries))
    assert _which("python3", []) is None
    assert _which("nothing", entries) is None


def test_one_question_per_folder_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[Path, ...]] = []
    real = interpreter.find_interpreter

    def counting(directories: list[Path], env: dict[str, str]) -> Interpreter | None:
        asked.append(tuple(directories))
        return real(directories, env)

    monkeypatch.setattr(interpreter, "find_interpreter", counting)
    probe = InstalledPackages({"PATH": ""})
    for _ in range(3):
        assert probe.python_for([tmp_path, tmp_path.parent]) is None
    assert probe.python_for([tmp_path]) is None
    assert asked == [(tmp_path, tmp_path.parent), (tmp_path,)]


@pytest.mark.parametrize(("pinned", "chosen"), [
    ("3.12.1", "3.12.1"),  # an exact name
    ("python-3.12.1", "3.12.1"),  # pyenv drops the `python-` prefix
    ("3.12", "3.12.10"),  # a prefix: the newest release, numbers compared as numbers
    ("3", "3.13.0"),
    ("3.13t", "3.13.0t"),  # the free-threaded build only when asked for
    ("3.14", None),  # only a release candidate: not a match
    ("3.1", None),  # `3.1` is not a prefix of 3.12.x
    ("pypy3.10", "pypy3.10-7.3.17"),
    ("api", "api"),  # a pyenv-virtualenv name
    ("3.12.1/envs/api", "3.12.1/envs/api"),
    ("../../etc", None),  # out of the versions folder: pyenv ignores it
])
def test_a_pyenv_version_name_resolves_as_pyenv_latest_does(tmp_path: Path, pinned: str, chosen: str | None) -> None:
    root = tmp_path / "pyenv"
    for name in ("3.12.1", "3.12.9", "3.12.10", "3.13.0", "3.13.0t", "3.14.0rc1", "pypy3.10-7.3.17", "api",
                 "3.12.1/envs/api"):
        (root / "versions" / name).mkdir(parents=True)
    (tmp_path / "etc").mkdir()
    installed = interpreter._installed_versions(root)
    assert interpreter._resolve_version(root, pinned, installed) == chosen


def test_a_pin_that_is_not_installed_is_an_interpreter_that_lacks_everything(tmp_path: Path) -> None:
    root = tmp_path / "pyenv"
    (root / "shims").mkdir(parents=True)
    (root / "shims" / "python3").write_text('#!/usr/bin/env bash\nexec pyenv exec "${0##*/}" "$@"\n')
    (root / "shims" / "python3").chmod(0o755)
    (root / "versions" / "3.12.1").mkdir(parents=True)
    (tmp_path / "proj").mkdir()
    (tmp_path / ".python-version").write_text("3.14\n")
    env = {"PATH": str(root / "shims"), "PYENV_ROOT": str(root)}
    found = interpreter.find_interpreter([tmp_path / "proj"], env)
    assert found is not None and found.unusable == ("3.14", str(tmp_path / ".python-version"))
    assert found.missing([("six", "six")]) == ("six",)
    probe = InstalledPackages(env)
    python = probe.python_for([tmp_path / "proj"])
    assert python is not None and probe.unusable(python) == ("3.14", str(tmp_path / ".python-version"))
    assert probe.missing_python_packages(python, [("six", "six")]) == ("six",)
    # the global version file when no project pins one; `system` is never "not installed"
    (tmp_path / ".python-version").unlink()
    (root / "version").write_text("system\n")
    assert interpreter.find_interpreter([tmp_path / "proj"], env) is None  # no python after the shims: unknown


@pytest.mark.parametrize(("name", "folder", "stem"), [
    # what Poetry 2.5.1's EnvManager.generate_env_name answered for them
    ("app", "/tmp/audit-hvc-fa/backend", "app-k8fAdBK0"),  # fastapi-template 0.11's backend, `poetry install`ed
    ("My Project!", "/home/dev/src/my project", "my_project_-ddWfikU7"),
    ("x" * 50, "/w", "x" * 42 + "-0buMo1Rn"),
])
def test_a_poetry_environment_is_named_as_poetry_names_it(name: str, folder: str, stem: str) -> None:
    assert interpreter.poetry_env_stem(name, folder) == stem


def poetry_project(tmp_path: Path, pythons: tuple[str, ...] = ("3.11",)) -> tuple[Path, dict[str, str], list[Path]]:
    """A Poetry project (pyproject, poetry.lock) and the environments `poetry install` made for it in
    Poetry's cache under HOME (`virtualenvs.in-project` off, Poetry's default)."""
    project = tmp_path / "backend"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.poetry]\nname = "app"\nversion = "0.1.0"\n')
    (project / "poetry.lock").write_text("")
    home = tmp_path / "home"
    stem = interpreter.poetry_env_stem("app", os.path.realpath(project))
    made = []
    for python in pythons:
        venv = home / ".cache" / "pypoetry" / "virtualenvs" / f"{stem}-py{python}"
        (venv / "lib" / f"python{python}" / "site-packages" / "fastapi").mkdir(parents=True)
        (venv / "bin").mkdir()
        (venv / "bin" / "python").write_text("#!/bin/sh\n")
        (venv / "bin" / "python").chmod(0o755)
        (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
        made.append(venv)
    return project, {"HOME": str(home), "PATH": ""}, made


def test_the_environment_poetry_made_for_the_project_is_its_interpreter(tmp_path: Path) -> None:
    """fastapi-template 0.11's backend after `poetry install`: the packages are in Poetry's cache, not in
    a `.venv`. Before, the host's Python was PATH's (here none): it lacked fastapi, and `poetry run
    pytest` was sent into the backend container though Poetry runs it here."""
    project, env, [venv] = poetry_project(tmp_path)
    found = interpreter.find_interpreter([project], env)
    assert found is not None and found.executable == venv / "bin" / "python" and found.project == project
    assert found.missing([("fastapi", "fastapi"), ("sqlmodel", "sqlmodel")]) == ("sqlmodel",)
    packages = InstalledPackages(env)
    assert packages.python_for([project]) == str(venv / "bin" / "python")
    assert packages.inactive_virtualenvs() == ((venv, project),)
    assert InstalledPackages({**env, "VIRTUAL_ENV": str(venv)}).inactive_virtualenvs() == ()
    # not locked, never installed: no environment of Poetry's is looked for
    (project / "poetry.lock").unlink()
    assert interpreter.find_interpreter([project], env) is None


def test_of_two_poetry_environments_the_one_poetry_env_use_recorded(tmp_path: Path) -> None:
    project, env, [old, new] = poetry_project(tmp_path, ("3.10", "3.11"))
    assert interpreter.find_interpreter([project], env) is None  # no choice: unknown, never "missing"
    stem = old.name.rsplit("-py", 1)[0]
    (old.parent / "envs.toml").write_text(f'[{stem}]\nminor = "3.11"\npatch = "3.11.7"\n')
    found = interpreter.find_interpreter([project], env)
    assert found is not None and found.executable == new / "bin" / "python"
