"""Differential test: our compose model against the real `docker compose config` (v2.40.3).

Runs on every fixture project in tests/projects/, compose-go's own fixtures, and every variant
of the shared corpus. Per enabled service it compares names, ports, volumes and environment,
plus the project name; where compose fails it asserts we report a Problem of the same class,
and where compose succeeds that we report none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from doctor.project import ProjectOptions
from doctor.project.compose import load_project
from doctor.project.types import ComposeModel, ProblemKind

HERE = Path(__file__).parent
PROJECTS = HERE / "projects"
SHARED = Path(os.environ.get("DOCTOR_SHARED", HERE.parent.parent / "shared"))
CGO = SHARED / "compose-go-fixtures"
CORPUS = SHARED / "corpus"

# Deliberate, documented differences from compose: none so far.
ALLOWED_DIFFERENCES: dict[str, str] = {}

# compose's error text -> the classes of Problem that match it (compare classes, not text)
MISSING_FILE = frozenset({ProblemKind.DISCOVERY, ProblemKind.UNREADABLE, ProblemKind.REFERENCE})
ERROR_CLASSES: tuple[tuple[str, ProblemKind | frozenset[ProblemKind]], ...] = (
    ("no configuration file", ProblemKind.DISCOVERY),
    ("Circular reference", ProblemKind.REFERENCE),
    ("couldn't find env file", ProblemKind.ENV_FILE),
    ("env file", ProblemKind.ENV_FILE),
    ("no such file or directory", MISSING_FILE),
    ("interpolat", ProblemKind.INTERPOLATION),
    ("required variable", ProblemKind.INTERPOLATION),
    ("already defined at line", ProblemKind.YAML),
    ("\nyaml:", ProblemKind.YAML),
    ("failed to parse", ProblemKind.YAML),
    ("undefined", ProblemKind.REFERENCE),
    ("cannot extend", ProblemKind.REFERENCE),
    ("include cycle", ProblemKind.REFERENCE),
    ("dependency cycle", ProblemKind.REFERENCE),
    ("conflicts with imported", ProblemKind.REFERENCE),
    ("already in use", ProblemKind.REFERENCE),
    ("", ProblemKind.SCHEMA),
)


@dataclass(frozen=True)
class Variant:
    """One way of running compose: files (-f, relative to cwd), cwd, env."""

    id: str
    cwd: Path
    files: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    expect_ok: bool | None = None
    source: Path | None = None  # a directory to copy to a temp dir first (the corpus)
    binds: tuple[Path, ...] = field(default=())


def _base_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root")}


def _project_variants() -> Iterator[Variant]:
    for case in sorted(p for p in PROJECTS.iterdir() if p.is_dir()) if PROJECTS.is_dir() else ():
        spec_file = case / "case.json"
        specs = json.loads(spec_file.read_text()) if spec_file.is_file() else [{}]
        for index, spec in enumerate(specs if isinstance(specs, list) else [specs]):
            yield Variant(f"projects/{case.name}#{index}", case / spec.get("cwd", "."),
                          tuple(spec.get("files", ())), tuple(sorted(spec.get("env", {}).items())),
                          spec.get("ok"))


CGO_CASES = (
    ("cli/testdata/simple", ()), ("cli/testdata/simple", ("compose-with-variables.yaml",)),
    ("cli/testdata/simple", ("compose.yaml", "compose-with-overrides.yaml")),
    ("cli/testdata/simple", ("compose-name.yaml",)), ("cli/testdata/simple", ("compose-with-paths.yaml",)),
    ("cli/testdata/env-file", ()), ("cli/testdata/env-file", ("compose-with-env-files.yaml",)),
    ("cli/testdata/UNNORMALIZED PATH", ()),
    ("loader/testdata", ("compose-test-extends.yaml",)), ("loader/testdata", ("compose-include.yaml",)),
    ("loader/testdata", ("compose-include-cycle.yaml",)), ("loader/testdata", ("empty.yaml",)),
    ("loader/testdata", ("compose-test-with-version.yaml",)),
    ("loader/testdata", ("compose-depends-on-self.yaml",)),
    ("loader/testdata", ("compose-test-extends-with-context-url.yaml",)),
    ("loader/testdata/combined", ()), ("loader/testdata/include", ()),
    ("loader/testdata/include", ("project-directory.yaml",)),
    ("loader/testdata/extends", ("base.yaml",)), ("loader/testdata/extends", ("nested.yaml",)),
    ("loader/testdata/extends", ("sibling.yaml",)), ("loader/testdata/extends", ("ports.yaml",)),
    ("loader/testdata/extends", ("depends_on.yaml",)), ("loader/testdata/extends", ("interpolated.yaml",)),
    ("loader/testdata/extends", ("reset.yaml",)), ("loader/testdata/extends/withdir", ()),
    ("loader/testdata/remote", ()),
)


def _cgo_variants() -> Iterator[Variant]:
    if not CGO.is_dir():
        return
    for directory, files in CGO_CASES:
        yield Variant(f"compose-go/{directory}:{','.join(files) or 'default'}", CGO / directory, files)
    env_dir = CGO / "cli/testdata/env-file"
    yield Variant("compose-go/env-file:COMPOSE_FILE=env-files", env_dir,
                  env=(("COMPOSE_FILE", "compose-with-env-files.yaml"), ("PORT", "9000")))
    types_dir = CGO / "types/fixtures"
    yield Variant("compose-go/types-fixtures:env_file-layering", PROJECTS / "env-file-layering",
                  env=(("FIXTURES", str(types_dir)),))


def _corpus_variants() -> Iterator[Variant]:
    variants_file = CORPUS / "variants.json"
    if not variants_file.is_file():
        return
    for item in json.loads(variants_file.read_text()):
        slug = CORPUS / item["slug"]
        tsv = slug / f"bind-sources.{item['variant']}.tsv"
        if not tsv.is_file():
            tsv = slug / "bind-sources.tsv"
        binds: list[Path] = []
        if tsv.is_file():
            for line in tsv.read_text().splitlines():
                parts = line.split("\t")
                if len(parts) >= 2 and parts[1] in ("file", "dir"):
                    binds.append(Path(parts[0] + ("/" if parts[1] == "dir" else "")))
        where = "" if item["dir"] == "." else f"/{item['dir']}"
        yield Variant(f"corpus/{item['slug']}{where}:{item['variant']}", Path(item["dir"]),
                      tuple(item["files"]) if item["explicit_files"] else (),
                      tuple(sorted(item["env"].items())), item["config_ok"], slug, tuple(binds))


VARIANTS = [*_project_variants(), *_cgo_variants(), *_corpus_variants()]


@dataclass
class Run:
    """The prepared directory of a variant and compose's answer there."""

    cwd: Path
    env: dict[str, str]
    rc: int
    stdout: str
    stderr: str


