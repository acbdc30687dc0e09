"""The ownership walk's warm cache (doctor.host.owner_cache): what an unchanged folder skips, and
every change that must still be seen.

The trees are owned by uid 1000 with root-owned strays planted (the tests need root to chown, as
in test_owners.py). Folder timestamps come from the kernel's coarse clock: a tree is left alone
for a moment after it is built, and RACY_NS is shortened, so its folders may be stored.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_owners import python_walk  # noqa: F401 - autouse here too: these tests watch the Python walk

from doctor.host import owner_cache, owner_pace
from doctor.host import owner_parallel as parallel_module
from doctor.host import owner_walk as walk_module
from doctor.host.owners import OwnerProbe, OwnerScan, scan_owners

USER = 1000
STRAYS = ("a/__pycache__", "a/__pycache__/m.pyc", "b/c/root.log", "top.log")
FOLDERS = ("", "a", "a/__pycache__", "b", "b/c", "b/d", "b/d/e", "skip")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
SETTLE = 0.12  # longer than the shortened RACY_NS below, and than a coarse clock tick


def build(tmp_path: Path) -> Path:
    """A small project: user files in nested folders, root-owned strays, an excluded folder."""
    root = tmp_path / "proj"
    for rel in ("a/m.py", "a/__pycache__/m.pyc", "b/c/root.log", "b/c/ok.txt", "b/d/e/deep.txt", "skip/x",
                "top.log", "README.md"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    for top, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(top, name), USER, USER)
    os.lchown(root, USER, USER)
    for rel in STRAYS:
        os.lchown(root / rel, 0, 0)
    time.sleep(SETTLE)  # every folder's stamp is now older than the racy window
    return root


@pytest.fixture
def listed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The folders the walk lists (os.listdir), by path; RACY_NS shortened to 50 ms."""
    monkeypatch.setattr(owner_cache, "RACY_NS", 50_000_000)
    seen: list[str] = []
    real = os.listdir

    def listdir(fd: int | str = ".") -> list[str]:  # os.listdir for everyone: only the walk passes an fd
        if isinstance(fd, int):
            seen.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real(fd)

    monkeypatch.setattr(walk_module.os, "listdir", listdir)
    yield seen


def rel(scan: OwnerScan) -> set[str]:
    return {str(s.path.relative_to(scan.root)) for s in scan.strays}


def folders(root: Path, seen: list[str]) -> set[str]:
    return {os.path.relpath(path, root) if path != str(root) else "" for path in seen}


def walk(root: Path, cache: Path | None, seen: list[str], **options: object) -> tuple[OwnerScan, set[str]]:
    """One walk with the cache in `cache`; (its result, the folders it listed)."""
    seen.clear()
    scan = scan_owners(root, USER, ("skip",), cache=None if cache is None else str(cache), **options)  # type: ignore[arg-type]
    return scan, folders(root, seen)


def same(a: OwnerScan, b: OwnerScan) -> None:
    assert a.strays == b.strays
    assert (a.scanned, a.unreadable, a.excluded_in) == (b.scanned, b.unreadable, b.excluded_in)


@needs_root
def test_a_second_walk_lists_nothing_and_finds_the_same(tmp_path: Path, listed: list[str]) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    first, walked = walk(root, cache, listed)
    assert walked == set(FOLDERS) - {"skip"} and rel(first) == set(STRAYS)
    assert first.excluded_in == {root}
    second, walked = walk(root, cache, listed)
    assert walked == set()  # every folder unchanged: its subfolders and strays were lstat()ed, nothing listed
    same(first, second)
    assert second == scan_owners(root, USER, ("skip",))  # and what a walk without a cache finds
    files = os.listdir(cache)
    assert len(files) == 1 and (cache / files[0]).stat().st_mode & 0o777 == 0o600


@needs_root
def test_a_root_owned_file_created_in_a_cached_folder_is_found(tmp_path: Path, listed: list[str]) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    walk(root, cache, listed)
    new = root / "b/d/e/new.pyc"
    new.write_text("")  # created by root: a stray, and its folder's mtime and ctime move
    scan, walked = walk(root, cache, listed)
    assert walked == {"b/d/e"} and rel(scan) == {*STRAYS, "b/d/e/new.pyc"}
    assert scan.scanned == scan_owners(root, USER, ("skip",)).scanned


