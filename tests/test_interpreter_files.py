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
