"""missing-mount's bind sources through the real loader (issue 9 item 8): `../x` and `${PWD}/../x`
are judged alike, and a missing single file is a file whatever its extension."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions


def _findings(root: Path, env: dict[str, str]) -> dict[str, tuple[Severity, str]]:
    project = Project(ProjectOptions(path=root, env=env))
    return {f.subject: (f.severity, f.message) for f in MissingMount().run(project, Host(env={}))}


def test_outside_sources_are_judged_alike_however_written(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    volumes:\n"
        "      - ../libs:/libs\n      - ${PWD}/../libs:/libs2\n      - ${PWD}/../tools.jar:/opt/tools.jar\n"
        "      - ../vendor.jar:/opt/vendor.jar\n")
    found = _findings(root, {"PATH": "/usr/bin:/bin", "PWD": str(root)})
    assert found == {
        "web:../libs": (Severity.INFO, "bind source ../libs does not exist: docker will create it root-owned"),
        "web:../tools.jar": (Severity.WARNING,
                             "bind source ../tools.jar does not exist: docker will make it a root-owned directory"),
        "web:../vendor.jar": (Severity.WARNING,
                              "bind source ../vendor.jar does not exist: docker will make it a root-owned directory"),
    }


def test_single_files_of_any_extension_and_known_dotfiles(tmp_path: Path) -> None:
    names = {"seed.sql.gz": True, "plugin.jar": True, "foo.conf": True, "Makefile.local": True, ".env.local": True,
             ".npmrc": True, ".env": True, "conf.d": False, "v1.2": False, ".cache": False, "data": False}
    volumes = "".join(f"      - ./{name}:/mnt/{i}\n" for i, name in enumerate(names))
    (tmp_path / "compose.yaml").write_text(f"services:\n  web:\n    image: busybox\n    volumes:\n{volumes}")
    found = _findings(tmp_path, {"PATH": "/usr/bin:/bin"})
    assert {s.split(":", 1)[1]: sev is Severity.WARNING for s, (sev, _) in found.items()} == names


def test_the_empty_directory_docker_made_where_a_file_was_meant(tmp_path: Path) -> None:
    """After the first `up` a missing `./nginx.conf` exists, as the empty directory docker made: still a
    fault (the container gets a directory at /etc/nginx/nginx.conf), judged only where both names are a file's."""
    root = tmp_path / "app"
    for folder in ("nginx.conf", "conf.d", "data.db", "full.conf"):
        (root / folder).mkdir(parents=True)
    (root / "full.conf" / "x").write_text("")  # not empty: someone's folder
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf\n"
        "      - ./conf.d:/etc/nginx/conf.d\n      - ./data.db:/var/lib/data\n      - ./full.conf:/etc/full.conf\n")
    found = _findings(root, {"PATH": "/usr/bin:/bin"})
    assert found == {"web:./nginx.conf:directory": (
        Severity.ERROR, "bind source ./nginx.conf is an empty directory where a file was meant (docker makes a "
                        "missing source a directory): 'web' gets a directory at /etc/nginx/nginx.conf")}


@pytest.mark.skipif(os.geteuid() != 0, reason="making a root-owned folder in a user's checkout needs root")
def test_a_root_owned_made_directory_in_a_users_checkout_says_so(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "nginx.conf").mkdir(parents=True)  # root's, as a rootful engine makes it
    (root / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    volumes:\n"
                                       "      - ./nginx.conf:/etc/nginx/nginx.conf\n")
    os.chown(root, 54321, 54321)  # a developer's checkout
    [(_, message)] = _findings(root, {"PATH": "/usr/bin:/bin"}).values()
    assert message.startswith("bind source ./nginx.conf is an empty root-owned directory where a file was meant")


def test_a_tracked_file_deleted_in_this_checkout_is_restored_not_created(tmp_path: Path) -> None:
    """langfuse/langfuse docker-compose.dev.yml (profile worker-tests) bind-mounts
    ./scripts/code-eval-runners/bootstrap-floci.py: with that tracked file deleted, the advice was
    'create the file', an empty one, not the script git has."""
    import subprocess

    root = tmp_path / "langfuse"
    (root / "scripts" / "code-eval-runners").mkdir(parents=True)
    script = root / "scripts" / "code-eval-runners" / "bootstrap-floci.py"
    script.write_text("print('bootstrap')\n")
    (root / "compose.yaml").write_text(
        "services:\n  floci:\n    image: busybox\n    volumes:\n"
        "      - ./scripts/code-eval-runners:/opt/code-eval-runners:ro\n"
        "      - ./scripts/code-eval-runners/bootstrap-floci.py:/etc/floci/init/ready.d/01.py:ro\n"
        "      - ./scripts/seed.sql:/docker-entrypoint-initdb.d/seed.sql\n")
    git = ["git", "-C", str(root), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    script.unlink()
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin"}))
    found = {f.subject: f for f in MissingMount().run(project, Host(env={}))}
    tracked = found["floci:scripts/code-eval-runners/bootstrap-floci.py"]
    assert tracked.message == ("bind source ./scripts/code-eval-runners/bootstrap-floci.py does not exist "
                               "(git tracks it): docker will make it a root-owned directory")
    assert tracked.fix is not None and tracked.fix.command == ("git", "checkout", "--", str(script))
    untracked = found["floci:scripts/seed.sql"]  # never in git: still a file to create
    assert untracked.fix is not None and untracked.fix.title.startswith("create the file ")


def test_a_made_directory_over_a_file_every_image_has_or_a_named_config(tmp_path: Path) -> None:
    """`./passwd.local:/etc/passwd:ro` after a failed `up` ("Are you trying to mount a directory onto a
    file"): /etc/passwd and a Caddyfile have no extension, yet a file is meant there; an empty
    `./data` over /var/lib/data is someone's folder still."""
    root = tmp_path / "app"
    for folder in ("passwd.local", "Caddyfile", "data"):
        (root / folder).mkdir(parents=True)
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    volumes:\n      - ./passwd.local:/etc/passwd:ro\n"
        "      - ./Caddyfile:/etc/caddy/Caddyfile\n      - ./data:/var/lib/data\n")
    found = _findings(root, {"PATH": "/usr/bin:/bin"})
    assert sorted(found) == ["web:./Caddyfile:directory", "web:./passwd.local:directory"]
    assert found["web:./passwd.local:directory"][1].endswith("'web' gets a directory at /etc/passwd")


