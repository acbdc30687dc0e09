"""`--output` onto what is not a regular file: written through, never replaced.

The report is written to a temp file and renamed over a regular file (so a crashed run leaves no
half report). Renamed over a device or a FIFO, that replaced it with a regular file: as root in a
CI container, `--output /dev/null` replaced /dev/null. And `/dev/stdout` (a link to
/proc/self/fd/1, whose target is "pipe:[N]") failed with "no such file or directory".
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "p2"
    shutil.copytree(EXAMPLES / "clean-stack", root)
    return root


def doctor(*args: str, tmp_path: Path, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "doctor", "preflight", *args], env=env, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def no_temp_files(folder: Path) -> bool:
    return not [p.name for p in folder.iterdir() if p.name.endswith(".doctor-tmp")]


def test_a_fifo_with_a_reader_gets_the_report_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "out" / "fifo"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = doctor(str(project(tmp_path)), "--format", "json", "--output", str(fifo), tmp_path=tmp_path)
    reader.join(timeout=30)
    assert done.returncode in (0, 1), done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["version"] == 1
    assert no_temp_files(fifo.parent)


def test_a_char_device_stays_a_char_device(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("mknod of a char device needs root")
    null = tmp_path / "out" / "null"
    null.parent.mkdir()
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # /dev/null's numbers
    done = doctor(str(project(tmp_path)), "--output", str(null), tmp_path=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert stat.S_ISCHR(null.lstat().st_mode) and null.lstat().st_rdev == os.makedev(1, 3)
    assert "report in" in done.stdout and no_temp_files(null.parent)


def test_dev_stdout_into_a_pipe(tmp_path: Path) -> None:
    done = doctor(str(project(tmp_path)), "--format", "json", "--output", "/dev/stdout", tmp_path=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    report, summary = done.stdout.rsplit("}\n", 1)
    assert json.loads(report + "}")["version"] == 1
    assert summary.endswith("· report in /dev/stdout\n")


def test_dev_stdout_appended_to_a_file_keeps_what_was_there(tmp_path: Path) -> None:
    """`>> log` as stdout: the report is added to the log, the log is not replaced by it (same inode)."""
    log = tmp_path / "log"
    log.write_text("earlier line\n")
    inode = log.stat().st_ino
    with log.open("a") as out:
        done = doctor(str(project(tmp_path)), "--format", "json", "--output", "/dev/stdout",
                      tmp_path=tmp_path, stdout=out.fileno())
    assert done.returncode in (0, 1), done.stderr
    text = log.read_text()
    assert text.startswith("earlier line\n{") and text.endswith("· report in /dev/stdout\n")
    assert log.stat().st_ino == inode


def test_a_regular_file_is_still_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("an older, longer report " * 400)
    inode = target.stat().st_ino
    done = doctor(str(project(tmp_path)), "--format", "json", "--output", str(target), tmp_path=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(target.read_text())["version"] == 1
    assert target.stat().st_ino != inode  # renamed into place: no reader ever saw half of it
    assert no_temp_files(tmp_path)


def test_a_socket_is_left_alone_and_one_line(tmp_path: Path) -> None:
    """open(2) cannot open a unix socket (ENXIO): the run says so, and the socket stays."""
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        done = doctor(str(project(tmp_path)), "--output", str(path), tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"doctor: cannot write {path}: no such device or address\n"
    assert stat.S_ISSOCK(path.lstat().st_mode)


def test_a_directory_is_one_line_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    done = doctor(str(project(tmp_path)), "--output", str(folder), tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"doctor: cannot write {folder}: it is a directory\n"
    assert list(folder.iterdir()) == []


def test_a_path_in_a_folder_that_does_not_exist_is_one_line_exit_2_and_no_folder_made(tmp_path: Path) -> None:
    """`-o /nonexistent/dir/out` made /nonexistent/dir (as root) and wrote there: the folders of a
    path the user names are theirs to make."""
    target = tmp_path / "missing" / "dir" / "out.json"
    done = doctor(str(project(tmp_path)), "--output", str(target), tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"doctor: cannot write {target}: no such directory\n"
    assert not (tmp_path / "missing").exists()
