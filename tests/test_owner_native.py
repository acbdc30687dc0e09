"""The ownership walk's full walk in C (doctor.host._ownerwalk through doctor.host.owner_native),
against the Python walk.

Both walks of one tree must agree on everything a scan and its cache hold: the strays, the
count, the folders holding an excluded entry, what could not be read, and the cache entries.
The trees are test_owner_find.py's (root-owned files planted in a uid-1000 project), so they need
root. The extension is optional for an install (no compiler, no Python headers: the walk runs
GNU find), never under CI=true.
"""

from __future__ import annotations

import collections
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from test_owner_find import EXCLUDE, cached, database_folder, locked_tree, odd_tree, past_path_max
from test_owners import USER, as_user, needs_root, same_scan

from doctor.host import owner_cache, owner_find, owner_native, owner_pace
from doctor.host import owner_parallel as parallel_module
from doctor.host import owner_walk as walk_module
from doctor.host.owners import OwnerScan, scan_owners

if owner_native.module is None and os.environ.get("CI") != "true":
    pytest.skip("doctor.host._ownerwalk not built (no C compiler or Python headers at install)",
                allow_module_level=True)


@pytest.fixture(autouse=True, params=["lstat-all", "deferred"])
def every_stamp(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Every test twice: its walk all in the first slice, where every entry is lstat()ed where it
    is listed; and with a first slice of one folder, after which a subfolder's owner is checked
    when it is opened (the C walk's `unchecked`)."""
    monkeypatch.setattr(owner_cache, "RACY_NS", 0)  # every folder's stamp is stored
    if request.param == "deferred":
        monkeypatch.setattr(owner_pace, "FIRST_SLICE", 0.0)


def test_the_c_walk_is_built_where_ci_installs_doctor() -> None:
    if os.environ.get("CI") != "true":
        pytest.skip("checked under CI=true: a developer's install may lack a C compiler")
    assert owner_native.module is not None, "pip built doctor without doctor.host._ownerwalk"


def c_and_python(project: Path, exclude: tuple[str, ...], cache: Path | None = None,
                 monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[OwnerScan, OwnerScan]:
    """(the C walk, the Python walk), with caches in cache/c and cache/python; the C walk must
    not list a folder in Python."""
    where = (None, None) if cache is None else (str(cache / "c"), str(cache / "python"))
    listed: list[str] = []
    real_directory = walk_module._Walk.directory

    def directory(self: walk_module._Walk, path: str, *rest: object) -> None:
        listed.append(path)
        real_directory(self, path, *rest)  # type: ignore[arg-type]

    real_find, real_module, real_blocked = owner_find.find_binary, owner_native.module, owner_pace.blocked
    walk_module._Walk.directory = directory  # type: ignore[method-assign]
    # never judged waiting on I/O, which hands the walk to Python's threads: on a loaded machine
    # (a cold inode read, another test run) a short first slice could look so
    owner_pace.blocked = lambda *args: False  # type: ignore[assignment]
    try:
        in_c = scan_owners(project, USER, exclude, cache=where[0])
        owner_pace.blocked = real_blocked
        assert listed == [], "the C walk handed folders back to Python"
        owner_find.find_binary = lambda: None  # type: ignore[assignment]
        owner_native.module = None
        in_python = scan_owners(project, USER, exclude, processes=1, cache=where[1])
    finally:
        walk_module._Walk.directory = real_directory  # type: ignore[method-assign]
        owner_pace.blocked = real_blocked
        owner_find.find_binary = real_find  # type: ignore[method-assign]
        owner_native.module = real_module
    return in_c, in_python


@needs_root
@pytest.mark.parametrize("exclude", [EXCLUDE, ()])
def test_c_walks_what_python_walks(tmp_path: Path, exclude: tuple[str, ...]) -> None:
    project = odd_tree(tmp_path)
    in_c, in_python = c_and_python(project, exclude, tmp_path / "cache")
    same_scan(in_c, in_python)
    assert in_c.scanned > 150 and len(in_c.strays) > 10
    assert {project / "backend/app/new\nline", project / os.fsdecode(b"backend/app/caf\xe9"),
            project / "backend/app/dangling"} <= {s.path for s in in_c.strays}
    if exclude:
        assert project / "frontend/src/pkg5/node_modules" not in {s.path for s in in_c.strays}
        assert in_c.excluded_in
    # the cache the C walk stored is the Python walk's, folder for folder (counts too: same order)
    c_table, python_table = (owner_cache.load(str(tmp_path / "cache" / kind), str(project), USER, exclude,
                                              time.time()) for kind in ("c", "python"))
    assert c_table is not None and python_table is not None
    assert {p: (s, sorted(n), c, x) for p, (s, n, c, x) in c_table[1].items()} == \
        {p: (s, sorted(n), c, x) for p, (s, n, c, x) in python_table[1].items()}
    # and a warm walk from it (Python's: only changed folders) finds what a full one finds
    same_scan(scan_owners(project, USER, exclude, cache=str(tmp_path / "cache/c")), in_python)


@needs_root
def test_a_folder_the_user_cannot_read_is_unreadable_as_python_says() -> None:
    with locked_tree("doctor-owner-native-") as (project, locked):
        pgdata = database_folder(project)
        listable = project / "backend/app/listable"  # read but no search: names, and no lstat() of one
        (listable / "sub" / "deeper").mkdir(parents=True)
        (listable / "file.txt").write_text("")
        os.chown(listable / "sub", 999, 999)
        listable.chmod(0o644)
        only_folders = project / "backend/app/only-folders"  # the same, holding folders alone
        (only_folders / "a").mkdir(parents=True)
        (only_folders / "b").mkdir()
        only_folders.chmod(0o644)
        in_c, in_python = as_user(65534, lambda: c_and_python(project, EXCLUDE))  # type: ignore[misc]
        same_scan(in_c, in_python)
        assert {locked, pgdata, listable, only_folders} <= set(in_c.unreadable)
        assert listable / "sub" not in set(in_c.unreadable) | {s.path for s in in_c.strays}
        assert pgdata in {s.path for s in in_c.strays}


@needs_root
def test_a_folder_whose_path_open_refuses_is_unreadable_as_python_says(tmp_path: Path) -> None:
    project = odd_tree(tmp_path)
    past_path_max(project)
    in_c, in_python = c_and_python(project, EXCLUDE, tmp_path / "cache")
    same_scan(in_c, in_python)
    assert len([p for p in in_c.unreadable if len(os.fsencode(p)) >= 4096]) == 1
    assert cached(tmp_path / "cache/c", project, EXCLUDE) == cached(tmp_path / "cache/python", project, EXCLUDE)


@needs_root
def test_a_folder_dated_before_1970_is_cached_as_python_caches_it(tmp_path: Path) -> None:
    project = odd_tree(tmp_path)
    os.utime(project / "frontend" / "src" / "pkg1", ns=(0, -1_500_000_000))
    same_scan(*c_and_python(project, EXCLUDE, tmp_path / "cache"))
    table = cached(tmp_path / "cache/c", project, EXCLUDE)
    assert table == cached(tmp_path / "cache/python", project, EXCLUDE)
    assert table[0][str(project / "frontend" / "src" / "pkg1")][0][1] == -1_500_000_000  # type: ignore[index]


@needs_root
def test_a_folder_dated_past_2262_is_not_cached_as_python_does_not(tmp_path: Path) -> None:
    project = odd_tree(tmp_path)
    far = project / "frontend" / "src" / "pkg3"
    try:
        os.utime(far, ns=(0, 10_000_000_000 * 1_000_000_000))  # 2286: past 64-bit nanoseconds
    except OSError:
        pytest.skip("this file system keeps no such date")
    if os.stat(far).st_mtime_ns < 2**63:
        pytest.skip("this file system keeps no such date")
    same_scan(*c_and_python(project, EXCLUDE, tmp_path / "cache"))
    table = cached(tmp_path / "cache/c", project, EXCLUDE)
    assert table == cached(tmp_path / "cache/python", project, EXCLUDE)
    assert str(far) not in table[0] and str(far.parent) in table[0]


@needs_root
@pytest.mark.parametrize("pattern", ["m?.py", "pkg[12]", "back\\slash", "/"])
def test_globs_c_would_read_otherwise_are_walked_in_python(tmp_path: Path, pattern: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    project = odd_tree(tmp_path)
    calls: list[int] = []
    real = owner_native.module
    assert real is not None

    class Counting:
        @staticmethod
        def walk(*args: object) -> int:
            calls.append(1)
            return real.walk(*args)  # type: ignore[no-any-return]

    monkeypatch.setattr(owner_native, "module", Counting)
    monkeypatch.setattr(owner_find, "find_binary", lambda: None)
    walked = scan_owners(project, USER, (pattern, "*.pyc"), processes=1)
    assert calls == []
    monkeypatch.setattr(owner_native, "module", None)
    same_scan(walked, scan_owners(project, USER, (pattern, "*.pyc"), processes=1))


@needs_root
def test_a_queued_folder_swapped_for_a_symlink_is_what_python_says(tmp_path: Path) -> None:
    project = odd_tree(tmp_path)
    swapped = project / "frontend" / "src" / "pkg2"
    shutil.rmtree(swapped)
    swapped.symlink_to(project / "backend")  # after the walk queued it, before C reached it
    jobs = [str(project / "backend"), str(swapped)]
    walk = walk_module._Walk(USER, len(str(project)) + 1, ())
    assert owner_native.native_walk(walk, str(project), collections.deque(jobs), 1, None)
    python = walk_module._Walk(USER, len(str(project)) + 1, ())
    python.walk(list(jobs))
    assert walk.unreadable == [str(swapped)] == python.unreadable  # O_NOFOLLOW: never entered
    assert (sorted(walk.strays), walk.count) == (sorted(python.strays), python.count)


@needs_root
def test_a_walk_waiting_on_io_moves_to_threads_and_shows_progress(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project = odd_tree(tmp_path)
    expected = c_and_python(project, EXCLUDE)[1]
    real = owner_native.module
    assert real is not None
    calls: list[int] = []

    class Slow:  # a slow file system: each slice of the walk waits (sleeps) more than it works
        @staticmethod
        def walk(*args: object) -> int:
            calls.append(1)
            time.sleep(0.02)
            return real.walk(*args)  # type: ignore[no-any-return]

    monkeypatch.setattr(owner_native, "module", Slow)
    monkeypatch.setattr(owner_pace, "PACE", 0.0)  # a slice is one folder
    monkeypatch.setattr(owner_pace, "FIRST_SLICE", 0.0)
    monkeypatch.setattr(owner_pace, "PROGRESS_AFTER", 0.0)
    threads: list[int] = []
    real_threads = parallel_module.threads_walk
    monkeypatch.setattr(parallel_module, "threads_walk", lambda *a: threads.append(1) or real_threads(*a))
    seen: list[int] = []
    same_scan(scan_owners(project, USER, EXCLUDE, progress=seen.append), expected)
    assert calls == [1] and threads == [1]  # one slice was enough to tell: threads took the rest
    monkeypatch.setattr(Slow, "walk", staticmethod(lambda *args: (calls.append(1), real.walk(*args))[1]))
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 0)  # never "waiting on I/O"
    calls.clear()
    threads.clear()
    seen.clear()
    same_scan(scan_owners(project, USER, EXCLUDE, progress=seen.append, processes=1), expected)
    assert len(calls) > 10 and threads == []  # fast: slice after slice, in C
    assert seen and seen == sorted(seen)  # the progress line between them


def test_bad_arguments_are_errors_not_crashes(tmp_path: Path) -> None:
    module = owner_native.module
    assert module is not None
    good = ([str(tmp_path)], USER, (), (), 1, False, 0, [0], 0.1, [], [], [], {})
    assert module.walk(*good) == 0  # an empty folder
    for at, value in ((0, (str(tmp_path),)), (0, [b"/tmp"]), (2, ("*.pyc",)), (3, [b"a/b"]), (2, (b"a\0b",)),
                      (7, 0), (7, []), (7, ["1"]), (12, []), (13, [])):
        args = [*good, None]
        args[at] = value
        with pytest.raises(TypeError):
            module.walk(*args)
    with pytest.raises(TypeError):
        module.walk()
    gone = tmp_path / "gone"
    unreadable: list[str] = []
    module.walk([str(gone)], USER, (), (), 1, True, 0, [0], 0.1, [], unreadable, [], {})
    assert unreadable == [str(gone)]


@needs_root
def test_the_cache_room_is_shared_by_every_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the room a walk may store (owner_cache.MAX_ITEMS), a folder is walked and not stored;
    threads count one room down together, as one walk does, and never past one folder's items."""
    project = odd_tree(tmp_path)
    monkeypatch.setattr(owner_pace, "SLICE", 0.0)
    monkeypatch.setattr(owner_pace, "FIRST_SLICE", 0.0)
    monkeypatch.setattr(owner_native, "_idle_cores", lambda cores: cores)
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 0)
    for processes in (1, 3, 8):
        walk = walk_module._Walk(USER, len(str(project)) + 1, (), {}, 2**62, 40)
        assert owner_native.native_walk(walk, str(project), collections.deque([str(project)]), 1, None, processes)
        used = sum(1 + len(names) for _, names, _, _ in walk.entries.values())
        assert walk.entries and used == 40 - walk.room  # every item stored counted, once
        biggest = max(1 + len(names) for _, names, _, _ in walk.entries.values())
        assert walk.room + biggest > 0  # never past the room by more than one folder's items
        if processes == 1:
            assert walk.room <= 0  # one thread spends the whole room
        # with several, a batch that starts while the others hold the whole room (each takes a share
        # of it and gives back what it did not use) stores none of the folders it walks: the room may
        # end unspent, and a warm run walks those folders again (1 run in ~10 with 8 threads here)


@needs_root
@pytest.mark.parametrize("processes", [2, 3])
def test_threads_walk_what_one_walks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int) -> None:
    """Threads that hand folders to each other slice after slice (every slice one folder, so
    every hand-over is exercised) store the scan and the cache one thread does."""
    project = odd_tree(tmp_path)
    expected = c_and_python(project, EXCLUDE, tmp_path / "one")[1]
    real = owner_native.module
    assert real is not None
    threads: set[int] = set()

    class Watched:  # a slice is one folder, and a slow one: every thread is up before the walk ends
        @staticmethod
        def walk(*args: object) -> int:
            threads.add(threading.get_ident())
            time.sleep(0.002)
            return real.walk(*args)  # type: ignore[no-any-return]

    monkeypatch.setattr(owner_native, "module", Watched)
    monkeypatch.setattr(owner_pace, "SLICE", 0.0)
    monkeypatch.setattr(owner_pace, "FIRST_SLICE", 0.0)
    monkeypatch.setattr(owner_native, "_idle_cores", lambda cores: cores)  # whatever else runs meanwhile
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 0)  # never "waiting on I/O"
    together = scan_owners(project, USER, EXCLUDE, processes=processes, cache=str(tmp_path / "many"))
    same_scan(together, expected)
    assert len(threads) == processes
    assert cached(tmp_path / "many", project, EXCLUDE) == cached(tmp_path / "one/python", project, EXCLUDE)


@needs_root
def test_a_failing_thread_stops_the_walk_with_its_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = odd_tree(tmp_path)
    real = owner_native.module
    assert real is not None
    calls: list[int] = []

    class Failing:
        @staticmethod
        def walk(*args: object) -> int:
            calls.append(1)
            if len(calls) == 4:
                raise MemoryError
            return real.walk(*args)  # type: ignore[no-any-return]

    monkeypatch.setattr(owner_native, "module", Failing)
    monkeypatch.setattr(owner_pace, "SLICE", 0.0)
    monkeypatch.setattr(owner_pace, "FIRST_SLICE", 0.0)
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 0)
    monkeypatch.setattr(owner_native, "_idle_cores", lambda cores: cores)
    before = threading.active_count()
    with pytest.raises(MemoryError):
        scan_owners(project, USER, EXCLUDE, processes=3)
    assert len(calls) >= 4 and threading.active_count() == before  # no walker left behind


