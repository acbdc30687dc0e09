"""The per-file pipeline of compose-go's loadYamlModel: parse, interpolate, include, extends, merge.

Each YAML document is processed on its own: `!reset` keys dropped, strings interpolated,
services canonicalized (relative paths against the scope's base directory), `include`
imported, `extends` applied, then it is merged onto what the earlier documents built, after
deleting what its `!reset`/`!override` tags name. Faults become Problems; the rest loads.
"""

from __future__ import annotations

from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, field, record
from doctor.project import schema
from doctor.project.extends import Extender
from doctor.project.filetree import Interpolation
from doctor.project.include import apply_include
from doctor.project.inputs import probed
from doctor.project.interpolate import Rescans
from doctor.project.merge import delete_paths, merge_resources, merge_service
from doctor.project.service import Canonicalizer
from doctor.project.types import Problem, ProblemKind, VariableUse
from doctor.project.yamlload import RESET, YamlError, YMap, load_documents

TOP_KEYS = frozenset({"version", "name", "include", "services", "models", "networks", "volumes", "secrets",
                      "configs"})
RESOURCES = ("networks", "volumes", "secrets", "configs", "models")
NAME = lazy(r"^[a-zA-Z0-9._-]+$")
TagPaths = list[tuple[tuple[str, ...], str]]


@record
class Scope:
    """Where a document is loaded: its base directory for relative paths and its environment."""

    base: Path
    env: dict[str, str]
    included: tuple[Path, ...] = ()
    # the env files `include` entries read for this document, the one that wins a key first (an
    # includer's over the file it includes, a later env_file over an earlier): where a value the
    # project's own interpolation does not set comes from
    env_files: tuple[Path, ...] = ()


@record(frozen=False)
class Parsed:
    """A file's documents (None when unreadable) and its tag paths, as written (never changed after parsing)."""

    docs: list[YMap | None] | None
    tags: TagPaths = field(default_factory=list)


