"""The generated compose-spec validator (project/spec/compose_spec_validator.py) against jsonschema.

schema.Validation asks the generated validator first, and only about what a file changed while
everything before was valid; jsonschema runs only once that says "invalid". These tests hold it
to two promises: its verdict is jsonschema's on every fixture project (tests/cases, examples,
tests/projects, loader mutations, and with ../shared the corpus and compose-go's fixtures), and
the problems a load reports are exactly those of the old algorithm (jsonschema on the whole
merged mapping after every file). The generated file must match compose-spec.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loader_mutations import mutate

from doctor.project import ProjectOptions, schema, schema_messages
from doctor.project.compose import load_project
from doctor.project.spec import compose_spec_validator, generate
from doctor.project.types import Problem
from doctor.project.yamlload import YMap

REPO = Path(__file__).resolve().parent.parent
LOCAL_ROOTS = (REPO / "tests" / "cases", REPO / "examples", REPO / "tests" / "projects")
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
MUTATION_SEEDS = range(300)


def test_the_generated_validator_is_current() -> None:
    written = generate.TARGET.read_text(encoding="utf-8")
    assert written == generate.render(generate.SCHEMA.read_text(encoding="utf-8")), (
        "compose_spec_validator.py is stale: run `python -m doctor.project.spec.generate`")


def test_the_generated_validator_names_the_vendored_schema() -> None:
    digest = hashlib.sha256(generate.SCHEMA.read_bytes()).hexdigest()
    assert digest == compose_spec_validator.SCHEMA_SHA256, "run `python -m doctor.project.spec.generate`"
    assert compose_spec_validator.SECTIONS == ("services", "models", "networks", "volumes", "secrets", "configs")


def test_a_root_that_judges_keys_together_is_refused() -> None:
    spec = json.loads(generate.SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(SystemExit, match="minProperties"):
        generate.sections({**spec, "minProperties": 1})
    spec["properties"]["services"] = {**spec["properties"]["services"], "maxProperties": 3}
    assert "services" not in generate.sections(spec)  # judged whole, never entry by entry


def test_a_valid_project_imports_neither_jsonschema_nor_fastjsonschema() -> None:
    code = ("import sys\nsys.modules['fastjsonschema'] = None\nfrom pathlib import Path\n"
            "from doctor.project import ProjectOptions\nfrom doctor.project.compose import load_project\n"
            f"model = load_project(ProjectOptions(Path({str(REPO / 'examples' / 'clean-stack')!r})))\n"
            "assert not model.problems, model.problems\n"
            "print(sorted(m for m, v in sys.modules.items() if 'jsonschema' in m and v is not None))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_invalid_project_gets_jsonschema_messages(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n    ports: 80\n    bogus: 1\n")
    messages = sorted(p.message for p in load_project(ProjectOptions(tmp_path)).problems)
    assert messages == ["services.web additional properties 'bogus' not allowed", "services.web.ports must be a array"]


def test_formats_are_those_of_jsonschema_setup() -> None:
    assert schema._FORMATS["duration"]("1m30s") and not schema._FORMATS["duration"]("5")
    assert schema._FORMATS["uri"]("not a uri")  # jsonschema's FormatChecker here checks duration only


# -- every fixture project: the generated verdict is jsonschema's, the problems are the old algorithm's


def _local_projects() -> Iterator[tuple[str, ProjectOptions]]:
    for root in LOCAL_ROOTS:
        for directory in sorted({p.parent for p in root.rglob("*.y*ml") if "compose" in p.name}):
            rel = directory.relative_to(REPO)
            if any((directory / name).is_file() for name in COMPOSE_NAMES):
                yield str(rel), ProjectOptions(directory, env=_env())
            for file in sorted(directory.glob("*.y*ml")):
                if "compose" in file.name:
                    yield f"{rel}/{file.name}", ProjectOptions(directory, files=(file,), env=_env())


def _shared_projects(shared: Path) -> Iterator[tuple[str, ProjectOptions]]:
    corpus = shared / "corpus"
    variants = json.loads((corpus / "variants.json").read_text()) if (corpus / "variants.json").is_file() else []
    for item in variants:
        cwd = corpus / item["slug"] / item["dir"]
        files = tuple(cwd / f for f in item["files"]) if item["explicit_files"] else ()
        yield f"corpus/{item['slug']}:{item['variant']}", ProjectOptions(cwd, files=files,
                                                                           env={**_env(), **item["env"]})
    fixtures = shared / "compose-go-fixtures"
    for file in sorted(fixtures.rglob("*.y*ml")):
        yield str(file.relative_to(shared)), ProjectOptions(file.parent, files=(file,), env=_env())


def _env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent-home"}


class FullValidation(schema.Validation):
    """The algorithm before the generated validator: jsonschema on the whole merged mapping after each file."""

    def add(self, document: YMap) -> list[Problem]:
        before = len(self.plain.problems)
        instance = self.plain.convert(document, (), document.loc)
        problems = self.plain.problems[before:]
        if isinstance(instance, dict) and "include" in instance and instance["include"] is None:
            del instance["include"]
        self.merged = schema._merge(self.merged, instance)
        for problem in [*schema.validate(self.merged, self.plain), *schema._durations(self.merged, self.plain)]:
            if problem.message not in self.seen:
                self.seen.add(problem.message)
                problems.append(problem)
        return problems


def _jsonschema_valid(instance: Any) -> bool:
    return not any(True for _ in schema_messages._validator().iter_errors(instance))


def _verdicts_agree(options: ProjectOptions, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Loads the project; the generated and jsonschema verdicts on each file alone and on the final merge."""
    judged: list[tuple[str, Any]] = []
    validations: list[schema.Validation] = []
    original = schema.Validation.add

    def add(self: schema.Validation, document: YMap) -> list[Problem]:
        judged.append((f"document {len(judged)}", schema._Plain().convert(document, (), document.loc)))
        if self not in validations:
            validations.append(self)
        return original(self, document)

    with monkeypatch.context() as patch:
        patch.setattr(schema.Validation, "add", add)
        load_project(options)
    judged += [(f"merged {i}", v.merged) for i, v in enumerate(validations)]
    return [f"{what}: generated {schema._fast_valid(instance)}, jsonschema {_jsonschema_valid(instance)}"
            for what, instance in judged if schema._fast_valid(instance) != _jsonschema_valid(instance)]


