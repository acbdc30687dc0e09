"""The ownership walk's full walk through GNU find (doctor.host.owner_find), against the Python walk.

Both walks of one tree must agree on everything a scan and its cache hold: the strays, the
count, the folders holding an excluded entry, what could not be read, and the cache entries.
The trees are test_owners.py's (root-owned files planted in a uid-1000 project), so they need root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_owners import ROOT_OWNED, USER, as_user, build_project, needs_root, own, same_scan

from doctor.host import owner_cache, owner_find, owner_native, owner_pace
from doctor.host import owner_parallel as parallel_module
from doctor.host import owner_walk as walk_module
from doctor.host.owners import OwnerScan, scan_owners

gnu_find = pytest.mark.skipif(owner_find.find_binary() is None, reason="no GNU find at /usr/bin/find or /bin/find")
EXCLUDE = ("*.pyc", "node_modules", "frontend/src/b", "data/*")
ODD_NAMES = ("with space", "new\nline", "-dash", "back\\slash", "quote'\"", "per%cent", "D1 9 9 9 0 0 x", "tab\tx")


@pytest.fixture(autouse=True)
def without_c_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walks these tests take apart (Python's, threads, forks, GNU find) run as they do where the
    package was built without its C walk; tests/test_owner_native.py compares that one with them."""
    monkeypatch.setattr(owner_native, "module", None)


@pytest.fixture
def finds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """Every find started by the walk (its command line); the hand-over from the first folder on."""
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 0)  # never "waiting on I/O": never threads
    monkeypatch.setattr(walk_module, "SUBTREES_PER_PROCESS", 1)
    monkeypatch.setattr(owner_cache, "RACY_NS", 0)  # every folder's stamp is stored
    started: list[list[str]] = []
    real = subprocess.Popen

    def popen(args: list[str], *rest: object, **options: object) -> subprocess.Popen[bytes]:
        started.append(list(args))
        return real(args, *rest, **options)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(subprocess, "Popen", popen)
    yield started


def odd_tree(base: Path) -> Path:
    """test_owners' project, plus names find's output must survive and a deeper, wider layout."""
    project, _ = build_project(base)
    for i in range(12):
        leaf = project / "frontend" / "src" / f"pkg{i}" / "deep" / "er"
        leaf.mkdir(parents=True)
        for j in range(5):
            (leaf.parent / f"m{j}.py").write_text("")
        (leaf / "x.pyc").write_text("")  # excluded
        (project / "frontend" / "src" / f"pkg{i}" / "node_modules").mkdir()
    (project / "frontend/src/b/inner").mkdir(parents=True)
    (project / "data/pg/base").mkdir(parents=True)
    for name in ODD_NAMES:
        (project / "backend" / "app" / name).mkdir()
        (project / "backend" / "app" / name / name).write_text("")
    os.close(os.open(bytes(project) + b"/backend/app/caf\xe9", os.O_CREAT | os.O_WRONLY))  # not UTF-8
    (project / "backend" / "app" / "dangling").symlink_to("/nonexistent/doctor")
    for top, dirs, files in os.walk(project):
        for name in [*dirs, *files]:
            own(Path(top, name))
    for rel in (*ROOT_OWNED, "frontend/src/pkg3/deep", "frontend/src/pkg4/deep/m2.py", "backend/app/-dash/-dash",
                "backend/app/new\nline", "frontend/src/pkg5/node_modules"):
        os.lchown(project / rel, 0, 0)
    os.lchown(bytes(project) + b"/backend/app/caf\xe9", 0, 0)
    os.lchown(project / "backend" / "app" / "dangling", 0, 0)
    return project