class Assembler:
    """Loads compose files into one canonical model, collecting problems and variable uses."""

    def __init__(self, home: str | None, parsed: dict[Path, Parsed] | None = None) -> None:
        self.home = home
        self.problems: list[Problem] = []
        self.shapes: list[Problem] = []
        self.validation = schema.Validation()
        self.uses: list[VariableUse] = []
        self.rescans = Rescans()  # what all the files' nested `${` may be read again (interpolate.MAX_RESCAN)
        self.failed_extends: set[str] = set()  # the services whose `extends:` failed (doctor.project.extends)
        # the faults of `extends: file:` bases reported so far: (location, message less the service's name)
        self.extends_seen: set[tuple[Location | None, str]] = set()
        self.extended_files: set[Path] = set()  # the files read for `extends:`, their whole-file faults reported
        # included compose file -> Scope.env_files of its include (doctor.project.edits.interpolated_at)
        self.include_env: dict[Path, tuple[Path, ...]] = {}
        # every file's parse, kept as written: the project shares it with the checks that read files
        self._parsed: dict[Path, Parsed] = {} if parsed is None else parsed

    def problem(self, kind: ProblemKind, message: str, location: Location | None) -> None:
        self.problems.append(Problem(kind, message, location))

    def shape(self, message: str, location: Location | None) -> None:
        """A shape fault compose-spec's schema also reports: kept only when the schema cannot run."""
        self.shapes.append(Problem(ProblemKind.SCHEMA, message, location))

    def finish(self) -> list[Problem]:
        """Every problem: the schema's verdict on shapes, or the hand-written one without jsonschema."""
        return self.problems if schema.available() else [*self.problems, *self.shapes]

    def parse(self, path: Path) -> Parsed:
        """The file's documents, parsed once; faults reported once."""
        if path in self._parsed:
            return self._parsed[path]
        parsed = Parsed(None)
        probed(path)
        try:
            if not path.is_file():
                self._not_a_file(path)
                self._parsed[path] = parsed
                return parsed
            docs, tags = load_documents(path)
            parsed = Parsed(docs, tags)
            if not any(doc is not None for doc in docs):
                self.problem(ProblemKind.SCHEMA, "empty compose file", Location(path, 1))
        except YamlError as exc:
            self.problem(ProblemKind.YAML, exc.message, Location(path, exc.line))
        except RecursionError:
            self.problem(ProblemKind.YAML, "yaml: document nested too deeply", Location(path))
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            self.problem(ProblemKind.UNREADABLE, f"cannot read compose file: {reason}", Location(path))
        self._parsed[path] = parsed
        return parsed

    def _not_a_file(self, path: Path) -> None:
        if path.is_symlink() and not path.exists():
            self.problem(ProblemKind.UNREADABLE, f"compose file {str(path)!r} is a dangling symlink or a "
                         "symlink loop", Location(path))
        elif not path.exists():
            self.problem(ProblemKind.DISCOVERY, f"compose file {str(path)!r} not found", Location(path))
        else:
            # a directory or a FIFO (reading a FIFO would block forever)
            self.problem(ProblemKind.UNREADABLE, f"compose file {str(path)!r} is not a regular file",
                         Location(path))

    def interpolation(self, scope: Scope) -> Interpolation:
        found = Interpolation(scope.env.get)
        found.uses = self.uses
        found.problems = self.problems
        found.rescans = self.rescans
        return found

    def load_files(self, files: list[Path], scope: Scope) -> YMap:
        """Every document of every file merged in order, like compose's -f list."""
        model = YMap()
        for path in files:
            parsed = self.parse(path)
            for doc in parsed.docs or ():
                if doc is not None:
                    model = self.merge_doc(model, self.load_doc(doc, path, scope, parsed.tags), parsed.tags)
        return model

    def merge_doc(self, model: YMap, doc: YMap, tags: TagPaths) -> YMap:
        delete_paths(model, (path for path, _ in tags))
        for key, value in doc.items():
            loc = doc.loc_of(key)
            if loc is not None:
                model.locs[key] = loc
            if key == "services" and isinstance(model.get(key), YMap):
                merged = YMap(model[key].loc)
                merged.locs = dict(model[key].locs)
                merged.update(model[key])
                for name, service in value.items():
                    old = merged.get(name)
                    merged[name] = merge_service(old, service) if isinstance(old, YMap) else service
                    if name not in merged.locs:
                        merged.locs[name] = value.locs[name]
                model[key] = merged
            elif key in RESOURCES and isinstance(model.get(key), YMap) and isinstance(value, YMap):
                model[key] = merge_resources(model[key], value)
            else:
                model[key] = value
        return model

    def load_doc(self, raw: YMap, path: Path, scope: Scope, tags: TagPaths) -> YMap:
        """One document: interpolated, canonical, includes imported, extends applied."""
        for key in raw:  # the file as parsed is shared (features read it as written): never changed here
            if key not in TOP_KEYS and not key.startswith("x-") and raw.tags.get(key) != RESET:
                self.shape(f"additional properties '{key}' not allowed",
                             raw.loc_of(key))
        doc: YMap = self.interpolation(scope).tree(raw, "", raw.loc)
        self.problems.extend(self.validation.add(doc))
        services_raw = doc.get("services")
        services = YMap(doc.loc_of("services"))
        if isinstance(services_raw, YMap):
            services.locs = dict(services_raw.locs)
            canon = Canonicalizer(scope.base, self.home, self.problems, self.shapes)
            for name, value in services_raw.items():
                if not NAME.match(name):
                    self.shape(f"services additional properties {name!r} not allowed "
                                 "(names use only [a-zA-Z0-9._-])", services_raw.loc_of(name))
                    continue
                converted = canon.service(name, value, services_raw.loc_of(name))
                if converted is not None:
                    services[name] = converted
        elif services_raw is not None:
            self.shape("services must be a mapping", doc.loc_of("services"))
        for key in RESOURCES:
            if key in doc and doc[key] is not None and not isinstance(doc[key], YMap):
                self.shape(f"{key} must be a mapping", doc.loc_of(key))
                del doc[key]
            for name in list(doc.get(key) or ()):
                if not NAME.match(name):
                    self.shape(f"{key} additional properties {name!r} not allowed "
                                 "(names use only [a-zA-Z0-9._-])", doc[key].loc_of(name))
                    del doc[key][name]
        doc["services"] = services
        if "include" in doc:
            apply_include(self, doc, scope)
        Extender(self, path, scope, services, tags).apply_all()
        return doc

    def load_service_file(self, path: Path, scope: Scope) -> tuple[YMap, TagPaths] | None:
        """A file read for `extends`: interpolated, not included/extended/validated, save what compose
        checks in the whole file (its typed fields cast, its ports parsed, every service's)."""
        parsed = self.parse(path)
        if parsed.docs is None:
            return None
        services = YMap()
        for doc in parsed.docs:
            if doc is None:
                continue
            raw = doc.get("services") if doc.tags.get("services") != RESET else None
            value = self.interpolation(scope).tree(raw, "services", doc.loc_of("services"))
            if isinstance(value, YMap):
                for name, item in value.items():
                    services[name] = item
                    services.locs[name] = value.loc_of(name) or Location(path)
        if path not in self.extended_files:
            self.extended_files.add(path)
            self._base_file_faults(path, services)
        return services, parsed.tags

    def _base_file_faults(self, path: Path, services: YMap) -> None:
        """compose-go casts the typed fields of a whole `extends` file and parses all its ports, used or not
        (`error while interpolating services.other.cpus: ...`, `invalid hostPort: 80000`)."""
        from doctor.project.schema_casts import _Plain
        from doctor.project.yamlload import YList

        document = YMap(services.loc)
        document["services"] = services
        plain = _Plain()
        plain.convert(document, (), document.loc)
        self.problems.extend(plain.problems)
        canon = Canonicalizer(path.parent, self.home, self.problems)
        for service in services.values():
            if isinstance(service, YMap) and isinstance(service.get("ports"), YList):
                canon.ports(service["ports"])

