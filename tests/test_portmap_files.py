"""`doctor ports` reads the compose files it is given, in every checkout; its rows line up."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from doctor.app import UsageError
from doctor.portmap import PortsOptions, ports
from doctor.portmap_checkout import Checkout

NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
BASE = "services:\n  vote:\n    image: busybox\n    ports: ['20536:80']\n"
IMAGES = "services:\n  vote:\n    image: busybox\n    ports: ['23497:80', '24317-24318:4317-4318']\n"


def _rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if " -> " in line]


def _run(options: PortsOptions) -> str:
    out = io.StringIO()
    ports(options, out)
    return out.getvalue()


def test_a_compose_file_argument_or_f_is_the_file_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docker-compose.yml").write_text(BASE)
    (tmp_path / "docker-compose.images.yml").write_text(IMAGES)
    env = {**NO_ENGINE, "HOME": str(tmp_path)}
    default = _run(PortsOptions(tmp_path, env=env))
    assert "20536/tcp" in default and "23497" not in default
    for options in (PortsOptions(tmp_path / "docker-compose.images.yml", env=env),
                    PortsOptions(tmp_path, env=env, files=(Path("docker-compose.images.yml"),))):
        rows = _rows(_run(options))
        assert [row.split()[0] for row in rows] == ["23497/tcp", "24317-24318/tcp"]
        assert len({row.index("->") for row in rows}) == 1  # a range's row lines up with the others
    with pytest.raises(UsageError, match="no such compose file"):
        ports(PortsOptions(tmp_path, env=env, files=(Path("nope.yml"),)), io.StringIO())


def test_f_is_read_from_the_current_directory_as_compose_and_preflight_read_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`doctor ports docker -f docker/base.yml` run from the repo root reads docker/base.yml (it said
    `.../docker/docker/base.yml: no such compose file`), and `-f base.yml` run in docker/ alike."""
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "base.yml").write_text(BASE)
    env = {**NO_ENGINE, "HOME": str(tmp_path)}
    monkeypatch.chdir(tmp_path)
    rows = _rows(_run(PortsOptions(Path("docker"), env=env, files=(Path("docker/base.yml"),))))
    assert [row.split()[0] for row in rows] == ["20536/tcp"]
    monkeypatch.chdir(tmp_path / "docker")
    rows = _rows(_run(PortsOptions(Path(), env=env, files=(Path("base.yml"),))))
    assert [row.split()[0] for row in rows] == ["20536/tcp"]
    with pytest.raises(UsageError, match="relative to the current directory"):
        _run(PortsOptions(Path(), env=env, files=(Path("docker/base.yml"),)))


def test_a_worktree_without_the_named_file_says_so(tmp_path: Path) -> None:
    main = tmp_path / "main"
    main.mkdir()
    (main / "docker-compose.yml").write_text(BASE)
    (main / "docker-compose.images.yml").write_text(IMAGES)
    git = ["git", "-C", str(main), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "docker-compose.yml"], check=True)
    subprocess.run([*git, "commit", "-qm", "base only"], check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "other")], check=True)
    out = _run(PortsOptions(main / "docker-compose.images.yml", env={**NO_ENGINE, "HOME": str(tmp_path)}))
    assert "no docker-compose.images.yml in this checkout" in out
    assert "23497/tcp" in out and "20536" not in out


def test_two_clones_in_folders_of_the_same_name_are_told_apart() -> None:
    # ~/work/app and ~/tmp/app: both checkouts are named 'app' and share the project name 'app'
    from doctor.portmap_checkout import Checkout, Published
    from doctor.portmap_clashes import find_clashes

    web = Published("web", 23497, 80, "tcp", "")
    first = Checkout(Path("/home/dev/work/app"), "app", "worktree", "main", "app", "none", (web,))
    second = Checkout(Path("/home/dev/tmp/app"), "app", "clone", "", "app", "none",
                      (Published("web", 23497, 80, "tcp", "ours"),))
    clashes = find_clashes([first, second])
    assert clashes[0] == ("23497/tcp published by /home/dev/work/app ('web'), /home/dev/tmp/app ('web'); "
                          "held by /home/dev/tmp/app")
    assert clashes[1].startswith("compose project name 'app' is used by /home/dev/work/app, /home/dev/tmp/app")
    assert "-p NAME" in clashes[1]  # a tracked .env (fastapi's) cannot carry the name: -p always can
    other = Checkout(Path("/home/dev/work/app-b"), "app-b", "worktree", "b", "app-b", "none", (web,))
    assert find_clashes([first, other])[0].startswith("23497/tcp published by app ('web'), app-b ('web')")


