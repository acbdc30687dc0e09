"""doctor.codecache: the modules' code kept in one file, taken only while it is what an import would load.

Each run is a new interpreter (the table is read once, at `install`), started on a package made
in tmp_path, with the table in tmp_path too (never the checkout's own doctor/__pycache__).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from doctor import codecache

REPO = Path(__file__).resolve().parents[1]
NAMES = "pkgx,pkgx.sub,pkgx.sub.mod,topmod"

DRIVER = textwrap.dedent("""
    import json, sys
    from doctor import codecache
    codecache.install(sys.argv[1])
    names = sys.argv[2].split(",")
    for name in names:
        __import__(name)
    out = {}
    for name in names:
        module = sys.modules[name]
        out[name] = {"loader": type(module.__spec__.loader).__name__, "file": module.__file__,
                     "value": getattr(module, "VALUE", None), "path": list(getattr(module, "__path__", []) or [])}
    if len(sys.argv) > 3:
        exec(sys.argv[3], {"out": out, "sys": sys})
    print(json.dumps(out))
""")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "DOCTOR_NO_CACHE")}
    env["PYTHONPATH"] = os.pathsep.join([*extra.pop("paths", "").split(","), str(REPO / "src")])
    env.update(extra)
    return env


def _run(table: Path, names: str, code: str = "", cwd: Path | None = None, **env: str) -> dict[str, dict[str, object]]:
    argv = [sys.executable, "-c", DRIVER, str(table), names] + ([code] if code else [])
    done = subprocess.run(argv, capture_output=True, text=True, env=_env(**env), timeout=60, cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def _prime(table: Path, names: str = NAMES, **env: str) -> None:
    """The two runs after which the table holds the modules: the first writes it empty, the second fills it."""
    _run(table, names, **env)
    _run(table, names, **env)


def _later(path: Path, text: str) -> None:
    """Rewrite a source so that its mtime surely moves on (a coarse clock would keep it)."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    while path.stat().st_mtime_ns == before:
        time.sleep(0.01)
        path.write_text(text)


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    (root / "pkgx" / "sub").mkdir(parents=True)
    (root / "pkgx" / "__init__.py").write_text("VALUE = 'pkg'\n")
    (root / "pkgx" / "data.txt").write_text("resource\n")
    (root / "pkgx" / "sub" / "__init__.py").write_text("")
    (root / "pkgx" / "sub" / "mod.py").write_text(
        "VALUE = 1\n\ndef boom():\n    raise ValueError('from mod')\n")
    (root / "topmod.py").write_text("VALUE = 'top'\n")
    return root