@needs_root
def test_a_stray_chowned_back_is_no_longer_reported(tmp_path: Path, listed: list[str]) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    walk(root, cache, listed)
    os.lchown(root / "b/c/root.log", USER, USER)  # in place: its folder's stamp does not move
    os.lchown(root / "a/__pycache__", USER, USER)  # a folder: its own ctime moves, not its parent's
    scan, walked = walk(root, cache, listed)
    assert rel(scan) == set(STRAYS) - {"b/c/root.log", "a/__pycache__"}
    assert "b/c" not in walked and "a" not in walked  # found by looking at the remembered strays again


@needs_root
def test_a_new_subfolder_with_strays_and_a_chown_r_are_found(tmp_path: Path, listed: list[str]) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    walk(root, cache, listed)
    (root / "b/d/e/cache/v").mkdir(parents=True)  # root-owned, with a root-owned file below
    (root / "b/d/e/cache/v/lastfailed").write_text("{}")
    for top, dirs, files in os.walk(root / "a"):  # chown -R of a subtree: every folder's ctime moves
        for name in [top, *(os.path.join(top, n) for n in [*dirs, *files])]:
            os.lchown(name, 0, 0)
    scan, walked = walk(root, cache, listed)
    assert {"b/d/e", "b/d/e/cache", "b/d/e/cache/v", "a", "a/__pycache__"} <= walked
    assert rel(scan) == {*STRAYS, "a", "a/m.py", "b/d/e/cache", "b/d/e/cache/v", "b/d/e/cache/v/lastfailed"}
    same(scan, scan_owners(root, USER, ("skip",)))