def test_a_clash_of_checkouts_says_how_the_port_plan_is_applied() -> None:
    # fastapi's template in two worktrees: the same committed ports. Until one runs nothing is bound
    # and `doctor fix --ports` has nothing to do; once one runs, the fix in the other moves its ports
    from doctor.portmap_checkout import Checkout, Published
    from doctor.portmap_clashes import find_clashes
    from doctor.portmap_render import lines

    def track(name: str, holder: str) -> Checkout:
        return Checkout(Path(f"/home/dev/{name}"), name, "worktree", name, name, "none",
                        (Published("backend", 8000, 8000, "tcp", holder),))

    idle = [track("app", ""), track("app-b", "")]
    text = "\n".join(lines("doctor ports .", "origin", idle, find_clashes(idle)))
    assert "`up` one, then `doctor fix --ports` in each other moves its clashing ports into a block" in text
    running = [track("app", "ours"), track("app-b", "")]
    text = "\n".join(lines("doctor ports .", "origin", running, find_clashes(running)))
    assert "fix: run `doctor fix --ports` in /home/dev/app-b: it moves the clashing ports" in text
    assert "beside 'app'" in text
    alone = [track("app", "")]
    assert "fix:" not in "\n".join(lines("doctor ports .", "origin", alone, find_clashes(alone)))


def test_checkouts_sharing_fixed_container_names_clash_before_their_ports() -> None:
    # documenso's docker/development/compose.yml: `name: documenso-development` and `container_name: database`
    from doctor.portmap_checkout import Checkout, Published
    from doctor.portmap_clashes import find_clashes
    from doctor.portmap_render import lines

    def track(name: str) -> Checkout:
        return Checkout(Path(f"/home/dev/{name}"), name, "worktree", name, "documenso-development", "none",
                        (Published("database", 54320, 5432, "tcp", ""),), containers=("database", "mailserver"))

    both = [track("documenso"), track("documenso-b")]
    clashes = find_clashes(both)
    assert clashes[-1] == ("container_name 'database', 'mailserver' are used by documenso, documenso-b: the "
                           "second 'up' fails, the name being in use (drop container_name: compose then names "
                           "each PROJECT-SERVICE-1)")
    text = "\n".join(lines("doctor ports .", "origin", both, clashes))
    assert "fix: first give each checkout its own project name and drop fixed container names (above)" in text


def test_profile_gated_ports_need_the_profile_and_say_so(tmp_path: Path) -> None:
    """hoppscotch/hoppscotch docker-compose.yml puts every service in a profile (`docker compose
    --profile default up`): `doctor ports` said only "publishes no fixed host port", and had no
    --profile to show them."""
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  hoppscotch-aio:\n    profiles: ['default']\n    image: busybox\n    ports: ['23000:3000']\n"
        "  hoppscotch-db:\n    profiles: ['default', 'database']\n    image: busybox\n    ports: ['25432:5432']\n")
    env = {**NO_ENGINE, "HOME": str(tmp_path)}
    out = _run(PortsOptions(tmp_path, env=env))
    assert "publishes no fixed host port with the active profiles (2 services in profiles that are off: " \
           "add --profile NAME, one of 'database', 'default')" in out
    rows = _rows(_run(PortsOptions(tmp_path, env=env, profiles=("database",))))
    assert [row.split()[0] for row in rows] == ["25432/tcp"]
    assert [row.split()[0] for row in _rows(_run(PortsOptions(tmp_path, env={**env, "COMPOSE_PROFILES": "default"})))
            ] == ["23000/tcp", "25432/tcp"]


def test_the_next_step_counts_as_shared_exactly_the_ports_the_clash_lines_call_shared() -> None:
    # the next step and the clash lines group the ports one way: two services of one checkout on one
    # port, or a port a stranger holds, are no port two checkouts share (no `doctor fix --ports` step)
    from doctor.portmap_checkout import Checkout, Published
    from doctor.portmap_clashes import find_clashes, next_step
    from doctor.portmap_render import lines

    def track(name: str, *ports: Published, project: str = "") -> Checkout:
        return Checkout(Path(f"/home/dev/{name}"), name, "worktree", name, project or name, "none", ports)

    own_twice = track("solo", Published("a", 8000, 80, "tcp", ""), Published("b", 8000, 81, "tcp", ""))
    stranger = track("held", Published("web", 8001, 80, "tcp", "pid 12 (nginx)"))
    udp = [track("one", Published("dns", 5353, 53, "udp", "ours")), track("two", Published("dns", 5353, 53, "tcp", ""))]
    alone = [own_twice, stranger, *udp]
    clashes = find_clashes(alone)
    assert not any("published by" in line for line in clashes), clashes
    assert next_step(alone) == [] and "fix:" not in "\n".join(lines("doctor ports .", "origin", alone, clashes))
    shared = [*alone, track("other", Published("web", 8001, 80, "tcp", "ours"))]
    assert [line for line in find_clashes(shared) if "published by" in line] == [
        "8001/tcp published by held ('web'), other ('web'); held by other"]
    assert next_step(shared) == [
        "    fix: run `doctor fix --ports` in /home/dev/held: it moves the clashing ports into a block of its own "
        "(kept from run to run), so it comes up beside 'other'"]