def _problems(options: ProjectOptions) -> list[tuple[str, str, str]]:
    return [(p.kind.value, p.message, str(p.location)) for p in load_project(options).problems]


def _same_problems(options: ProjectOptions, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _problems(options)
    with monkeypatch.context() as patch:
        patch.setattr(schema, "Validation", FullValidation)
        full = _problems(options)
    assert fast == full


LOCAL = list(_local_projects())


@pytest.mark.parametrize("options", [o for _, o in LOCAL], ids=[i for i, _ in LOCAL])
def test_fixture_projects(options: ProjectOptions, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _verdicts_agree(options, monkeypatch) == []
    _same_problems(options, monkeypatch)


def test_loader_mutations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    invalid = 0
    for seed in MUTATION_SEEDS:
        directory = mutate(seed).write(tmp_path / str(seed))
        options = ProjectOptions(directory, env=_env())
        assert _verdicts_agree(options, monkeypatch) == [], f"seed {seed}"
        _same_problems(options, monkeypatch)
        invalid += any(p[0] == "schema" for p in _problems(options))
    assert invalid > len(MUTATION_SEEDS) // 10  # the mutations do reach the jsonschema path


def test_shared_projects(shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disagreements = {name: found for name, options in _shared_projects(shared_dir)
                     if (found := _verdicts_agree(options, monkeypatch))}
    assert disagreements == {}


# -- files merged onto each other: what the incremental judgement must get right

OVERRIDES = {
    "an override fixes an invalid value": ("services:\n  web:\n    image: nginx\n    ports: 80\n",
                                           "services:\n  web:\n    ports: ['80']\n"),
    "an override breaks a valid one": ("services:\n  web:\n    image: nginx\n", "services:\n  web:\n    ports: 80\n"),
    "unknown top-level keys in two files": ("foo: 1\nservices:\n  web:\n    image: a\n", "bar: 2\n"),
    "bad service names in two files": ("services:\n  'a b':\n    image: a\n", "services:\n  'c d':\n    image: b\n"),
    "null entries keep the earlier value": ("services:\n  web:\n    image: a\n    ports: 80\nvolumes:\n  v: {}\n",
                                            "services:\n  web:\n  db:\nvolumes:\n  v:\n  w:\n"),
    "a section replaced by a list": ("services:\n  web:\n    image: a\n", "services: [web]\n"),
    "a section after a list": ("services: [web]\n", "services:\n  web:\n    image: a\n"),
    "durations in reordered services": ("services:\n  a:\n    image: a\n  b:\n    image: b\n",
                                        "services:\n  b:\n    stop_grace_period: '5'\n"
                                        "  a:\n    stop_grace_period: '7'\n"),
    "an override breaks the second service": ("services:\n  a:\n    image: a\n  b:\n    image: b\n",
                                              "services:\n  b:\n    ports: 80\n"),
    "a failed interpolation then a fix": ("services:\n  web:\n    image: a\n    scale: ${N:?set N}\n",
                                          "services:\n  web:\n    scale: 2\n"),
    "a bad cast in the override": ("services:\n  web:\n    image: a\n", "services:\n  web:\n    cpus: lots\n"),
    "an unquoted date": ("services:\n  web:\n    image: a\n", "services:\n  web:\n    labels:\n      d: 2024-01-01\n"),
    "valid throughout": ("name: p\nservices:\n  web:\n    image: a\nnetworks:\n  n: {}\n",
                         "services:\n  web:\n    networks: [n]\n  db:\n    image: b\nnetworks:\n  m: {}\nx-a: 1\n"),
}


@pytest.mark.parametrize("files", OVERRIDES.values(), ids=OVERRIDES.keys())
def test_overrides(files: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = []
    for index, text in enumerate(files):
        paths.append(tmp_path / f"compose{index}.yaml")
        paths[-1].write_text(text)
    options = ProjectOptions(tmp_path, files=tuple(paths), env=_env())
    assert _verdicts_agree(options, monkeypatch) == []
    _same_problems(options, monkeypatch)


def test_included_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "compose.yaml").write_text("include:\n  - a.yaml\n  - b.yaml\nservices:\n  web:\n    image: a\n")
    (tmp_path / "a.yaml").write_text("services:\n  a:\n    image: a\n    ports: 80\n")
    (tmp_path / "b.yaml").write_text("services:\n  b:\n    image: b\n    bogus: 1\nvolumes:\n  v: []\n")
    options = ProjectOptions(tmp_path, env=_env())
    assert _verdicts_agree(options, monkeypatch) == []
    _same_problems(options, monkeypatch)
    assert len([p for p in load_project(options).problems if p.kind.value == "schema"]) == 3


def test_the_validators_patterns_are_lazy_and_static() -> None:
    # compiled on first use through doctor.recache (a first run takes them from the shipped table)
    from doctor.lazyre import _LazyPattern

    patterns = compose_spec_validator.REGEX_PATTERNS
    assert patterns and all(isinstance(p, _LazyPattern) and p.pattern == key for key, p in patterns.items())
    assert "import re\n" not in generate.TARGET.read_text(encoding="utf-8")


def test_jsonschema_is_found_where_the_import_system_finds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # the path finder first (no import of importlib.util), the whole import system where it finds none
    import importlib.util
    import types

    expected = importlib.util.find_spec("jsonschema")
    assert expected is not None  # a dependency of doctor
    found = schema.jsonschema_spec()
    assert found is not None and found.origin == expected.origin
    blind = types.SimpleNamespace(PathFinder=types.SimpleNamespace(find_spec=lambda name: None))
    monkeypatch.setitem(sys.modules, "_frozen_importlib_external", blind)  # as where an editable finder alone knows it
    found = schema.jsonschema_spec()
    assert found is not None and found.origin == expected.origin