def test_threads_only_for_cores_nothing_else_runs_on(tmp_path: Path) -> None:
    loadavg = tmp_path / "loadavg"
    for text, cores, idle in (("0.52 0.41 0.30 1/120 999\n", 2, 2), ("1.9 1.2 0.8 2/120 999\n", 2, 1),
                              ("3.0 2.0 1.0 3/140 999\n", 4, 2), ("9 9 9 9/99 9\n", 4, 1), ("", 4, 4),
                              ("0.1 0.1 0.1 x/1 1\n", 3, 3)):
        loadavg.write_text(text)
        assert owner_native._idle_cores(cores, str(loadavg)) == idle, text
    assert owner_native._idle_cores(2, str(tmp_path / "missing")) == 2


@needs_root
def test_a_folder_of_more_subfolders_than_one_batch_loads(tmp_path: Path) -> None:
    """The C walk takes `pending`'s folders onto its own stack LOAD (256) at a time and walks them
    without the GIL; 600 subfolders of one folder (each one stray) come out as the Python walk's."""
    project = tmp_path / "wide"
    for i in range(600):
        (project / "many" / f"d{i:03}").mkdir(parents=True)
        (project / "many" / f"d{i:03}" / "f").write_text("")
    for top, dirs, files in os.walk(project):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(top, name), USER, USER)
    os.lchown(project, USER, USER)
    for i in range(0, 600, 7):
        os.lchown(project / "many" / f"d{i:03}" / "f", 0, 0)
    in_c, in_python = c_and_python(project, (), tmp_path / "cache")
    same_scan(in_c, in_python)
    assert len(in_c.strays) == 86 and in_c.scanned == 1 + 1 + 600 * 2
    assert cached(tmp_path / "cache/c", project, ()) == cached(tmp_path / "cache/python", project, ())