def test_the_port_map_masks_the_engines_password_and_the_projects_secrets(tmp_path: Path) -> None:
    """`doctor ports` printed DOCKER_HOST's password in its "engine unavailable" line (console and
    JSON) and any secret a compose problem quoted: it is masked at its one write, as preflight's is."""
    password, secret = "Sup3rS3cretDockerPw9x", "Zq8vLr2TxWm4Kp9sQ3nB"
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: busybox\n    ports: ['20536:80']\n    environment:\n      API_TOKEN: {secret}\n"
        f"    labels: ['{secret}']\n")
    env = {**NO_ENGINE, "HOME": str(tmp_path), "DOCKER_HOST": f"tcp://admin:{password}@127.0.0.1:1"}
    for as_json in (False, True):
        out = _run(PortsOptions(tmp_path, env=env, as_json=as_json))
        assert "tcp://admin:***@127.0.0.1:1" in out
        assert password not in out and secret not in out


def test_a_compose_file_compose_cannot_read_is_no_all_clear(tmp_path: Path) -> None:
    """Binary garbage (or a YAML error, an unreadable file) said "publishes no fixed host port" and
    "✓ no clashes": its ports are not known, and the summary says so."""
    (tmp_path / "compose.yaml").write_bytes(b"services:\n  web: [\x00\x01 bad")
    out = _run(PortsOptions(tmp_path, env={**NO_ENGINE, "HOME": str(tmp_path)}))
    assert "compose cannot read it (compose.yaml:" in out and "its ports are not known" in out
    assert "publishes no fixed host port" not in out and "✓" not in out
    # a YAML error is named at its line, as preflight names it
    (tmp_path / "compose.yaml").write_text('services:\n  app:\n    image: busybox\n    ports:\n      - "8080:80"\n'
                                           "   bad: [\n")
    out = _run(PortsOptions(tmp_path, env={**NO_ENGINE, "HOME": str(tmp_path)}))
    assert "compose cannot read it (compose.yaml:6: yaml: did not find expected key)" in out, out
    assert out.rstrip().endswith(": clones it runs and their containers are not shown) (1 compose cannot read "
                                 "or refuses: their ports are not sure)")
    from doctor.portmap_render import lines

    checkout = Checkout(tmp_path, "app", "folder", "", "app", "none", (), "compose cannot read it", unread=True)
    assert lines("doctor ports .", "origin", [checkout], [])[-1] == (
        "~ no clashes among the checkouts compose can read (1 compose cannot read or refuses: "
        "their ports are not sure)")


def test_a_published_range_two_checkouts_share_is_one_clash_line() -> None:
    # localstack's `'4563-4599:4563-4599'` in two worktrees: 37 lines `4563/tcp published by ...`, one per port
    from doctor.portmap_checkout import Checkout, Published
    from doctor.portmap_clashes import find_clashes

    def track(name: str, *extra: Published) -> Checkout:
        span = tuple(Published("localstack", p, p, "tcp", "") for p in range(4563, 4600))
        udp = tuple(Published("localstack", p, p, "udp", "") for p in range(4563, 4565))
        return Checkout(Path(f"/home/dev/{name}"), name, "worktree", name, name, "none", (*span, *udp, *extra))

    shared = "published by app ('localstack'), app-b ('localstack')"
    assert find_clashes([track("app"), track("app-b")]) == [f"4563-4599/tcp {shared}", f"4563-4564/udp {shared}"]
    # a port with other owners (the second checkout's 'edge' publishes 4566 too) breaks the run; a single
    # port stays one port
    clashes = find_clashes([track("app"), track("app-b", Published("edge", 4566, 4566, "tcp", ""))])
    assert clashes == [f"4563-4565/tcp {shared}", f"4563-4564/udp {shared}",
                       "4566/tcp published by app ('localstack'), app-b ('localstack'), app-b ('edge')",
                       f"4567-4599/tcp {shared}"]