def _prepare(variant: Variant, tmp: Path) -> tuple[Path, dict[str, str]]:
    cwd = variant.cwd
    if variant.source is not None:
        root = tmp / variant.source.name
        if not root.exists():
            shutil.copytree(variant.source, root, symlinks=True)
            os.chmod(root, 0o755)
            for path in root.rglob("*"):
                if not path.is_symlink():
                    path.chmod(0o755 if path.is_dir() else 0o644)
        cwd = root / variant.cwd
        for bind in variant.binds:
            target = cwd / bind
            try:
                if str(bind).endswith("/") or bind.name == "":
                    target.mkdir(parents=True, exist_ok=True)
                elif not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.touch()
            except OSError:
                pass
    return cwd, {**_base_env(), **dict(variant.env)}


def _compose(compose_bin: str, variant: Variant, cwd: Path, env: dict[str, str]) -> Run:
    args = [compose_bin]
    for file in variant.files:
        args += ["-f", file]
    done = subprocess.run([*args, "config", "--format", "json"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)
    return Run(cwd, env, done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def compose_runs(compose_bin: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """compose's answer for every variant, computed once per session, in parallel."""
    tmp = tmp_path_factory.mktemp("differential")
    prepared = {v.id: _prepare(v, tmp) for v in VARIANTS}
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {v.id: pool.submit(_compose, compose_bin, v, *prepared[v.id]) for v in VARIANTS}
        return {key: future.result() for key, future in futures.items()}


def _ours(model: ComposeModel) -> dict[str, Any]:
    services = {}
    for name, service in model.services.items():
        services[name] = {
            "ports": [(p.target, p.published, p.host_ip, p.protocol) for p in service.ports],
            "volumes": [(m.type, m.source, m.target, m.read_only) for m in service.volumes],
            "environment": {k: v.value for k, v in service.environment.items()},
            "build": (service.build.context, service.build.dockerfile) if service.build else None,
            "networks": {n: sorted(net.aliases) for n, net in service.networks.items()},
            "names": (service.container_name, service.hostname, service.network_mode),
        }
    return {"name": model.project_name, "services": services}


def _unescape(value: Any) -> Any:
    return value.replace("$$", "$") if isinstance(value, str) else value


def _theirs(config: dict[str, Any]) -> dict[str, Any]:
    services = {}
    for name, service in config.get("services", {}).items():
        environment = service.get("environment") or {}
        services[name] = {
            "ports": [(p["target"], p.get("published"), p.get("host_ip", ""), p.get("protocol", "tcp"))
                      for p in service.get("ports") or ()],
            "volumes": [
                (v["type"], _unescape(v.get("source")), _unescape(v["target"]), v.get("read_only", False))
                for v in service.get("volumes") or ()
            ],
            "environment": {_unescape(k): _unescape(v) for k, v in environment.items()},
            "build": (service["build"]["context"], service["build"].get("dockerfile", "Dockerfile"))
            if "build" in service else None,
            "networks": {n: sorted((v or {}).get("aliases") or ()) for n, v in (service.get("networks") or {}).items()},
            "names": (service.get("container_name"), service.get("hostname"), service.get("network_mode")),
        }
    return {"name": config["name"], "services": services}


def _error_class(stderr: str) -> frozenset[ProblemKind]:
    lines = [line for line in stderr.splitlines() if line.strip() and "level=warning" not in line]
    text = "\n" + "\n".join(lines)
    for needle, kind in ERROR_CLASSES:
        if needle in text:
            return kind if isinstance(kind, frozenset) else frozenset({kind})
    return frozenset({ProblemKind.SCHEMA})


@pytest.mark.compose
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_matches_compose(variant: Variant, compose_runs: dict[str, Run]) -> None:
    if variant.id in ALLOWED_DIFFERENCES:
        pytest.skip(ALLOWED_DIFFERENCES[variant.id])
    run = compose_runs[variant.id]
    files = tuple(Path(f) for f in variant.files)
    model = load_project(ProjectOptions(path=run.cwd, files=files, env=run.env))
    if variant.expect_ok is not None:
        assert (run.rc == 0) == variant.expect_ok, f"compose itself changed its mind: {run.stderr}"
    if run.rc != 0:
        kinds = {p.kind for p in model.problems}
        expected = _error_class(run.stderr)
        assert model.problems, f"compose failed but we found no problem: {run.stderr}"
        assert expected & kinds, f"compose: {run.stderr.strip()}\nours: {model.problems}"
        for problem in model.problems:
            assert problem.location is not None, problem
        return
    assert not model.problems, f"compose accepted this, we reported {model.problems}"
    assert _ours(model) == _theirs(json.loads(run.stdout))


def test_shared_fixtures_are_there(shared_dir: Path) -> None:
    """Without shared/ the compose-go and corpus variants silently vanish: make that visible."""
    assert (shared_dir / "compose-go-fixtures").resolve() == CGO.resolve()
    assert CGO.is_dir() and (CORPUS / "variants.json").is_file()
    assert sum(v.id.startswith("corpus/") for v in VARIANTS) == len(json.loads((CORPUS / "variants.json").read_text()))