def past_path_max(project: Path) -> None:
    """frontend/deep: 110 folders of 40 bytes, a root-owned file in each, so the path passes 4,096
    bytes (PATH_MAX) on the way down: open() refuses the first folder past it."""
    deep = project / "frontend" / "deep"
    deep.mkdir()
    os.lchown(deep, USER, USER)
    fd = os.open(deep, os.O_RDONLY)
    try:
        for _ in range(110):
            os.mkdir("x" * 40, dir_fd=fd)
            os.chown("x" * 40, USER, USER, dir_fd=fd, follow_symlinks=False)
            inner = os.open("x" * 40, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
            os.close(os.open("f", os.O_CREAT | os.O_WRONLY, dir_fd=fd))  # root-owned: a stray each
    finally:
        os.close(fd)


def database_folder(project: Path) -> Path:
    """pgdata: a database's folder, owned by its uid 999 and closed to everyone else (0700)."""
    pgdata = project / "pgdata"
    (pgdata / "base").mkdir(parents=True)
    os.chown(pgdata / "base", 999, 999)
    os.chown(pgdata, 999, 999)
    pgdata.chmod(0o700)
    return pgdata


@contextlib.contextmanager
def locked_tree(prefix: str) -> Iterator[tuple[Path, Path]]:
    """(odd_tree's project, its folder frontend/src/pkg7/deep closed to everyone: mode 000) in a
    temporary folder uid 65534 can reach (pytest's tmp_path is not), removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        base.chmod(0o755)
        project = odd_tree(base)
        locked = project / "frontend/src/pkg7/deep"
        locked.chmod(0o000)
        yield project, locked
    finally:
        shutil.rmtree(base)


def both(project: Path, exclude: tuple[str, ...], cache: Path | None = None,
         **options: object) -> tuple[OwnerScan, OwnerScan]:
    """(the walk through find, the Python walk), with caches in cache/find and cache/python."""
    where = (None, None) if cache is None else (str(cache / "find"), str(cache / "python"))
    found = scan_owners(project, USER, exclude, fork_after=0, cache=where[0], **options)  # type: ignore[arg-type]
    real = owner_find.find_binary
    try:
        owner_find.find_binary = lambda: None  # type: ignore[assignment]
        walked = scan_owners(project, USER, exclude, processes=1, cache=where[1])
    finally:
        owner_find.find_binary = real  # type: ignore[method-assign]
    return found, walked


def cached(folder: Path, project: Path, exclude: tuple[str, ...]) -> tuple[dict[str, tuple[object, ...]], int]:
    """A stored cache's folders (stamp, names, excluded one) and the sum of their counts: find's
    bare entries count towards the innermost open folder, so only the sum is the Python walk's."""
    loaded = owner_cache.load(str(folder), str(project), USER, exclude, time.time())
    assert loaded is not None, f"no cache stored in {folder}"
    table = {path: (stamp, sorted(names), skipped) for path, (stamp, names, _, skipped) in loaded[1].items()}
    return table, sum(seen for _, _, seen, _ in loaded[1].values())


@needs_root
@gnu_find
@pytest.mark.parametrize("processes", [1, 2])
def test_find_walks_what_python_walks(tmp_path: Path, finds: list[list[str]], processes: int) -> None:
    project = odd_tree(tmp_path)
    found, walked = both(project, EXCLUDE, tmp_path / "cache", processes=processes)
    assert finds and all(args[0] in owner_find._CANDIDATES and args[1] == "-P" for args in finds)
    same_scan(found, walked)
    assert found.scanned > 150 and len(found.strays) > 10
    assert project / "frontend/src/pkg5/node_modules" not in {s.path for s in found.strays}  # excluded
    assert {project / "backend/app/new\nline", project / os.fsdecode(b"backend/app/caf\xe9"),
            project / "backend/app/dangling"} <= {s.path for s in found.strays}
    # the cache the find walk stored is the one the Python walk stored, folder for folder
    assert cached(tmp_path / "cache/find", project, EXCLUDE) == cached(tmp_path / "cache/python", project, EXCLUDE)
    # and a warm walk from it (Python's: only changed folders) finds what a full one finds
    again = scan_owners(project, USER, EXCLUDE, cache=str(tmp_path / "cache/find"))
    same_scan(again, walked)


@needs_root
@gnu_find
def test_no_cache_and_no_exclude(tmp_path: Path, finds: list[list[str]]) -> None:
    project = odd_tree(tmp_path)
    found, walked = both(project, ())
    assert finds and not any("X%d %p\\0" in args for args in finds)  # nothing to exclude
    same_scan(found, walked)


@needs_root
@gnu_find
@pytest.mark.parametrize("pattern", ["m?.py", "pkg[12]", "back\\slash", "/"])
def test_globs_find_would_read_otherwise_are_walked_in_python(tmp_path: Path, finds: list[list[str]],
                                                             pattern: str) -> None:
    project = odd_tree(tmp_path)
    found, walked = both(project, (pattern, "*.pyc"))
    assert finds == []  # `?`, `[`, `\\` and an empty pattern: C's fnmatch and Python's disagree
    same_scan(found, walked)


def test_expression_escapes_the_root_and_keeps_pattern_kinds() -> None:
    tail = owner_find.expression("/w/a*b[1]", ("node_modules/", "src/gen", "*.pyc"), 1000)
    assert tail is not None
    assert tail[:10] == ["-noleaf", "(", "-name", "node_modules", "-o", "-path", "/w/a\\*b\\[1]/src/gen", "-o", "-name",
                         "*.pyc"]
    assert tail[tail.index("-uid") + 1] == "1000"
    assert owner_find.expression("/w", ("ok", "ba?"), 0) is None
    assert owner_find.expression("/w", ("node_\0modules",), 0) is None  # no command line carries it
    assert owner_find.expression("/w", ("caf\ud800",), 0) is None  # nor a lone surrogate


@needs_root
@gnu_find
def test_a_find_that_fails_costs_time_not_results(tmp_path: Path, finds: list[list[str]],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project = odd_tree(tmp_path)
    expected = both(project, EXCLUDE)[1]
    finds.clear()
    script = tmp_path / "half-find"
    script.write_text('#!/bin/sh\nprintf "D0 1 2.0 2.0 0 0 /nowhere\\000S1 0 0 /nowhere/x\\000"\nexit 1\n')
    script.chmod(0o755)
    monkeypatch.setattr(owner_find, "find_binary", lambda: str(script))
    same_scan(scan_owners(project, USER, EXCLUDE, fork_after=0, processes=2), expected)
    assert finds  # it ran, failed, and its share was walked again in Python
    monkeypatch.setattr(owner_find, "find_binary", lambda: str(tmp_path / "missing"))
    forks: list[int] = []
    real_fork = parallel_module.fork_walk
    monkeypatch.setattr(parallel_module, "fork_walk", lambda *a: forks.append(1) or real_fork(*a))
    same_scan(scan_owners(project, USER, EXCLUDE, fork_after=0, processes=2), expected)
    assert forks == [1]  # not one find could start: the forked walkers took the walk


@needs_root
@gnu_find
def test_a_folder_find_cannot_read_is_reported_as_python_reports_it(finds: list[list[str]]) -> None:
    with locked_tree("doctor-owner-find-") as (project, locked):
        queued = database_folder(project)  # queued before find runs: unreadable at depth 0
        rewalked: list[int] = []
        real_walk = walk_module._Walk.walk

        def walk(self: walk_module._Walk, paths: list[str], *rest: object) -> None:
            rewalked.append(len(paths))
            real_walk(self, paths, *rest)  # type: ignore[arg-type]

        def walks() -> tuple[OwnerScan, OwnerScan, list[list[str]], list[int]]:
            walk_module._Walk.walk = walk  # type: ignore[method-assign]
            found, walked = both(project, EXCLUDE)
            return found, walked, finds, rewalked

        found, walked, started, again = as_user(65534, walks)  # type: ignore[misc]
        assert any(str(queued) in args for args in started)  # handed to find as a folder to start from
        assert again == []  # find read past both: no share was walked again in Python
        same_scan(found, walked)
        assert {locked, queued} <= set(found.unreadable)


@needs_root
@gnu_find
def test_a_warm_cache_walks_in_python(tmp_path: Path, finds: list[list[str]]) -> None:
    project = odd_tree(tmp_path)
    scan_owners(project, USER, EXCLUDE, fork_after=0, cache=str(tmp_path / "cache"))
    assert finds
    finds.clear()
    scan_owners(project, USER, EXCLUDE, fork_after=0, cache=str(tmp_path / "cache"))
    assert finds == []  # only the folders that changed are listed: no full walk to hand over


@needs_root
@gnu_find
def test_a_queued_folder_swapped_for_a_symlink_is_what_python_says(tmp_path: Path) -> None:
    project = odd_tree(tmp_path)
    swapped = project / "frontend" / "src" / "pkg2"
    shutil.rmtree(swapped)
    swapped.symlink_to(project / "backend")  # after the walk queued it, before find reached it
    walk = walk_module._Walk(USER, len(str(project)) + 1, ())
    assert owner_find.find_walk(walk, [str(swapped), str(project / "backend")], str(project), 2, None, 0.0)
    python = walk_module._Walk(USER, len(str(project)) + 1, ())
    python.walk([str(swapped), str(project / "backend")])
    assert walk.unreadable == [str(swapped)] == python.unreadable  # O_NOFOLLOW: never entered
    assert (sorted(walk.strays), walk.count) == (sorted(python.strays), python.count)


@needs_root
@gnu_find
@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_queued_folder_now_yours_and_not_a_folder_is_what_python_says(tmp_path: Path, kind: str) -> None:
    """Owned by the user, find prints it as a bare NUL (no record): the group is walked again in
    Python, which reports it unreadable, whether it comes first in its group or after a folder."""
    project = odd_tree(tmp_path)
    swapped = project / "frontend" / "src" / "pkg2"
    shutil.rmtree(swapped)
    if kind == "symlink":
        swapped.symlink_to(project / "backend")
    else:
        swapped.write_text("")
    os.lchown(swapped, USER, USER)
    for jobs in ([str(swapped), str(project / "backend")], [str(project / "backend"), str(swapped)]):
        walk = walk_module._Walk(USER, len(str(project)) + 1, ())
        assert owner_find.find_walk(walk, jobs, str(project), 1, None, 0.0)
        python = walk_module._Walk(USER, len(str(project)) + 1, ())
        python.walk(list(reversed(jobs)))
        assert walk.unreadable == [str(swapped)] == python.unreadable
        assert (sorted(walk.strays), walk.count) == (sorted(python.strays), python.count)


def test_every_start_point_opens_with_its_depth_0_record() -> None:
    """A start point find printed as a bare NUL (a file now) is refused, wherever it falls."""
    folder = b"D0 1 2.5 2.5 1000 1000 /r\0"
    for data, starts in ((folder + b"\0\0", 2), (b"\0" + folder, 2), (folder + b"S1 0 0 /r/x\0\0", 2)):
        with pytest.raises((ValueError, IndexError)):
            owner_find._parse(walk_module._Walk(USER, 3, ()), data, starts)
    walk = walk_module._Walk(USER, 3, ())
    owner_find._parse(walk, folder + b"\0\0S1 0 0 /r/x\0\0", 1)
    assert (walk.count, walk.strays) == (4, [("/r/x", 0, 0, False)])


def test_output_find_never_prints_raises_only_what_the_caller_catches() -> None:
    import random

    rng = random.Random(12)
    pieces = [b"D0 1 2.5 2.5 0 0 /r", b"D1 3 2.5 2.5 0 0 /r/a", b"S2 0 0 /r/a/x", b"X1 /r/y", b"1", b"2",
              b"0", b"D2 1 2 3", b"Q1 /r/q", b"", b"-1", b"S0 0 0 /r", b"D1 x 2.5 2.5 0 0 /r/b"]
    outcomes = {"parsed": 0, "refused": 0}
    for _ in range(2000):
        data = b"".join(rng.choice(pieces) + rng.choice([b"\0", b"\0", b" "]) for _ in range(rng.randint(1, 8)))
        walk = walk_module._Walk(USER, 3, (), {}, 10**19, 100)
        try:
            owner_find._parse(walk, data, data.count(b"D0 ") or 1)
        except (ValueError, IndexError):
            outcomes["refused"] += 1  # the caller walks that share again in Python
            continue
        outcomes["parsed"] += 1
        assert walk.count >= 0 and all(path.startswith("/r") for path, *_ in walk.strays)
    assert min(outcomes.values()) > 20


@needs_root
@gnu_find
def test_a_folder_whose_path_open_refuses_is_unreadable_as_python_says(tmp_path: Path, finds: list[list[str]],
                                                                        ) -> None:
    project = odd_tree(tmp_path)
    past_path_max(project)
    found, walked = both(project, EXCLUDE, tmp_path / "cache")
    assert finds
    same_scan(found, walked)
    too_long = [p for p in found.unreadable if len(os.fsencode(p)) >= 4096]
    assert len(too_long) == 1  # the first folder open() refuses; nothing below it is counted
    assert cached(tmp_path / "cache/find", project, EXCLUDE) == cached(tmp_path / "cache/python", project, EXCLUDE)
    same_scan(scan_owners(project, USER, EXCLUDE, cache=str(tmp_path / "cache/find")), walked)  # warm: the same


@needs_root
@gnu_find
def test_a_folder_dated_before_1970_is_cached_as_python_caches_it(tmp_path: Path, finds: list[list[str]]) -> None:
    project = odd_tree(tmp_path)
    os.utime(project / "frontend" / "src" / "pkg1", ns=(0, -1_500_000_000))
    os.utime(project / "frontend" / "src" / "pkg2", ns=(0, -3_000_000_000))
    found, walked = both(project, EXCLUDE, tmp_path / "cache")
    assert finds
    same_scan(found, walked)
    find_table = cached(tmp_path / "cache/find", project, EXCLUDE)
    assert find_table == cached(tmp_path / "cache/python", project, EXCLUDE)
    assert find_table[0][str(project / "frontend" / "src" / "pkg1")][0][1] == -1_500_000_000  # type: ignore[index]


@needs_root
@gnu_find
def test_odd_arguments_never_hang_or_raise(tmp_path: Path, finds: list[list[str]],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    project = odd_tree(tmp_path)
    expected = both(project, EXCLUDE)[1]
    monkeypatch.setattr(owner_find, "ARGS_PER_FIND", 100)  # many groups: more than processes at once
    same_scan(scan_owners(project, USER, EXCLUDE, fork_after=0, processes=0), expected)  # 0 processes: one
    finds.clear()
    with_nul = scan_owners(project, USER, ("node_\0modules",), fork_after=0)  # the Python walk takes it
    assert finds == [] and with_nul.scanned > expected.scanned


def test_find_times_read_as_nanoseconds() -> None:
    """%T@ as GNU find prints it (ten digits after the dot: the nanoseconds and a 0), on the one-int()
    path since 1970 and the slow one before it; a form it does not know is no stamp (not cached)."""
    ns = owner_find._ns
    assert ns(b"1732950000.1234567890") == 1_732_950_000_123_456_789
    assert ns(b"0.0000000010") == 1
    assert ns(b"-2.5000000000") == -1_500_000_000  # -2 s, then +0.5 s
    assert ns(b"12.5") == 12_500_000_000  # fewer digits: the slow path pads them
    assert [ns(b"12"), ns(b"1+2.0000000000"), ns(b"x.1234567890"), ns(b"")] == [None, None, None, None]
