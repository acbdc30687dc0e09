"""Which Docker Engine (moby) release answers: behaviour that changed between releases is judged by it."""

from __future__ import annotations

from doctor.model import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host.engine import EngineConnection


@record
class EngineRelease:
    """A Docker Engine's version as `/info` says it (`20.10.24+dfsg1`), and its (major, minor)."""

    text: str
    major: int
    minor: int

    def before(self, major: int, minor: int = 0) -> bool:
        return (self.major, self.minor) < (major, minor)


def moby_release(engine: EngineConnection) -> EngineRelease | None:
    """The engine's release when it is Docker Engine (moby), from the `/info` doctor reads anyway.

    None for podman's docker-compatible API (its ServerVersion counts podman's own releases) and
    for a version that is not numbered (a build from source). Raises Unavailable when the engine
    does not answer.
    """
    info = engine.info
    if "BuildahVersion" in info:  # a field only podman's /info has
        return None
    text = str(info.get("ServerVersion") or "")
    major, _, rest = text.lstrip("v").partition(".")
    minor = ""
    for char in rest:  # `10.24+dfsg1` -> `10`, without a regex (a lazy() pattern is shipped precompiled)
        if not char.isdecimal():
            break
        minor += char
    if not (major.isdecimal() and major.isascii() and minor.isascii() and minor):
        return None
    return EngineRelease(text, int(major), int(minor))
