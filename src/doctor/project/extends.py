"""`extends`: a service built on another, from the same file or another one (compose-go extends.go).

The base comes first and the local definition merges on top with the override rules (so ports
add up). A base from another file is read with its own directory as the base of its relative
paths; `file:` itself resolves against the scope's base directory, as compose's resource
loader does. `!reset`/`!override` paths of the extending files apply to the base.
"""

from __future__ import annotations

from pathlib import Path

from doctor.project.goscalar import stringify
from doctor.project.inputs import probed
from doctor.project.merge import delete_paths, merge_service
from doctor.project.reading import file_or_unreachable
from doctor.project.service import Canonicalizer
from doctor.project.types import ProblemKind
from doctor.project.volumes import resolve_source
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.assemble import Assembler, Scope, TagPaths


class _Source:
    """The services of one file, raw (interpolated) and canonicalized on demand."""

    def __init__(self, path: Path, base: Path, raw: YMap | None, done: YMap, tags: TagPaths) -> None:
        self.path = path
        self.base = base
        self.raw = raw
        self.done = done
        self.tags = tags
        self.in_progress: set[str] = set()


class Extender:
    """Applies `extends` to every service of one document."""

    def __init__(self, assembler: Assembler, path: Path, scope: Scope, services: YMap,
                 tags: TagPaths) -> None:
        self.assembler = assembler
        self.scope = scope
        self.home = assembler.home
        self.top = _Source(path, scope.base, None, services, tags)
        self.files: dict[Path, _Source | None] = {}
        self.stack: list[tuple[Path, str]] = []
        self.failed: set[tuple[Path, str]] = set()  # (file, service) whose extends failed, or its base's did

    def apply_all(self) -> None:
        for name in list(self.top.done):
            self.resolve(self.top, name, [self.top.tags])
        # compose stops at the failed extends: the image or build its base was to bring is not missing
        # besides (consistency.check_consistency does not say "neither an image nor a build" for these)
        self.assembler.failed_extends.update(name for path, name in self.failed if path == self.top.path)

    def resolve(self, source: _Source, name: str, post: list[TagPaths]) -> YMap | None:
        """The service with its extends chain applied (cached in source.done). The chain is walked down
        to its first service without `extends` (or to a failed link), then merged back up: a loop, not
        a recursion, so a chain of 2000 services is no RecursionError."""
        links: list[tuple[_Source, str, YMap, list[TagPaths], tuple[Path, str]]] = []  # (.., the base's key)
        on_chain: set[tuple[Path, str]] = set()
        while True:
            service = self.service(source, name)
            if service is None or "extends" not in service:
                break
            extends = service["extends"]
            location = service.loc_of("extends")
            ref, file = (extends, None) if isinstance(extends, str) else (
                (stringify(extends.get("service") or ""), extends.get("file")) if isinstance(extends, YMap)
                else ("", None))
            key = (source.path, name)
            if key in on_chain:
                chain = " -> ".join(n for _, n in [*self.stack, key])
                self.assembler.problem(ProblemKind.REFERENCE, f"extends cycle: {chain}", location)
                service = self._without_extends(source, name, service)
                break
            base_source = source
            if file is not None:
                found = self.file_source(stringify(file), source)
                if found is None:
                    message = f"cannot read extended file {stringify(file)!r}"
                    self.assembler.problem(ProblemKind.REFERENCE, message, location)
                    service = self._without_extends(source, name, service)
                    break
                base_source = found
            known = ref in base_source.done or (base_source.raw is not None and ref in base_source.raw)
            if not ref or not known:
                where = "" if file is None else f" in {stringify(file)}"
                message = f"cannot extend service {name!r}: service {ref!r} not found{where}"
                self.assembler.problem(ProblemKind.REFERENCE, message, location)
                service = self._without_extends(source, name, service)
                break
            self.stack.append(key)
            on_chain.add(key)
            links.append((source, name, service, post, (base_source.path, ref)))
            post = post if base_source is source else [*post, base_source.tags]
            source, name = base_source, ref
        del self.stack[len(self.stack) - len(links):]
        if links and links[0][0] is self.top:
            self._validate(links[0][1], [*((link[0], link[1], link[2]) for link in links), (source, name, service)])
        base = service
        for source, name, service, post, below in reversed(links):
            base = self._merged(source, name, service, post, base, below)
        return base

    def _validate(self, top: str, chain: list[tuple[_Source, str, YMap | None]]) -> None:
        """compose validates the service merged from another file's base as the extending one
        (`'services[web].mem_limit' invalid size: 'lots'` for base.yaml's line): each base of the chain
        from another file, less what the services above it set, judged by the schema at its own lines."""
        from doctor.project.schema import Validation

        above: list[YMap] = []
        for source, name, service in chain:
            raw = source.raw.get(name) if source is not self.top and source.raw is not None else None
            if isinstance(raw, YMap):
                document = YMap(raw.loc)
                document["services"] = YMap(raw.loc)
                document["services"][top] = _unset(raw, above)
                for problem in Validation().add(document):
                    where = (problem.location, problem.message.replace(top, "", 1))
                    theirs = problem.location is not None and problem.location.path != source.path
                    if problem.kind is ProblemKind.SCHEMA and not theirs and where not in self.assembler.extends_seen:
                        self.assembler.extends_seen.add(where)
                        self.assembler.problems.append(problem)
            if service is not None:
                above.append(service)

    def _merged(self, source: _Source, name: str, service: YMap, post: list[TagPaths], base: YMap | None,
                below: tuple[Path, str]) -> YMap:
        """`name` of `source` merged on top of its resolved `base` (the service `below` names)."""
        key = (source.path, name)
        if base is None:
            return self._without_extends(source, name, service)
        if below in self.failed:  # `chained: {extends: worker}`, worker's own extends failed
            self.failed.add(key)
        copy = merge_service(base, YMap())
        wrapper = YMap()
        wrapper["services"] = {name: copy}
        for paths in post:
            delete_paths(wrapper, (p for p, _ in paths))
        copy = wrapper["services"].get(name, YMap())
        merged = merge_service(copy, service)
        merged.pop("extends", None)
        merged.loc = service.loc
        source.done[name] = merged
        return merged

    def service(self, source: _Source, name: str) -> YMap | None:
        if name in source.done:
            found = source.done[name]
            return found if isinstance(found, YMap) else None
        if source.raw is None or name not in source.raw:
            return None
        canon = Canonicalizer(source.base, self.home, [])  # a base file is not validated as a whole
        converted = canon.service(name, source.raw[name], source.raw.loc_of(name))
        if converted is not None:
            source.done[name] = converted
        return converted

    def _without_extends(self, source: _Source, name: str, service: YMap) -> YMap:
        self.failed.add((source.path, name))
        service.pop("extends", None)
        source.done[name] = service
        return service

    def file_source(self, file: str, source: _Source) -> _Source | None:
        path = Path(resolve_source(file, source.base, self.home))
        if path not in self.files:
            probed(path)
            loaded = self.assembler.load_service_file(path, self.scope) if file_or_unreachable(path) else None
            self.files[path] = (None if loaded is None
                                else _Source(path, path.parent, loaded[0], YMap(), loaded[1]))
        return self.files[path]



