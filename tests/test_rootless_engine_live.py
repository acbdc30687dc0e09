"""doctor against a real rootless docker engine that the test starts for itself, as a throwaway user.

Needs root, uidmap (newuidmap), rootlesskit, slirp4netns, Debian's dockerd-rootless.sh (docker.io's
/usr/share/docker.io/contrib) and a /dev/net/tun users may open; skipped with one line otherwise, or
when the engine does not answer within STARTUP seconds. The user, its /etc/subuid and /etc/subgid
lines, the engine and its data are removed after. About 20 s here (dockerd 20.10.24, rootlesskit 1.1).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPLAY = Path(__file__).parent / "replay"
CONTRIB = ("/usr/share/docker.io/contrib", "/usr/share/docker/contrib", "/usr/bin")
STARTUP = 40  # seconds for the engine to answer
IMAGE = "doctor-test/busybox:rootless"
# CTFd's own images are tagged on the stand-in in this engine alone (its data, tags included, goes with it)
TAGS = ("alpine:3.23", "mariadb:10.11")
OVERRIDE = """services:
  db:  # mariadb's entrypoint, as root, gives its datadir to mysql (999)
    command: ["sh", "-c", "cd /var/lib/mysql && mkdir -p ctfd && touch ctfd/db.opt && chown -R 999:999 ."]
