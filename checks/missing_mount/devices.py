"""missing-mount's named volumes that bind a host folder the engine cannot find (doctor.project.volume_devices).

Docker makes a missing bind source of a service, but never the device of a volume: the container of
each service mounting it fails to start, so a missing one is an error, not the info a data folder gets.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from doctor.model import Check, Edit, Finding, Fix, Safety, Severity, service_names
from doctor.project import Project
from doctor.regular import text_lines

from .copied import inside

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host.endpoint import Endpoint
    from doctor.project.types import VolumeDevice


def absent_devices(check: Check, project: Project, remote: Endpoint | None = None) -> Iterator[Finding]:
    """One error per volume that enabled services mount whose device the engine cannot find: a relative
    device compose sends as written, or (with the engine on this machine) an absolute one missing here."""
    model = project.compose
    for volume in model.volume_devices:
        users = sorted({s.name for s in model.services.values() for m in s.volumes
                        if m.type == "volume" and m.source == volume.key})
        if not users:
            continue
        names = service_names(users)
        cannot = f"{names} cannot start"
        subject = f"{','.join(users)}:volume:{volume.key}"
        if not volume.typed:
            yield _untyped(check, project, volume, cannot, f"{subject}:type")
            continue
        if not volume.device.startswith("/"):
            message = (f"volume '{volume.key}' binds device {volume.raw}, which compose sends as written (it "
                       f"resolves a relative device only under driver: local with o: bind): {cannot}")
            title = (f"write the device of volume '{volume.key}' as an absolute path "
                     f"({_absolute(project, volume.raw)}), or mount {volume.raw} as a bind in the service")
            yield check.finding(message, volume.location, subject, Fix(title, Safety.ADVICE), Severity.ERROR)
            continue
        if remote is not None or os.path.exists(volume.device):
            continue  # a remote engine's machine has its own folders
        path = Path(volume.device)
        shown = project.shown(path)
        message = (f"volume '{volume.key}' binds {volume.raw}, which does not exist: docker makes no folder "
                   f"for a volume's device, so {cannot}")
        root = model.project_dir
        ours = inside(Path(os.path.realpath(path)), Path(os.path.realpath(root)))
        title = f"create {shown.rstrip('/')}/ before starting" + ("" if ours else (
            f", or point the device of volume '{volume.key}' at a folder that exists"))
        fix = Fix(title, Safety.SAFE if ours else Safety.ADVICE, command=("mkdir", "-p", str(path)))
        yield check.finding(message, volume.location, subject, fix, Severity.ERROR)


def _untyped(check: Check, project: Project, volume: VolumeDevice, cannot: str, subject: str) -> Finding:
    """A bind device with no `type:`: `docker compose up` stops at `create P_dv: missing required option:
    "type"` (engine 20.10), and a missing folder made by hand would not help; `type: none` is the bind's."""
    message = (f"volume '{volume.key}' sets o: bind with no type: docker refuses to create it "
               f"(missing required option: \"type\"): {cannot}")
    title = f"add type: none to the driver_opts of volume '{volume.key}'"
    edit = _type_none(project, volume)
    fix = Fix(title, Safety.SAFE, edits=(edit,)) if edit is not None else Fix(title, Safety.ADVICE)
    return check.finding(message, volume.opts_location or volume.location, subject, fix, Severity.ERROR)


def _type_none(project: Project, volume: VolumeDevice) -> Edit | None:
    """`type: none` written beside the `device:` line as that line is written: a block key above it at its
    indent, or in a flow mapping before `device:`; None where the line is neither (advice then)."""
    from doctor.project.reading import read_regular_text

    where = volume.location
    text = read_regular_text(where.path) if where is not None and where.line else None
    if where is None or not where.line or text is None:
        return None
    lines = text_lines(text)
    if where.line > len(lines):
        return None
    line = lines[where.line - 1]
    body = line.lstrip(" ")
    if body.startswith("device:"):
        return Edit(where.path, line, f"{line[:len(line) - len(body)]}type: none\n{line}", where.line)
    if line.count("device:") == 1 and "{" in line.partition("device:")[0]:
        return Edit(where.path, line, line.replace("device:", "type: none, device:"), where.line)
    return None


def _absolute(project: Project, raw: str) -> str:
    """The relative device as the project folder makes it (what was meant)."""
    return os.path.normpath(os.path.join(project.compose.project_dir, raw))
