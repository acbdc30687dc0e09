"""Named volumes that bind a host folder through the local driver (`driver_opts: {type: none, o: bind, device: X}`).

Such a volume is a bind mount docker sets up at each container start, but unlike a service's bind it
never creates its folder: a device that does not exist fails the start ("failed to mount local volume:
mount /mnt/data/jupyterlab:/var/lib/docker/volumes/P_V/_data, flags: 0x1000: no such file or
directory"), however the volume was created. Compose makes a relative device absolute, against the
project folder (`~` against $HOME), only under `driver: local` with `o: bind` exactly (compose-go
`paths/resolve.go` `volumeDriverOpts`); with no `driver:` (docker's default is local all the same) or
with `o: bind,ro` or `rbind` it sends `./data` as written, which the engine cannot find wherever the
folder is (verified with compose v2.40.3 and engine 20.10).
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.model import Location
from doctor.project.types import VolumeDevice

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.yamlload import YMap


def bind_devices(volumes: object, project_dir: Path, home: str | None) -> tuple[VolumeDevice, ...]:
    """The volumes of the merged model's top-level `volumes:` that bind a host path (type none, or no
    type, with a `bind` or `rbind` mount option), the local driver's (no `driver:` or `local`). One
    with no type is kept, untyped: the local driver refuses to create it (`missing required option:
    "type"`, engine 20.10), whether its device exists or not."""
    from doctor.project.goscalar import stringify
    from doctor.project.yamlload import YMap

    found: list[VolumeDevice] = []
    for key, spec in volumes.items() if isinstance(volumes, YMap) else ():
        if not isinstance(spec, YMap) or str(spec.get("external")).lower() in ("true", "yes"):
            continue
        opts = spec.get("driver_opts")
        driver = stringify(spec.get("driver") or "")
        if not isinstance(opts, YMap) or driver not in ("", "local") or opts.get("device") in (None, ""):
            continue
        mount = stringify(opts.get("o") or "")
        if stringify(opts.get("type") or "none") != "none" or not {"bind", "rbind"} & {
                o.strip() for o in mount.split(",")}:
            continue
        raw = stringify(opts["device"])
        resolved = driver == "local" and mount == "bind"
        device = _resolved(raw, project_dir, home) if resolved else raw
        typed = opts.get("type") not in (None, "")
        found.append(VolumeDevice(str(key), device, raw, resolved, _loc(opts), typed, spec.loc_of("driver_opts")))
    return tuple(found)


def _resolved(device: str, base: Path, home: str | None) -> str:
    """compose-go's maybeUnixPath: `~` is $HOME, a relative path joins the project folder."""
    if device.startswith("~") and home:
        return os.path.normpath(f"{home}/{device[1:]}")
    return device if device.startswith("/") else os.path.normpath(os.path.join(base, device))


def _loc(opts: YMap) -> Location | None:
    return opts.loc_of("device")
