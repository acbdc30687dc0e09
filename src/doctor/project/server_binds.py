"""Where a server run in a container listens: one told to listen on localhost there listens on the
container's own, which a published port never reaches (host-vs-container's advice and `doctor exec` move
it to 0.0.0.0)."""

from __future__ import annotations

LOCAL_BIND = frozenset({"localhost", "127.0.0.1", "::1"})
BIND_FLAGS = frozenset({"--host", "--bind", "-b", "-H"})


def every_interface(words: list[str]) -> list[str]:
    """A server's words with a `--host`/`--bind`/`-b` of localhost (`--host=127.0.0.1`, `-b localhost:8000`)
    listening on 0.0.0.0 instead, as a server in a container must for a published port to reach it."""
    def anywhere(value: str) -> str | None:  # `localhost:8000` -> `0.0.0.0:8000`; None: not a local address
        host, colon, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
        return f"0.0.0.0{colon}{port}" if host in LOCAL_BIND else None

    out = list(words)
    for at, word in enumerate(out):
        flag, equals, value = word.partition("=")
        if flag in BIND_FLAGS and equals and (moved := anywhere(value)) is not None:
            out[at] = f"{flag}={moved}"
        elif word in BIND_FLAGS and at + 1 < len(out) and (moved := anywhere(out[at + 1])) is not None:
            out[at + 1] = moved
    return out
