"""missing-mount's bind sources through the real loader (issue 9 item 8): `../x` and `${PWD}/../x`
are judged alike, and a missing single file is a file whatever its extension."""

from __future__ import annotations

from pathlib import Path

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