def test_a_sibling_repository_not_cloned_yet_is_cloned_not_made(tmp_path: Path) -> None:
    """openedx/devstack mounts ../edx-platform/common/test/data; `make dev.clone` clones edx-platform
    beside it and stops at a folder that exists without .git: the advised `mkdir -p` broke that step."""
    import subprocess

    root = tmp_path / "devstack"
    root.mkdir()
    (root / "compose.yaml").write_text(
        "services:\n  lms:\n    image: busybox\n    volumes:\n"
        "      - ../edx-platform/common/test/data:/edx/data\n      - ../backup:/backups\n")
    (root / "Makefile").write_text("dev.clone: dev.clone.ssh\n\ndev.clone.ssh:\n\t./repo.sh clone_ssh\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin"}))
    found = {f.subject: f for f in MissingMount().run(project, Host(env={}))}
    sibling = found["lms:../edx-platform/common/test/data"]
    assert sibling.severity is Severity.WARNING and "../edx-platform, a folder beside this checkout, is missing" in (
        sibling.message)
    assert sibling.fix is not None and sibling.fix.title.startswith(
        "clone the repository ../edx-platform before starting (`make dev.clone`)") and not sibling.fix.command
    # a data folder beside it (laradock's ../backup) is still one docker makes on `up`
    assert found["lms:../backup"].severity is Severity.INFO


def test_a_folder_mounted_at_a_target_named_like_a_script_is_a_folder(tmp_path: Path) -> None:
    """pixelfed's `${...}/proxy-acme:/etc/acme.sh` (nginxproxy/acme-companion): acme.sh's config folder;
    the fix said to create the file proxy-acme, which would break the mount."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "compose.yaml").write_text(
        "services:\n  proxy-acme:\n    image: nginxproxy/acme-companion\n    volumes:\n"
        "      - ./state/proxy-acme:/etc/acme.sh\n      - ./state/run.sh:/entrypoint.sh\n")
    found = _findings(root, {"PATH": "/usr/bin:/bin"})
    assert found["proxy-acme:state/proxy-acme"] == (
        Severity.INFO, "bind source ./state/proxy-acme does not exist: docker will create it root-owned")
    assert found["proxy-acme:state/run.sh"][0] is Severity.WARNING  # a file meant: docker makes it a folder


def _pwd_project(tmp_path: Path) -> Path:
    root = tmp_path / "devstack"
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "app.yml").write_text("a: 1\n")
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    volumes:\n      - ${PWD}/conf/app.yml:/etc/app.yml\n")
    return root


def test_pwd_is_the_folder_the_path_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openedx/devstack mounts `${PWD}/configuration_files/discovery.yml`. `doctor preflight devstack`
    from its parent judged the parent's `conf/app.yml` (the shell's PWD) and called six files missing:
    the path is the folder compose runs in, and a shell that cds there gives compose that PWD."""
    root = _pwd_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert _findings(root, {"PATH": "/usr/bin:/bin", "PWD": str(tmp_path)}) == {}
    project = Project(ProjectOptions(path=Path("devstack"), env={"PATH": "/usr/bin:/bin", "PWD": str(tmp_path)}))
    [mount] = project.compose.services["web"].volumes
    assert mount.source == str(root / "conf" / "app.yml")


def test_pwd_run_in_the_folder_is_the_shells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the project folder itself, compose reads the PWD it inherits, whatever it names
    (a program started by `make -C` without a shell keeps the caller's): doctor reads the same."""
    root = _pwd_project(tmp_path)
    monkeypatch.chdir(root)
    found = _findings(Path("."), {"PATH": "/usr/bin:/bin", "PWD": str(tmp_path)})
    assert list(found) == ["web:../conf/app.yml"]


def test_a_source_a_variable_makes_relative_is_judged(tmp_path: Path) -> None:
    """openedx/devstack's docker-compose-host.yml mounts `${DEVSTACK_WORKSPACE}/edx-platform` and ~20
    sibling repositories so, with DEVSTACK_WORKSPACE=`..`: compose reads `../edx-platform`, which
    preflight never judged, the text starting with a variable. One whose value is absolute (a
    machine's own folder) is still not judged."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    volumes:\n"
        "      - ${WORKSPACE}/edx-platform:/edx/app/edx-platform\n"
        "      - ${WS:-..}/sib/file.yml:/etc/x.yml\n"
        "      - ${ABS}/srv:/srv\n"
        "      - type: bind\n        source: ${HERE:-.}/data\n        target: /data\n")
    found = _findings(root, {"PATH": "/usr/bin:/bin", "PWD": str(root), "WORKSPACE": "..", "ABS": str(tmp_path)})
    assert found == {
        "web:../edx-platform": (Severity.INFO,
                                "bind source ../edx-platform does not exist: docker will create it root-owned"),
        "web:../sib/file.yml": (Severity.WARNING,
                                "bind source ../sib/file.yml does not exist: docker will make it a root-owned "
                                "directory"),
        "web:data": (Severity.INFO, "bind source ./data does not exist: docker will create it root-owned"),
    }
