"""A project's own dotted names, and the dotted hosts that drift from them.

A dotted host is most often a public name (`api.github.com`, `s3.amazonaws.com`), which no
compose name can judge. But a project may name its services in a dotted style of its own:
openedx/devstack gives every peer a network alias `edx.devstack.<service>` and its services dial
those (`DB_HOST: edx.devstack.mysql80`). A host written in that style whose labels but the last
are those of one of the project's own names, and whose last label is close to that name's
(`edx.devstack.mysql`, its name before the MySQL 8 upgrade), is a drifted compose name, not DNS.
"""

from __future__ import annotations

from collections.abc import Iterable

from doctor.project.host_suggestions import CUTOFF, NameGroup


class DottedNames:
    """The project's dotted names (aliases, container names, hostnames, service names), by their
    labels but the last: `edx.devstack` -> {`mysql80`: `edx.devstack.mysql80`, ...}.

    A stem of up to EXACT names has them all compared with a drifted last label; a bigger one only
    its NameGroup neighbours (in name and reversed-name order): every name for every drifted host
    was quadratic in services.
    """

    EXACT = 256

    def __init__(self, names: Iterable[str]) -> None:
        self.by_stem: dict[str, dict[str, str]] = {}
        for name in names:
            stem, dot, last = name.lower().rpartition(".")
            if dot and stem and last:
                self.by_stem.setdefault(stem, {}).setdefault(last, name)
        self._groups: dict[str, NameGroup] = {}

    def twin(self, host: str) -> str | None:
        """The project's own dotted name `host` drifts from (`edx.devstack.mysql80` for
        `edx.devstack.mysql`): the same labels but the last, and the closest last label alike
        enough; None for a host that is one of them, or a dotted host in no style of the project's."""
        stem, dot, last = host.lower().rpartition(".")
        lasts = self.by_stem.get(stem) if dot and stem and last else None
        if not lasts or last in lasts:
            return None
        import difflib  # here: only a dotted host in the project's own style needs it

        if len(lasts) <= self.EXACT:
            candidates = list(lasts)
        else:
            if stem not in self._groups:
                self._groups[stem] = NameGroup(list(lasts))
            candidates = self._groups[stem].near(last, "")
        close = difflib.get_close_matches(last, candidates, n=1, cutoff=CUTOFF)
        return lasts[close[0]] if close else None