"""

def _missing() -> str:
    """Why no rootless engine can start here ("" when it may)."""
    if os.geteuid() != 0:
        return "needs root to make a throwaway user"
    for tool in ("useradd", "userdel", "setpriv", "newuidmap", "newgidmap", "rootlesskit", "slirp4netns", "docker",
                 "busybox"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (apt-get install uidmap rootlesskit slirp4netns busybox-static)"
    if _script() is None:
        return "dockerd-rootless.sh not found"
    try:
        mode = os.stat("/dev/net/tun").st_mode
    except OSError:
        return "no /dev/net/tun"
    return "" if mode & 0o006 == 0o006 else f"/dev/net/tun is {stat.filemode(mode)}: users may not open it"


def _script() -> str | None:
    return next((str(Path(d, "dockerd-rootless.sh")) for d in CONTRIB if Path(d, "dockerd-rootless.sh").is_file()),
                None)


@pytest.fixture(scope="module")
def rootless() -> Iterator[dict[str, str]]:
    """A running rootless engine of a new user: its DOCKER_HOST, uid, gid and home."""
    missing = _missing()
    if missing:
        pytest.skip(f"no rootless engine: {missing}")
    name = f"dr-rl-{secrets.token_hex(3)}"
    home = Path(tempfile.mkdtemp(prefix="dr-rl-", dir="/tmp"))
    home.chmod(0o755)
    engine: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(["useradd", "-M", "-d", str(home), "-s", "/bin/sh", name], check=True, capture_output=True)
        uid, gid = (int(subprocess.run(["id", flag, name], capture_output=True, text=True).stdout) for flag in
                    ("-u", "-g"))
        if not any(line.startswith(f"{name}:") for line in Path("/etc/subuid").read_text().splitlines()):
            pytest.skip(f"no rootless engine: useradd gave {name} no /etc/subuid range")
        runtime = home / "run"
        runtime.mkdir(mode=0o700)
        os.chown(home, uid, gid)
        os.chown(runtime, uid, gid)
        script = _script()
        assert script is not None
        log = (home / "dockerd.log").open("wb")
        env = {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
               "PATH": f"{os.path.dirname(script)}:/usr/sbin:/usr/bin:/sbin:/bin"}
        engine = subprocess.Popen(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups", script,
                                   "--data-root", str(home / "data")], env=env, stdout=log, stderr=log,
                                  start_new_session=True)
        url = f"unix://{runtime}/docker.sock"
        deadline = time.monotonic() + STARTUP
        while subprocess.run(["docker", "-H", url, "info"], capture_output=True).returncode != 0:
            if engine.poll() is not None or time.monotonic() > deadline:
                tail = (home / "dockerd.log").read_text(errors="replace").strip().splitlines()[-1:]
                pytest.skip(f"no rootless engine: dockerd-rootless.sh did not answer: {' '.join(tail)[:200]}")
            time.sleep(0.5)
        yield {"DOCKER_HOST": url, "uid": str(uid), "gid": str(gid), "home": str(home)}
    finally:
        if engine is not None:
            os.killpg(engine.pid, signal.SIGTERM)
            try:
                engine.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(engine.pid, signal.SIGKILL)
                engine.wait(timeout=10)
        subprocess.run(["userdel", name], capture_output=True)
        for table in ("/etc/subuid", "/etc/subgid"):  # userdel removes them; an older one may not
            lines = Path(table).read_text().splitlines(keepends=True)
            if any(line.startswith(f"{name}:") for line in lines):
                Path(table).write_text("".join(line for line in lines if not line.startswith(f"{name}:")))
        shutil.rmtree(home, ignore_errors=True)


def _image(url: str, folder: Path) -> None:
    """busybox-static with root in /etc/passwd (CTFd's `permissions` runs `user: root`), imported as IMAGE."""
    root = folder / "rootfs"
    (root / "bin").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (root / "etc" / "group").write_text("root:x:0:\n")
    busybox = shutil.which("busybox")
    assert busybox is not None
    shutil.copy2(busybox, root / "bin" / "busybox")
    for applet in ("sh", "chown", "mkdir", "touch", "true", "sleep"):
        (root / "bin" / applet).symlink_to("busybox")
    with tarfile.open(folder / "rootfs.tar", "w") as tar:
        tar.add(root, arcname=".")
    subprocess.run(["docker", "-H", url, "import", "--change", "ENV PATH=/bin", str(folder / "rootfs.tar"), IMAGE],
                   check=True, capture_output=True)
    for tag in TAGS:
        subprocess.run(["docker", "-H", url, "tag", IMAGE, tag], check=True, capture_output=True)


def _doctor(folder: Path, env: dict[str, str], *select: str) -> dict[str, dict[str, object]]:
    argv = [sys.executable, "-m", "doctor", "preflight", "--format", "json", *(a for c in select for a in
                                                                             ("--select", c))]
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stdout[-2000:] + done.stderr[-2000:]
    return {str(f["subject"]): f for f in json.loads(done.stdout)["findings"]}


def test_ctfd_on_a_real_rootless_engine(rootless: dict[str, str]) -> None:
    """CTFd's `permissions` gives its uploads and logs to uid 1001 (subuid 101000-ish here) and mariadb its data
    to 999: notes, never chowned to you; nginx's `80:80` is below 1024, which this engine cannot bind."""
    uid, gid, home = int(rootless["uid"]), int(rootless["gid"]), Path(rootless["home"])
    _image(rootless["DOCKER_HOST"], home / "image")
    folder = home / "ctfd"
    shutil.copytree(REPLAY / "ctfd", folder)
    (folder / "docker-compose.override.yml").write_text(OVERRIDE)
    for top, dirs, names in os.walk(folder):
        for entry in (*dirs, *names):
            os.lchown(Path(top, entry), uid, gid)
    os.lchown(folder, uid, gid)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "DOCKER_HOST": rootless["DOCKER_HOST"]}
    project = f"dr-rl-{secrets.token_hex(3)}"
    try:
        up = subprocess.run(["docker", "compose", "-p", project, "up", "--no-start", "permissions", "db"], cwd=folder,
                            env=env, capture_output=True, text=True, timeout=120)
        assert up.returncode == 0, up.stderr[-1000:]
        for service in ("permissions", "db"):
            done = subprocess.run(["docker", "compose", "-p", project, "run", "--rm", "--no-deps", service],
                                  cwd=folder, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr[-1000:]
        data = folder / ".data"
        assert data.stat().st_uid == uid  # docker made it as container root: the user
        first = (data / "CTFd" / "uploads").stat().st_uid - 1000
        assert first > 65535 and (data / "mysql" / "ctfd" / "db.opt").stat().st_uid == first + 998
        found = _doctor(folder, {**env, "COMPOSE_PROJECT_NAME": project}, "root-owned-files", "port-collision")
        owners = {k: f["severity"] for k, f in found.items() if k.startswith("owner:")}
        assert owners == {"owner:.data/CTFd": "info", "owner:.data/mysql": "info"}, found
        assert "container uid 1001 of the rootless engine" in str(found["owner:.data/CTFd"]["message"])
        low = [f for f in found.values() if "which a rootless engine cannot bind" in str(f["message"])]
        assert [str(f["message"]).split(" is below")[0] for f in low] == ["0.0.0.0:80/tcp ('nginx')"], found
    finally:
        subprocess.run(["docker", "compose", "-p", project, "down", "-v"], cwd=folder, env=env, capture_output=True,
                       timeout=120)


def test_a_service_run_as_your_uid_cannot_write_its_bind_on_a_real_rootless_engine(rootless: dict[str, str]) -> None:
    """`user: "UID:GID"` of the user is a subuid inside this engine: its write to the bind fails, and doctor says so."""
    uid, gid, home = int(rootless["uid"]), int(rootless["gid"]), Path(rootless["home"])
    folder = home / "asyou"
    (folder / "src").mkdir(parents=True)
    (folder / "compose.yaml").write_text(f'services:\n  web:\n    image: {IMAGE}\n    user: "{uid}:{gid}"\n'
                                         '    command: ["touch", "/src/x"]\n    volumes:\n      - ./src:/src\n')
    for path in (folder, folder / "src", folder / "compose.yaml"):
        os.lchown(path, uid, gid)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "DOCKER_HOST": rootless["DOCKER_HOST"]}
    if subprocess.run(["docker", "-H", rootless["DOCKER_HOST"], "image", "inspect", IMAGE],
                      capture_output=True).returncode != 0:
        _image(rootless["DOCKER_HOST"], home / "image2")
    project = f"dr-rl-{secrets.token_hex(3)}"
    try:
        done = subprocess.run(["docker", "compose", "-p", project, "run", "--rm", "web"], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode != 0 and "Permission denied" in done.stdout + done.stderr, done
        found = _doctor(folder, env, "root-owned-files")
        assert list(found) == ["user:web"], found
        assert str(found["user:web"]["message"]).startswith(
            f"'web' runs as your uid {uid} (user: {uid}:{gid}), which the rootless engine maps to uid "), found
    finally:
        subprocess.run(["docker", "compose", "-p", project, "down"], cwd=folder, env=env, capture_output=True,
                       timeout=120)
