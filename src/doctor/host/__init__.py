"""The machine doctor runs on: every live probe, each lazy, each with a short timeout.

A probe that cannot answer raises `doctor.model.Unavailable(reason)` when a check touches
it; the engine then marks that check Skipped with the reason. Nothing here runs at import.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # doctor.host.early starts the login shell before typing is worth importing
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from functools import cached_property

    from doctor.host.context import ExecutionContext
    from doctor.host.engine import EngineConnection
    from doctor.host.images import EngineImages
    from doctor.host.interpreter import InstalledPackages
    from doctor.host.owners import OwnerProbe
    from doctor.host.platform import Platform
    from doctor.host.ports import PortProber
    from doctor.host.shell import ShellPaths



class _Once:
    """functools.cached_property, without importing functools (and collections, operator, keyword,
    reprlib: ~5 ms) before doctor.host.early, which lives here, starts the login shell."""

    def __init__(self, func: Callable[[Host], object]) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Host | None, owner: type | None = None) -> object:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)  # then found before this descriptor
        return value


if not TYPE_CHECKING:
    cached_property = _Once

PROBE_TIMEOUT = 2.0
# the probes Host.prefetch starts, by how long they usually take to answer, quickest first: the
# engine runs the checks that wait on the slowest last, so each probe has the most time and
# what follows a long wait is short (the user's login shell can take half a second)
PROBES = ("containers", "images", "compose_version", "owners", "shell")


class Host:
    """Facts about this machine, each probed once per run, on first use."""

    def __init__(self, env: Mapping[str, str] | None = None, timeout: float = PROBE_TIMEOUT) -> None:
        self.env: Mapping[str, str] = dict(os.environ) if env is None else env
        self.timeout = timeout

    def prefetch(self, probe: str) -> None:
        """Start a slow probe early so it overlaps the rest of the run (see Check.prefetch).

        "shell": the login shell's PATH; "containers", "images": the engine's container and
        image lists (the request is sent now, the answer read when a check asks for it);
        "compose_version": `docker compose version`; "owners": the ownership scan's first walk on a
        project, which the command line started already where it could (doctor.host.owner_early):
        nothing to start here, the check that waits for it only runs after the others.
        """
        if probe == "shell":
            self.shell.start()
        elif probe in ("containers", "images"):
            from doctor.host.engine import CONTAINER_LIST, IMAGE_LIST

            self.engine.prefetch(CONTAINER_LIST if probe == "containers" else IMAGE_LIST)
        elif probe == "compose_version" and "compose_version" not in self.__dict__:
            from doctor.host import compose_probe

            compose_probe.start_deferred(self.env)  # usually started before the imports already

    @cached_property
    def context(self) -> ExecutionContext:
        """Where doctor runs: host, container, CI, WSL... with the signals that said so."""
        from doctor.host.context import detect_context

        return detect_context(self.env)

    @cached_property
    def parent_program(self) -> str:
        """The program that started doctor (`sh`, `make`, `bash`), "" where unknown (doctor.host.startup)."""
        from doctor.host.startup import parent_program

        return parent_program()

    @cached_property
    def platform(self) -> Platform:
        """Linux, macOS or WSL2: the few facts and commands that differ (doctor.host.platform)."""
        from doctor.host.platform import detect_platform

        return detect_platform(self.env)

    @cached_property
    def engine(self) -> EngineConnection:
        """The docker engine, found as the docker CLI finds it (never raises; may be unavailable)."""
        from doctor.host.engine import find_engine

        return find_engine(self.env, self.timeout)

    @cached_property
    def ports(self) -> PortProber:
        """Can a host port be bound right now, and who holds it if not."""
        from doctor.host.ports import PortProber

        return PortProber(self)

    @cached_property
    def shell(self) -> ShellPaths:
        """The inherited PATH and the login shell's PATH."""
        from doctor.host.shell import ShellPaths

        return ShellPaths(self.env, self.timeout)

    @cached_property
    def packages(self) -> InstalledPackages:
        """What the host's Python can import, read from its files (never by starting it)."""
        from doctor.host.interpreter import InstalledPackages

        return InstalledPackages(self.env)

    @cached_property
    def compose_version(self) -> tuple[int, int, int] | None:
        """The installed docker compose's version, None when it is absent (asked once per run)."""
        from doctor.host.facts import compose_version

        return compose_version(self.env, max(self.timeout, 5.0))

    @cached_property
    def compose_cli(self) -> tuple[str, ...]:
        """How compose runs here: `docker compose`, or `docker-compose` where that is the only one
        (read from PATH and the docker CLI's plugin folders, nothing run)."""
        from doctor.host.compose_cache import compose_cli

        return compose_cli(self.env)

    def image_tags(self) -> tuple[str, ...]:
        """Every `repo:tag` the engine has locally; Unavailable when the engine cannot be asked."""
        from doctor.host.facts import image_tags

        return image_tags(self.engine)

    def container_labels(self, container_id: str) -> Mapping[str, str]:
        """One container's labels; Unavailable when the engine cannot be asked."""
        from doctor.host.facts import container_labels

        return container_labels(self.engine, container_id)

    @cached_property
    def owners(self) -> OwnerProbe:
        """Who owns the project's files, and who should (one parallel walk per root)."""
        from doctor.host.owners import OwnerProbe

        return OwnerProbe(self.env)

    @cached_property
    def images(self) -> EngineImages:
        """Typed image, volume and platform facts of the engine (raise Unavailable when it is down)."""
        from doctor.host.images import EngineImages

        return EngineImages(self.engine)

    def listen_addresses(self, port: int) -> tuple[str, ...]:
        """The local addresses a TCP port is listened on (empty when nothing listens)."""
        listening = self._listening
        if listening is not None:
            return listening.get(port, ())
        from doctor.host.listeners import listen_addresses

        return listen_addresses(port)

    @cached_property
    def _listening(self) -> dict[int, tuple[str, ...]] | None:
        """Every listening TCP port's addresses, read once a run (doctor.host.listeners.listening)."""
        from doctor.host.listeners import listening

        return listening()

    def fence(self) -> None:
        """In the helper process of a preflight (doctor.forked), right after the fork: a check that
        reaches a probe the run started early (or that the run's own checks wait for: the login
        shell, the ownership walk, compose's version, the ports and the engine's lists it sent for)
        raises doctor.model.StartedProbe instead of reading what belongs to the run (a pipe, a
        process, a socket with the answer still unread) or starting it again."""
        kind = type(self)
        self.__class__ = type(f"Fenced{kind.__name__}", (kind,), dict(_FENCED))
        self.engine.fence()  # found before the fork where the run prefetched (nothing connects here)


def _started(name: str) -> property:
    def fenced(self: Host) -> object:
        from doctor.model import StartedProbe

        raise StartedProbe(name)

    return property(fenced, doc=f"{name}: the run's own (Host.fence)")


# what a fenced Host's class adds: properties, which come before what the run had cached in the
# instance before the fork (a subclass of the Host's own class, so that a test's Host keeps its ways)
_FENCED = {name: _started(name) for name in ("shell", "owners", "compose_version", "ports")}
