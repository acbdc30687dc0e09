"""How port-collision names a host process that holds a published port: where it sits, and its command.

The lead of a finding is our mapping's socket (`0.0.0.0:8094/tcp`); the holder's own address is named
when it is another (`is held on 127.0.0.1 by pid 41 ...`), so the reader sees why the two meet (on
Linux a listener on 127.0.0.1:P stops the engine's 0.0.0.0:P, never its 127.0.0.2:P). The address comes
from the socket table, or from `lsof`/`ss` where the table is hidden (macOS without root); where none
showed it, the message says so, never the address doctor's own probe failed to bind.
"""

from __future__ import annotations

from doctor.host.ports import BindFailure, HostSocket, ProcessHolder, ip_family, ips_overlap, normalize_ip

UNSEEN = "; doctor cannot see which address it holds"


def held_by(failures: tuple[BindFailure, ...], sock: HostSocket, holder: ProcessHolder, who: str) -> str:
    """`is held by {who}`, with where `holder` sits when that is not `sock`'s own address.

    `failures`: the binds of `sock` that failed (the engine binds `""` as 0.0.0.0 and [::]); a holder
    on the IPv6 loopback alone stops the [::] one: `is held on [::1] by ...`. A hidden process (pid
    None) is named with its address only where the socket table showed that.
    """
    blocked = [f.address for f in failures if f.in_use]
    shown = normalize_ip(sock.ip) or "0.0.0.0"
    ips = list(dict.fromkeys(normalize_ip(ip) for ip in holder.ips))
    # its sockets that stopped our binds; else all it has on the port (a dual-stack `::` stops 0.0.0.0 too)
    held = [ip for ip in ips if any(ips_overlap(ip, address) for address in blocked)] or ips
    if held:
        side = "" if shown in held else " on " + ", ".join(f"[{ip}]" if ":" in ip else ip for ip in held)
        return f"is held{side} by {who}"
    if holder.hidden:
        return f"is held by {who}"
    families = {ip_family(address) for address in blocked}
    other = families - {ip_family(shown)}
    # only the [::] bind of an all-interfaces mapping failed: that much is known, the address is not
    side = f" on the IPv{other.pop()} side" if other and len(families) == 1 else ""
    return f"is held{side} by {who}{UNSEEN}"


def shorten(cmdline: tuple[str, ...], width: int = 40) -> str:
    """The command line on one line, the program's directory dropped, cut to `width` characters
    between words."""
    if not cmdline:
        return ""
    from doctor.redact import clip

    text = " ".join(" ".join((cmdline[0].rsplit("/", 1)[-1], *cmdline[1:])).split())
    return clip(text, width)  # between words: a password among the arguments is whole (masked) or gone