@pytest.fixture
def renewals(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """The full walks asked for after the run (doctor.host.owner_refresh.later), recorded instead of started."""
    from doctor.host import owner_refresh

    asked: list[tuple[object, ...]] = []
    monkeypatch.setattr(owner_refresh, "later", lambda *args: asked.append(args))
    return asked


@needs_root
def test_an_aged_cache_answers_and_asks_for_a_full_walk_after_the_run(
        tmp_path: Path, listed: list[str], renewals: list[tuple[object, ...]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    walk(root, cache, listed)
    assert renewals == []
    monkeypatch.setattr(owner_cache, "MAX_AGE", 0.05)
    time.sleep(0.1)
    aged, walked = walk(root, cache, listed)
    assert walked == set()  # answered from the cache, as fast as any warm run
    assert renewals == [(str(cache), str(root), USER, ("skip",))]
    same(aged, scan_owners(root, USER, ("skip",)))
    monkeypatch.setattr(owner_cache, "STALE_AGE", 0.05)  # over a day old: not used, the run walks in full
    stale, walked = walk(root, cache, listed)
    assert walked == set(FOLDERS) - {"skip"}
    monkeypatch.setattr(owner_cache, "MAX_AGE", 3600.0)  # however long the machine takes to go on
    monkeypatch.setattr(owner_cache, "STALE_AGE", 86400.0)
    assert walk(root, cache, listed)[1] == set()  # that full walk started a fresh cache
    _, walked = walk(root, None, listed)
    assert walked == set(FOLDERS) - {"skip"}
    same(stale, scan_owners(root, USER, ("skip",)))


@needs_root
def test_the_full_walk_after_the_run_finds_a_file_chowned_in_place(tmp_path: Path, listed: list[str],
                                                                   renewals: list[tuple[object, ...]],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's blind spot: a file chowned in place in a folder left untouched. The run that
    finds the cache over an hour old answers from it; the walk after the run sees the file, and
    the next run reports it. (The worker's own process, as doctor.after_run starts it, runs
    main: the lock is removed, a run that renewed the cache meanwhile leaves it be.)"""
    import subprocess
    import sys

    from doctor import after_run
    from doctor.host import owner_refresh

    monkeypatch.setattr(after_run, "background", lambda: None)  # in-process: not this test's priority
    root, cache = build(tmp_path), tmp_path / "cache"
    walk(root, cache, listed)
    os.lchown(root / "b" / "c" / "ok.txt", 0, 0)  # its folder's stamp does not move
    (name,) = os.listdir(cache)
    created, entries = owner_cache.load(str(cache), str(root), USER, ("skip",), time.time()) or (0.0, {})
    assert owner_cache.store(str(cache), str(root), USER, ("skip",), created - owner_cache.MAX_AGE - 60, entries)
    aged, _ = walk(root, cache, listed)
    assert "b/c/ok.txt" not in rel(aged) and len(renewals) == 1
    assert owner_refresh._renew(str(cache), str(root), USER, ("skip",)) == 0  # the walk after the run
    renewed, walked = walk(root, cache, listed)
    assert walked == set() and "b/c/ok.txt" in rel(renewed)
    assert len(renewals) == 1  # fresh again: no second renewal asked
    lock = cache / (name + ".refresh")
    lock.touch()  # as after_run.start takes it
    command = [sys.executable, "-m", "doctor.host.owner_refresh", str(lock), str(cache), str(root), str(USER), "skip"]
    done = subprocess.run(command, stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0 and not lock.exists()  # renewed meanwhile: nothing to do, the lock removed
    assert subprocess.run(command[:4], stdin=subprocess.DEVNULL, timeout=60).returncode == 2


@needs_root
def test_doctor_no_cache_neither_reads_nor_writes(tmp_path: Path, listed: list[str]) -> None:
    root, xdg = build(tmp_path), tmp_path / "xdg"
    on = {"XDG_CACHE_HOME": str(xdg)}
    first = OwnerProbe(on).scan(root, ("skip",))
    assert len(os.listdir(xdg / "doctor")) == 1
    listed.clear()
    assert OwnerProbe(on).scan(root, ("skip",)) == first and listed == []  # preflight's probe uses it
    os.unlink(xdg / "doctor" / os.listdir(xdg / "doctor")[0])
    off = {**on, "DOCTOR_NO_CACHE": "1"}
    OwnerProbe(off).scan(root, ("skip",))
    assert os.listdir(xdg / "doctor") == []  # nothing written
    OwnerProbe(on).scan(root, ("skip",))
    listed.clear()
    assert OwnerProbe(off).scan(root, ("skip",)) == first
    assert folders(root, listed) == set(FOLDERS) - {"skip"}  # the stored cache was not read


@needs_root
def test_racy_folders_are_not_stored(tmp_path: Path, listed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    stamps = [t for f in FOLDERS for t in (os.stat(root / f).st_mtime_ns, os.stat(root / f).st_ctime_ns)]
    tree, oldest = max(stamps), min(stamps)
    time.sleep(0.05)
    (root / "b/d/fresh.txt").write_text("")  # b/d changed just now
    os.lchown(root / "b/d/fresh.txt", USER, USER)
    fresh = os.stat(root / "b/d").st_ctime_ns
    assert fresh > tree
    # the walks start "right after" that change, however busy the machine: their clock is fixed,
    # and the racy window reaches back past b/d's change but not to the rest of the tree
    monkeypatch.setattr(walk_module, "time", Clock(fresh + 1))
    monkeypatch.setattr(owner_cache, "RACY_NS", (fresh - tree) // 2 + 1)
    walk(root, cache, listed)
    _, walked = walk(root, cache, listed)
    assert walked == {"b/d"}  # within the racy window: listed again, never trusted from the cache
    monkeypatch.setattr(owner_cache, "RACY_NS", fresh + 1 - oldest + 1)  # a window holding the whole tree
    other = tmp_path / "other"
    walk(root, other, listed)
    assert walk(root, other, listed)[1] == set(FOLDERS) - {"skip"}


class Clock:
    """The time module, but time_ns() (where a walk's racy window starts) says `now`."""

    def __init__(self, now: int) -> None:
        self.now = now

    def time_ns(self) -> int:
        return self.now

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)


@needs_root
def test_an_unreadable_folder_is_not_stored(tmp_path: Path, listed: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    counting = os.listdir

    def refuse_b_c(fd: int | str = ".") -> list[str]:
        if isinstance(fd, int) and os.readlink(f"/proc/self/fd/{fd}") == str(root / "b/c"):
            raise PermissionError(13, "Permission denied")
        return counting(fd)

    monkeypatch.setattr(walk_module.os, "listdir", refuse_b_c)
    blocked = scan_owners(root, USER, ("skip",), cache=str(cache))
    assert blocked.unreadable == (root / "b/c",) and "b/c/root.log" not in rel(blocked)
    monkeypatch.setattr(walk_module.os, "listdir", counting)
    scan, walked = walk(root, cache, listed)
    assert walked == {"b/c"} and rel(scan) == set(STRAYS) and scan.unreadable == ()


@needs_root
def test_forked_walkers_send_their_cache_entries_back(tmp_path: Path, listed: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    monkeypatch.setattr(walk_module, "SUBTREES_PER_PROCESS", 1)
    monkeypatch.setattr(owner_pace, "SLOW_ENTRIES_PER_PACE", 0)  # never "waiting on I/O": never threads
    parent, real_walk_slices = os.getpid(), parallel_module._walk_slices
    forks: list[int] = []
    real_fork = os.fork
    monkeypatch.setattr(walk_module.os, "fork", lambda: forks.append(1) or real_fork())

    def late_walk_slices(*args: object) -> None:
        if os.getpid() != parent:  # this process draws no slice: the forked walker walks them all
            real_walk_slices(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel_module, "_walk_slices", late_walk_slices)
    forked, walked = walk(root, cache, listed, processes=2, fork_after=0)
    assert forks == [1]
    assert "" in walked and walked < set(FOLDERS) - {"skip"}  # the forked walker listed the rest
    loaded = owner_cache.load(str(cache), str(root), USER, ("skip",), time.time())
    assert loaded is not None
    assert set(loaded[1]) == {str(root / f).rstrip("/") for f in set(FOLDERS) - {"skip"}}
    again, walked = walk(root, cache, listed, processes=1)
    assert walked == set() and forks == [1]
    same(again, forked)


@needs_root
def test_a_damaged_cache_file_is_a_miss(tmp_path: Path, listed: list[str]) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    first, _ = walk(root, cache, listed)
    (path,) = cache.iterdir()
    good = path.read_bytes()
    assert good.count(b"root.log") == 1
    renamed = good.replace(b"root.log", b"root.loh")  # still loads, but would hide a stray: the CRC refuses it
    flipped = bytearray(good)
    flipped[-5] ^= 0xFF
    for damaged in (good[: len(good) // 2], renamed, bytes(flipped), b"", good[:10], b"\x00" * 64):
        path.write_bytes(damaged)
        scan, walked = walk(root, cache, listed)
        assert walked == set(FOLDERS) - {"skip"}, damaged[:20]
        same(scan, first)
    path.write_bytes(good)
    os.chmod(path, 0o666)  # writable by others: not trusted (doctor.cachedir.read)
    assert walk(root, cache, listed)[1] == set(FOLDERS) - {"skip"}


@needs_root
def test_another_key_is_another_file(tmp_path: Path, listed: list[str]) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    walk(root, cache, listed)
    listed.clear()
    other = scan_owners(root, USER, (), cache=str(cache))  # other excludes: not this walk's cache
    assert folders(root, listed) == set(FOLDERS) and "skip" not in {str(p) for p in other.excluded_in}
    assert len(os.listdir(cache)) == 2


@needs_root
def test_expired_files_of_other_walks_are_removed_when_one_is_stored(tmp_path: Path, listed: list[str]) -> None:
    root, cache = build(tmp_path), tmp_path / "cache"
    walk(root, cache, listed)
    (mine,) = os.listdir(cache)
    cache.joinpath("owners-0000000000000000.marshal").write_bytes(b"old")
    cache.joinpath("owners-1111111111111111.marshal").write_bytes(b"recent")
    cache.joinpath("model-0.pickle").write_bytes(b"not ours")
    hour_ago = time.time() - owner_cache.STALE_AGE - 60
    for name in ("owners-0000000000000000.marshal", "model-0.pickle"):
        os.utime(cache / name, (hour_ago, hour_ago))
    os.utime(cache / mine, (hour_ago, hour_ago))
    walk(root, cache, listed)  # nothing changed: nothing stored, nothing removed
    assert len(os.listdir(cache)) == 4
    (root / "new").mkdir()
    walk(root, cache, listed)
    assert sorted(os.listdir(cache)) == sorted([mine, "owners-1111111111111111.marshal", "model-0.pickle"])


@needs_root
def test_a_subfolder_chowned_in_place_is_found_at_once(tmp_path: Path, listed: list[str]) -> None:
    # its own ctime moves, its parent's stamp does not: a cached parent lstat()s its subfolders again
    root, cache = build(tmp_path), tmp_path / "cache"
    walk(root, cache, listed)
    os.lchown(root / "b/d", 0, 0)
    scan, walked = walk(root, cache, listed)
    assert "b" not in walked and rel(scan) == {*STRAYS, "b/d"}


@needs_root
def test_a_walk_remembers_max_items_at_most_and_lists_the_rest_again(tmp_path: Path, listed: list[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded on a huge tree: past MAX_ITEMS folders and names, folders are walked
    but not remembered; the next walk lists those again and finds the same."""
    monkeypatch.setattr(owner_cache, "MAX_ITEMS", 4)
    root, cache = build(tmp_path), tmp_path / "cache"
    first, walked = walk(root, cache, listed)
    loaded = owner_cache.load(str(cache), str(root), USER, ("skip",), time.time())
    assert loaded is not None
    kept = loaded[1]
    assert 0 < len(kept) < len(walked)
    assert len(kept) + sum(len(entry[1]) for entry in kept.values()) <= 4 + max(len(e[1]) for e in kept.values())
    again, walked = walk(root, cache, listed)
    same(again, first)
    assert walked and walked.isdisjoint(folders(root, list(kept)))


@needs_root
def test_a_cache_entry_of_another_shape_is_a_miss(tmp_path: Path, listed: list[str]) -> None:
    """A sound file (its CRC matches) whose entry names a path out of its folder, or has another
    shape, is not followed: that folder is listed in full."""
    root, cache = build(tmp_path), tmp_path / "cache"
    first, _ = walk(root, cache, listed)
    loaded = owner_cache.load(str(cache), str(root), USER, ("skip",), time.time())
    assert loaded is not None
    created, entries = loaded
    stamp, _, seen, skipped = entries[str(root / "b")]
    entries[str(root / "b")] = (stamp, ["../../etc"], seen, skipped)
    entries[str(root / "a")] = (entries[str(root / "a")][0], "c", 1)  # type: ignore[assignment]
    os.unlink(cache / owner_cache.file_name(str(root), USER, ("skip",)))
    owner_cache.store(str(cache), str(root), USER, ("skip",), created, entries)
    again, walked = walk(root, cache, listed)
    assert {"a", "b"} <= walked
    same(again, first)


@needs_root
def test_a_preflight_renews_an_aged_cache_once_it_has_ended(tmp_path: Path) -> None:
    """End to end, as a user's runs go: the preflight that finds the cache over an hour old
    answers from it (blind to a file chowned in place), the walk doctor.after_run starts once
    that process has ended renews it, and the next preflight reports the file."""
    import json
    import subprocess
    import sys

    root, xdg = build(tmp_path), tmp_path / "xdg"
    (root / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    os.lchown(root / "compose.yaml", USER, USER)
    time.sleep(2.1)  # every folder older than RACY_NS (the worker's own, not shortened): all stored
    env = {**os.environ, "XDG_CACHE_HOME": str(xdg), "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("DOCTOR_NO_CACHE", None)

    def strays() -> set[str]:
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", str(root), "--select", "root-owned-files",
                               "--format", "json"], env=env, capture_output=True, text=True, timeout=120)
        return {f["message"] for f in json.loads(done.stdout)["findings"]}

    first = strays()
    folder = str(xdg / "doctor")
    (name,) = [n for n in os.listdir(folder) if n.startswith(owner_cache.PREFIX)]
    loaded = owner_cache.load(folder, str(root), USER, (), time.time())
    assert loaded is not None
    assert owner_cache.store(folder, str(root), USER, (), loaded[0] - owner_cache.MAX_AGE - 60, loaded[1])
    os.lchown(root / "b" / "c" / "ok.txt", 0, 0)  # its folder's stamp does not move
    assert strays() == first  # answered from the aged cache
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        again = owner_cache.load(folder, str(root), USER, (), time.time())
        if again is not None and time.time() - again[0] < owner_cache.MAX_AGE and not os.path.exists(
                os.path.join(folder, name + ".refresh")):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the aged cache was not renewed after the run")
    assert any("ok.txt" in message for message in strays() - first)  # reported from the next run
