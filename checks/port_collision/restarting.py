"""Whether a container that is not running now takes its ports back by itself: a restart loop.

Between two starts of a restart loop (`restart: always` and a command that exits) the engine
lists a container as `restarting`, not `running`: its ports are free for that moment, so a bind
probe passes, and doctor.host.ports reads the ports it declares as a stopped container's. It
binds them again at its next start, within seconds: to `up` it holds them as a running one does,
and `docker rm` refuses it ("You cannot remove a restarting container"); `docker stop` ends it.

An exited container whose policy is `always` or `unless-stopped` is no loop: the engine restarts
a container that exits under such a policy at once (`restarting`), so one that stays exited was
stopped by the user (or, `on-failure:N`, gave up). The engine's API does not show that flag
(HasBeenManuallyStopped); the state it does show is what tells.

The listing doctor.host.ports reads has the state; ContainerPort keeps only `running`, so the
few clashing containers that are not running are asked again here, once per run.
"""

from __future__ import annotations

from doctor.host.engine import quote
from doctor.model import Unavailable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host import Host

def restart_loop(host: Host, container: str) -> str:
    """The restart policy (`always`, `unless-stopped`, `on-failure`) of a container the engine is
    restarting now ("restart" when it names none); "" when it is stopped, gone, or the engine cannot
    tell. One that started again since the listing (running, restarted before) is still in its loop."""
    # asked once per run: kept with the run's Host, and gone with it (weakref's import cost a run ~1 ms)
    asked: dict[str, str] = vars(host).setdefault("_restart_loops", {})
    if container not in asked:
        asked[container] = _ask(host, container)
    return asked[container]


def _ask(host: Host, container: str) -> str:
    try:
        found = host.engine.get_json(f"/containers/{quote(container)}/json")
    except Unavailable:
        return ""
    if not isinstance(found, dict):
        return ""
    status = str(_field(found, "State", "Status") or "")
    policy = str(_field(found, "HostConfig", "RestartPolicy", "Name") or "")
    policy = "" if policy == "no" else policy
    restarted = found.get("RestartCount")
    if status == "restarting" or (status == "running" and policy and isinstance(restarted, int) and restarted > 0):
        return policy or "restart"
    return ""


def _field(document: dict[str, object], *keys: str) -> object:
    """document[k1][k2]...; None where a level is missing or is no object."""
    value: object = document
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value