def _unset(raw: YMap, above: list[YMap], path: tuple[str, ...] = ()) -> YMap:
    """The base service less what the services extending it set: a mapping both hold merges key by key
    (but an entry of `ulimits`, and `logging` for another driver, is replaced whole), a list adds up
    (ports), any other value of theirs replaces the base's. Inside a nested mapping a value they replace
    stays as theirs, at their line (which _validate leaves to their own file's validation): compose
    judges the merged mapping, so `ulimits: {nofile: {soft: 1024, hard: 4096}}` replaced is no `nofile`
    lacking `soft` and `hard`, and `provider: {type: ...}` keeps its `type`. A service's own keys need
    no stand-in: none is required."""
    out = YMap(raw.loc)
    out.locs = dict(raw.locs)
    for key, value in raw.items():
        over = [item for item in above if isinstance(item, dict) and item.get(key) is not None]
        if key == "extends" and not path:
            continue
        if (over and isinstance(value, YMap) and all(isinstance(item[key], dict) for item in over)
                and not _replaced((*path, key), value, [item[key] for item in over])):
            out[key] = _unset(value, [item[key] for item in over], (*path, key))
        elif over and (isinstance(value, YMap) or not isinstance(value, YList)):
            if path and _plain(over[0][key]):
                out[key] = over[0][key]
                location = over[0].loc_of(key) if isinstance(over[0], YMap) else None
                if location is not None:
                    out.locs[key] = location
                else:
                    out.locs.pop(key, None)
        else:
            out[key] = value
    return out


def _replaced(path: tuple[str, ...], value: YMap, over: list[dict[str, object]]) -> bool:
    """compose-go's override.Merge replaces these mappings rather than merging them (checked on v2.40.3:
    a base's `nofile: {..., bogus: 1}` or `logging: {driver: json-file, bogus: 1}` under another
    driver is no violation once replaced)."""
    if len(path) == 2 and path[0] == "ulimits":
        return True
    if path == ("logging",):
        drivers = {value.get("driver"), *(item.get("driver") for item in over)} - {None}
        return len(drivers) > 1
    return False


def _plain(value: object) -> bool:
    """Whether a value is YAML data the schema can judge (not a canonical record such as an EnvVar)."""
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return value is None or isinstance(value, (str, int, float, bool))