def test_the_third_run_takes_the_modules_code_from_the_table(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    first = _run(table, NAMES, paths=str(lib))
    assert {m["loader"] for m in first.values()} == {"SourceFileLoader"}
    assert table.stat().st_size < 1024  # a first run writes the table empty: the next fills it
    assert {m["loader"] for m in _run(table, NAMES, paths=str(lib)).values()} == {"SourceFileLoader"}
    assert table.stat().st_size > 1024
    resource = ("import importlib.resources\n"
                "out['resource'] = importlib.resources.files('pkgx').joinpath('data.txt').read_text()")
    second = _run(table, NAMES, resource, paths=str(lib))
    assert {name: second[name]["loader"] for name in NAMES.split(",")} == dict.fromkeys(NAMES.split(","), "_Loader")
    for name in NAMES.split(","):  # the module as the import system makes it: file, package path, code
        assert second[name]["file"] == first[name]["file"]
        assert second[name]["path"] == first[name]["path"]
        assert second[name]["value"] == first[name]["value"]
    assert second["resource"] == "resource\n"
    assert second["pkgx"]["path"] == [str(lib / "pkgx")]


def test_a_run_that_found_no_table_writes_the_empty_one_without_judging_each_module(tmp_path: Path, lib: Path) -> None:
    """Nothing to fill it from: the first module it would hold is enough (a cold run judged ~370, ~2 ms)."""
    table = tmp_path / "table.bin"
    count = ("from doctor import codecache\n"
             "judged = []\n"
             "wanted = codecache._wanted\n"
             "codecache._wanted = lambda name, found: (judged.append(name), wanted(name, found))[1]\n"
             "codecache.save()\n"
             "codecache._wanted = wanted\n"
             "out['judged'] = len(judged)")
    first = _run(table, NAMES, count, paths=str(lib))
    assert first["judged"] == 1
    assert 0 < table.stat().st_size < 1024  # written empty, as before: the next run fills it
    _run(table, NAMES, paths=str(lib))
    assert table.stat().st_size > 1024


def test_a_traceback_through_a_tables_module_shows_its_source_line(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    show = ("import traceback\ntry:\n    sys.modules['pkgx.sub.mod'].boom()\n"
            "except ValueError:\n    out['trace'] = traceback.format_exc()")
    second = _run(table, NAMES, show, paths=str(lib))
    assert second["pkgx.sub.mod"]["loader"] == "_Loader"
    assert f'File "{lib / "pkgx" / "sub" / "mod.py"}", line 4, in boom' in second["trace"]
    assert "raise ValueError('from mod')" in second["trace"]


def test_an_edited_source_is_imported_from_itself_and_the_table_written_again(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    _later(lib / "pkgx" / "sub" / "mod.py", "VALUE = 22\n")
    third = _run(table, NAMES, paths=str(lib))
    assert third["pkgx.sub.mod"] == {**third["pkgx.sub.mod"], "loader": "SourceFileLoader", "value": 22}
    assert third["pkgx"]["loader"] == "_Loader"
    fourth = _run(table, NAMES, paths=str(lib))
    assert fourth["pkgx.sub.mod"]["loader"] == "_Loader"
    assert fourth["pkgx.sub.mod"]["value"] == 22


def test_a_module_put_earlier_on_the_path_is_imported_not_the_tables(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    first_dir = tmp_path / "first"
    first_dir.mkdir()
    paths = f"{first_dir},{lib}"
    _prime(table, paths=paths)
    assert _run(table, NAMES, paths=paths)["topmod"]["loader"] == "_Loader"
    (first_dir / "topmod.py").write_text("VALUE = 'shadow'\n")
    third = _run(table, NAMES, paths=paths)
    assert third["topmod"]["value"] == "shadow"
    assert third["topmod"]["file"] == str(first_dir / "topmod.py")
    assert third["pkgx.sub.mod"]["loader"] == "_Loader"  # a package's module: looked for in its __path__
    fourth = _run(table, NAMES, paths=paths)
    assert fourth["topmod"]["value"] == "shadow"


def test_another_sys_path_takes_no_top_level_module(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    other = tmp_path / "other"
    other.mkdir()
    moved = _run(table, NAMES, paths=f"{other},{lib}")
    assert moved["topmod"]["loader"] == "SourceFileLoader"


@pytest.mark.parametrize("content", [b"", b"garbage", b"\xff" * 8 + b"x", (16).to_bytes(8, "little") + bytes(16)])
def test_a_table_that_is_not_one_imports_as_without_it(tmp_path: Path, lib: Path, content: bytes) -> None:
    table = tmp_path / "table.bin"
    table.write_bytes(content)
    out = _run(table, NAMES, paths=str(lib))
    assert {m["loader"] for m in out.values()} == {"SourceFileLoader"}
    assert out["pkgx.sub.mod"]["value"] == 1
    _run(table, NAMES, paths=str(lib))  # written anew
    assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["loader"] == "_Loader"


def test_a_table_truncated_after_it_was_read_falls_back_to_the_pyc(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    cut = "import os\nos.truncate(sys.argv[1], 0)\nimport pkgx.sub as s\nout['late'] = 1"
    out = _run(table, "pkgx", cut, paths=str(lib))  # pkgx.sub is imported after the file is cut
    assert out["late"] == 1


def test_another_interpreters_table_is_not_taken(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    data = table.read_bytes()
    table.write_bytes(data.replace(sys.version.encode(), b"X" * len(sys.version.encode()), 1))
    out = _run(table, NAMES, paths=str(lib))
    assert {m["loader"] for m in out.values()} == {"SourceFileLoader"}


def test_not_written_where_no_bytecode_is_nor_read_with_the_caches_off(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    _run(table, NAMES, paths=str(lib), PYTHONDONTWRITEBYTECODE="1")
    assert not table.exists()
    _prime(table, paths=str(lib))
    assert table.is_file()
    off = _run(table, NAMES, paths=str(lib), DOCTOR_NO_CACHE="1")
    assert {m["loader"] for m in off.values()} == {"SourceFileLoader"}
    read_only = _run(table, NAMES, paths=str(lib), PYTHONDONTWRITEBYTECODE="1")
    assert read_only["pkgx.sub.mod"]["loader"] == "_Loader"  # read, as .pyc files are


def test_a_helpers_imports_are_written_by_the_run(tmp_path: Path, lib: Path) -> None:
    """doctor.forked's helper journals what it imported; the run absorbs it and writes it."""
    table = tmp_path / "table.bin"
    helper = ("from doctor import codecache\ncodecache.journal()\nimport pkgx.sub.mod\n"
              "out['taken'] = codecache.journal_take()")
    out = _run(table, "pkgx", helper, paths=str(lib))
    taken = {item[0]: item for item in out["taken"]}
    assert set(taken) == {"pkgx.sub", "pkgx.sub.mod"}
    pyc = lib / "pkgx" / "sub" / "__pycache__" / f"mod.{sys.implementation.cache_tag}.pyc"
    assert taken["pkgx.sub.mod"][1:] == [str(lib / "pkgx" / "sub" / "mod.py"), str(pyc), False]
    table.unlink()
    _run(table, "pkgx", paths=str(lib))  # an empty table, to be filled
    run = ("from doctor import codecache\n"
           f"codecache.absorb([('x',), 'junk', ('pkgx.sub.mod', *{taken['pkgx.sub.mod'][1:]!r})])")
    _run(table, "pkgx", run, paths=str(lib))  # the run never imported pkgx.sub.mod itself
    assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["loader"] == "_Loader"


def test_absorb_leaves_out_what_is_of_another_shape() -> None:
    before = dict(codecache._state.absorbed)
    try:
        codecache.absorb("junk")
        codecache.absorb([("a", "b"), ("a", 1, 2, False), None])
        assert codecache._state.absorbed == before
    finally:
        codecache._state.absorbed = before


def test_a_preflight_reports_the_same_from_the_table(tmp_path: Path) -> None:
    """The CLI's run with doctor's own modules from the table: the same report as without one,
    and the second run took them from it (counted at its exit)."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: doctor-test/none:1\n"
                                          "    environment:\n      DATABASE_URL: postgres://db:5432/app\n")
    table = tmp_path / "table.bin"
    driver = textwrap.dedent(f"""
        import atexit, sys
        from doctor import codecache
        codecache.install({str(table)!r})
        def count():
            n = sum(type(getattr(getattr(m, "__spec__", None), "loader", None)) is codecache._Loader
                    for name, m in list(sys.modules.items()) if name.startswith("doctor."))
            sys.stderr.write(f"TAKEN {{n}}\\n")
        atexit.register(count)
        sys.argv = ["doctor", "preflight", {str(project)!r}, "--select", "service-name-drift,env-drift,compose-version"]
        from doctor.cli import console
        console()
    """)
    env = _env(XDG_CACHE_HOME=str(tmp_path / "cache"))

    def run(**extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                              env={**env, **extra}, timeout=120, cwd=tmp_path)

    plain = run(DOCTOR_NO_CACHE="1")
    first, second, third = run(), run(), run()  # the table written empty, filled, used
    assert table.is_file()
    assert first.stdout == plain.stdout == second.stdout == third.stdout
    assert first.returncode == plain.returncode == second.returncode == third.returncode
    assert int(second.stderr.split("TAKEN ")[1].split()[0]) == 0, second.stderr
    taken = int(third.stderr.split("TAKEN ")[1].split()[0])
    assert taken >= 30, third.stderr


def _stamp(table: Path) -> tuple[int, int]:
    info = table.stat()
    return info.st_ino, info.st_mtime_ns


def test_a_table_settles_and_is_not_written_again(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    settled = _stamp(table)
    for _ in range(2):
        assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["loader"] == "_Loader"
    assert _stamp(table) == settled


def test_a_module_whose_pyc_cannot_be_stored_is_not_written_on_every_run(tmp_path: Path, lib: Path) -> None:
    """A hash-based .pyc (or none) is not copied; the table knows the module, and settles."""
    import py_compile

    source = lib / "pkgx" / "sub" / "mod.py"
    py_compile.compile(str(source), invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    settled = _stamp(table)
    out = _run(table, NAMES, paths=str(lib))
    assert out["pkgx.sub.mod"]["loader"] == "SourceFileLoader"
    assert out["pkgx"]["loader"] == "_Loader"
    assert _stamp(table) == settled
    # nor when its folder's mtime moved: an entry without code is never handed out, so that is not asked
    _move_folder(source.parent)
    for _ in range(2):
        assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["loader"] == "SourceFileLoader"
        assert _stamp(table) == settled


def test_another_working_folder_takes_no_top_level_module_of_the_first(tmp_path: Path, lib: Path) -> None:
    """`python -m doctor` puts the working folder first on sys.path: a module there (a project's
    own shlex.py) must not follow the table into runs from other folders, nor the reverse."""
    table = tmp_path / "table.bin"
    project = tmp_path / "project"
    project.mkdir()
    (project / "topmod.py").write_text("VALUE = 'project'\n")
    other = tmp_path / "other"
    other.mkdir()
    _prime(table, cwd=project, paths=str(lib))
    mine = _run(table, NAMES, cwd=project, paths=str(lib))["topmod"]
    assert (mine["loader"], mine["value"]) == ("_Loader", "project")
    elsewhere = _run(table, NAMES, cwd=other, paths=str(lib))
    assert elsewhere["topmod"]["value"] == "top"
    assert elsewhere["pkgx.sub.mod"]["loader"] == "_Loader"  # a package's module: found in its __path__
    settled = _stamp(table)
    _run(table, NAMES, cwd=other, paths=str(lib))
    assert _stamp(table) == settled  # the other folder's run writes none: the two do not take turns
    back = _run(table, NAMES, cwd=project, paths=str(lib))
    assert back["topmod"]["value"] == "project"


def test_a_package_added_beside_a_module_is_imported_not_the_tables(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    (lib / "pkgx" / "sub" / "mod").mkdir()
    (lib / "pkgx" / "sub" / "mod" / "__init__.py").write_text("VALUE = 'package'\n")
    assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["value"] == "package"


def test_a_module_refused_for_its_folder_is_written_again_and_the_table_settles(tmp_path: Path, lib: Path) -> None:
    """A file added beside a module that shadows nothing (a `git checkout`, an editor's save by
    rename) moves its folder's mtime: the next run imports the module from its source and writes
    the table again with the folder as it is now, so the run after takes it from the table again
    (before, the entry was kept with the old folder mtime and every later run was refused it and
    rewrote the table)."""
    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    _move_folder(lib / "pkgx" / "sub")
    assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["loader"] == "SourceFileLoader"
    assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["loader"] == "_Loader"
    settled = _stamp(table)
    assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["loader"] == "_Loader"
    assert _stamp(table) == settled


def _move_folder(folder: Path) -> None:
    """Add files to `folder` until its mtime moves (a coarse clock keeps it for a while)."""
    before, n = folder.stat().st_mtime_ns, 0
    (folder / "notes0.txt").write_text("")
    while folder.stat().st_mtime_ns == before:
        time.sleep(0.01)
        n += 1
        (folder / f"notes{n}.txt").write_text("")


def test_bytes_that_are_no_code_fall_back_to_the_pyc(tmp_path: Path, lib: Path) -> None:
    import marshal

    table = tmp_path / "table.bin"
    _prime(table, paths=str(lib))
    data = bytearray(table.read_bytes())
    head = int.from_bytes(data[-8:], "little")
    index = marshal.loads(bytes(data[-8 - head:-8]))[3]
    start, length = index["pkgx.sub.mod"][6:8]
    junk = marshal.dumps(7)
    data[start:start + length] = junk + bytes(length - len(junk))
    table.write_bytes(bytes(data))
    out = _run(table, NAMES, paths=str(lib))
    assert out["pkgx.sub.mod"]["value"] == 1


def test_the_table_is_never_writable_by_others(tmp_path: Path, lib: Path) -> None:
    table = tmp_path / "table.bin"
    loose = "import os\nos.umask(0)"
    _run(table, NAMES, loose, paths=str(lib))
    _run(table, NAMES, loose, paths=str(lib))
    assert not table.stat().st_mode & 0o022
    assert _run(table, NAMES, paths=str(lib))["pkgx.sub.mod"]["loader"] == "_Loader"


OWN = "from doctor import codecache\ncodecache._OwnFinder.own = ('pkgx.',)\n"


def _run_own(table: Path, names: str, code: str = "", **env: str) -> dict[str, dict[str, object]]:
    """_run, with pkgx's submodules taken as doctor's own are (`_OwnFinder`) when no table gives them."""
    driver = DRIVER.replace("from doctor import codecache\n", OWN, 1)
    argv = [sys.executable, "-c", driver, str(table), names] + ([code] if code else [])
    done = subprocess.run(argv, capture_output=True, text=True, env=_env(**env), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


SPEC = ("for name in out:\n"
        "    m = sys.modules[name]\n"
        "    out[name]['cached'] = m.__spec__.cached\n"
        "    out[name]['origin'] = m.__spec__.origin\n"
        "    out[name]['search'] = m.__spec__.submodule_search_locations")


def test_a_run_without_a_table_reads_its_own_modules_pyc_as_the_path_finder_would(tmp_path: Path, lib: Path) -> None:
    """A cold run (no table yet) finds doctor's own submodules itself and reads each `.pyc` once:
    the same module, file, package path and `.pyc` as the path finders give, and the table that the
    next run fills holds them."""
    table = tmp_path / "table.bin"
    plain = _run(tmp_path / "none.bin", NAMES, SPEC, paths=str(lib), DOCTOR_NO_CACHE="1")
    assert {m["loader"] for m in plain.values()} == {"SourceFileLoader"}
    first = _run_own(table, NAMES, SPEC, paths=str(lib))
    assert {name: first[name]["loader"] for name in NAMES.split(",")} == {
        "pkgx": "SourceFileLoader", "pkgx.sub": "_PycLoader", "pkgx.sub.mod": "_PycLoader",
        "topmod": "SourceFileLoader"}
    for name in NAMES.split(","):
        assert {**first[name], "loader": ""} == {**plain[name], "loader": ""}
    _run_own(table, NAMES, paths=str(lib))  # fills the table, from the .pyc files the first run read
    third = _run_own(table, NAMES, paths=str(lib))
    assert {m["loader"] for m in third.values()} == {"_Loader"}


def test_an_own_module_with_a_stale_or_hash_based_pyc_is_read_from_its_source(tmp_path: Path, lib: Path) -> None:
    import py_compile

    source = lib / "pkgx" / "sub" / "mod.py"
    _run(tmp_path / "none.bin", NAMES, paths=str(lib), DOCTOR_NO_CACHE="1")  # the .pyc files written
    _later(source, "VALUE = 2\n")
    assert _run_own(tmp_path / "a.bin", NAMES, paths=str(lib))["pkgx.sub.mod"]["value"] == 2
    _later(source, "VALUE = 3\n")
    py_compile.compile(str(source), invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    _later(source, "VALUE = 4\n")  # a checked hash-based .pyc of the source before
    assert _run_own(tmp_path / "b.bin", NAMES, paths=str(lib))["pkgx.sub.mod"]["value"] == 4


@pytest.mark.parametrize("beside", ["package", "folder", "extension"])
def test_an_own_module_is_the_one_the_path_finder_would_pick(tmp_path: Path, lib: Path, beside: str) -> None:
    """A package of the name beside a module comes first, a folder without `__init__.py` does
    not, and an extension module of the name is left to the path finders (which load it first)."""
    from importlib.machinery import EXTENSION_SUFFIXES

    sub = lib / "pkgx" / "sub"
    if beside == "extension":
        (sub / f"mod{EXTENSION_SUFFIXES[0]}").write_bytes(b"not an extension")
        code = "out['found'] = str(sys.meta_path[1].find_spec('pkgx.sub.mod', sys.modules['pkgx.sub'].__path__))"
        assert _run_own(tmp_path / "t.bin", "pkgx,pkgx.sub", code, paths=str(lib))["found"] == "None"
        return
    (sub / "mod").mkdir()
    if beside == "package":
        (sub / "mod" / "__init__.py").write_text("VALUE = 'package'\n")
    out = _run_own(tmp_path / "t.bin", NAMES, paths=str(lib))["pkgx.sub.mod"]
    assert out["value"] == ("package" if beside == "package" else 1)
    assert out["loader"] == ("_PycLoader" if beside == "package" else "SourceFileLoader")


def test_no_own_module_is_read_where_pyc_files_are_kept_elsewhere(tmp_path: Path, lib: Path) -> None:
    out = _run_own(tmp_path / "t.bin", NAMES, paths=str(lib), PYTHONPYCACHEPREFIX=str(tmp_path / "pyc"))
    assert {m["loader"] for m in out.values()} == {"SourceFileLoader"}
    assert out["pkgx.sub.mod"]["value"] == 1
