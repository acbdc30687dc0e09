"""A record behaves as `@dataclass(frozen=True)` (`record(frozen=False)` as `@dataclass`), and a
preflight never imports the dataclasses module (nor inspect, ast, dis, tokenize with it)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from doctor import model
from doctor.model import asdict, field, fields, is_dataclass, record, replace

REPO = Path(__file__).resolve().parent.parent


def _pair(frozen: bool = True) -> tuple[Any, Any]:
    """The same class made by record and by dataclass (same name, so reprs compare)."""
    made = []
    for decorate, spec in ((record(frozen=frozen), field), (dataclasses.dataclass(frozen=frozen), dataclasses.field)):

        class Item:
            kind: ClassVar[str] = "item"
            name: str
            count: int = 0
            tags: list[str] = spec(default_factory=list)  # type: ignore[operator]
            note: str = spec(default="", compare=False)  # type: ignore[operator]
            secret: str = spec(default="", repr=False)  # type: ignore[operator]
            weight: float = spec(default=1.0, hash=False)  # type: ignore[operator]

        made.append(decorate(Item))
    return made[0], made[1]


RECORD, DATACLASS = _pair()


def _both(build: Callable[[Any], Any]) -> tuple[Any, Any]:
    return build(RECORD), build(DATACLASS)


@pytest.mark.parametrize("build", [
    lambda c: c("a"),
    lambda c: c("a", 2, ["x"], "n", "s", 3.0),
    lambda c: c(name="b", tags=["y"], weight=0.5),
])
def test_init_defaults_repr_eq_hash_match_dataclass(build: Callable[[Any], Any]) -> None:
    ours, theirs = _both(build)
    assert repr(ours) == repr(theirs)
    assert vars(ours) == vars(theirs)
    other_ours, other_theirs = _both(build)
    assert (ours == other_ours) is (theirs == other_theirs) is True
    assert ours.tags is not other_ours.tags  # a new list per instance
    assert ours != theirs  # a different class compares unequal, as between two dataclasses
    with pytest.raises(TypeError, match="unhashable"):
        hash(ours)  # tags is a list: hashed as dataclass hashes it
    hashable = _both(lambda c: c("h", tags=()))
    assert hash(hashable[0]) == hash(hashable[1])


def test_compare_hash_and_repr_options_of_a_field() -> None:
    for cls in (RECORD, DATACLASS):
        assert cls("a", note="x") == cls("a", note="y")  # compare=False
        assert cls("a", tags=(), weight=1.0) != cls("a", tags=(), weight=2.0)  # compared, not hashed
        assert hash(cls("a", tags=(), weight=1.0)) == hash(cls("a", tags=(), weight=2.0))
        assert "secret" not in repr(cls("a", secret="hush"))
    assert RECORD.kind == "item" and "kind" not in [f.name for f in fields(RECORD)]  # a ClassVar is no field


def test_bad_calls_fail_as_dataclass_fails() -> None:
    for cls in (RECORD, DATACLASS):
        for args, kwargs in (((), {}), (("a", 1, [], "", "", 1.0, 9), {}), (("a",), {"nope": 1}),
                             (("a",), {"name": "b"})):
            with pytest.raises(TypeError):
                cls(*args, **kwargs)


def test_frozen_instance_error_is_both_dataclasses_and_attribute_error() -> None:
    item = RECORD("a")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        item.name = "b"
    with pytest.raises(AttributeError):
        item.other = 1
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'count'"):
        del item.count
    assert item.name == "a"


def test_mutable_record_is_a_plain_dataclass() -> None:
    ours, theirs = _pair(frozen=False)
    a, b = ours("a"), theirs("a")
    a.count = b.count = 5
    a.tags.append("t")
    b.tags.append("t")
    assert repr(a) == repr(b) and a == ours("a", 5, ["t"])
    assert ours.__hash__ is None and theirs.__hash__ is None
    assert [(f.name, f.default, f.compare) for f in dataclasses.fields(ours)] == [
        (f.name, f.default, f.compare) for f in dataclasses.fields(theirs)]
    assert ours.__dataclass_params__.frozen is False


def test_dataclasses_module_sees_a_dataclass() -> None:
    ours, theirs = _both(lambda c: c("a", 2, ["x"], "n"))

    def describe(f: dataclasses.Field[Any]) -> tuple[Any, ...]:
        return f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.hash, f.compare, f.kw_only

    assert [describe(f) for f in dataclasses.fields(ours)] == [describe(f) for f in dataclasses.fields(theirs)]
    assert dataclasses.is_dataclass(ours) and dataclasses.is_dataclass(RECORD)
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs) == asdict(ours) == asdict(theirs)
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    assert repr(dataclasses.replace(ours, count=7)) == repr(replace(theirs, count=7)) == repr(replace(ours, count=7))
    params = RECORD.__dataclass_params__
    assert (params.init, params.repr, params.eq, params.frozen) == (True, True, True, True)


def test_doctor_fields_replace_asdict_is_dataclass_without_the_module() -> None:
    ours, theirs = _both(lambda c: c("a", 2, ["x"]))
    assert [(f.name, f.compare, f.repr, f.hash) for f in fields(ours)] == [
        (f.name, f.compare, f.repr, f.hash) for f in dataclasses.fields(theirs)]
    assert fields(ours) is fields(RECORD)
    assert [f.name for f in fields(theirs)] == [f.name for f in fields(ours)]  # others: the module's
    assert replace(ours, name="b").name == "b" and replace(ours, name="b").tags == ["x"]
    with pytest.raises(TypeError):
        replace(ours, nope=1)
    assert is_dataclass(ours) and is_dataclass(RECORD) and is_dataclass(theirs) and not is_dataclass(object())
    nested = RECORD("n", tags=[ours])
    assert asdict(nested) == dataclasses.asdict(DATACLASS("n", tags=[theirs]))
    with pytest.raises(TypeError):
        asdict(RECORD)


def test_post_init_inheritance_and_a_dataclass_extending_a_record() -> None:
    seen: list[str] = []

    @record
    class Base:
        a: int
        b: str = "b"

        def __post_init__(self) -> None:
            seen.append(type(self).__name__)

    @record
    class Child(Base):
        c: list[int] = field(default_factory=list)
        b: str = "child"  # redefined: keeps its place, takes the new default

    @dataclasses.dataclass(frozen=True)
    class Plain(Base):
        d: int = 4

    class Loose(Base):
        pass

    child, plain = Child(1), Plain(2)
    assert repr(child).endswith("<locals>.Child(a=1, b='child', c=[])")
    assert [f.name for f in fields(Child)] == [f.name for f in dataclasses.fields(Child)] == ["a", "b", "c"]
    assert [f.name for f in dataclasses.fields(Plain)] == ["a", "b", "d"] and plain.d == 4
    assert seen == ["Child", "Plain"] and Child.__match_args__ == ("a", "b", "c")
    with pytest.raises(dataclasses.FrozenInstanceError):
        plain.d = 5  # type: ignore[misc]
    with pytest.raises(TypeError, match="non-frozen"):
        dataclasses.dataclass(type("Thawed", (Base,), {"__annotations__": {"e": "int"}, "e": 0}))
    loose = Loose(3)
    loose.extra = 1  # a plain subclass may have attributes of its own, as a dataclass's may
    with pytest.raises(dataclasses.FrozenInstanceError):
        loose.a = 4  # type: ignore[misc]
    match child:
        case Child(1, "child", []):
            pass
        case _:
            pytest.fail("match by position")


def test_pickle_and_copy_round_trip() -> None:
    item = model.Finding("port-collision", model.Severity.ERROR, "port 80 is taken",
                         model.Location(Path("/p/compose.yaml"), 3, 5), "web:80",
                         model.Fix("move it", edits=(model.Edit(Path("/p/.env"), "A=1", "A=2", 1),)))
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(item, protocol))
        assert again == item and repr(again) == repr(item) and hash(again) == hash(item)
    assert copy.copy(item) == item and copy.deepcopy(item) == item
    assert pickle.loads(pickle.dumps(model.MISSING)) is model.MISSING


def test_class_creation_rejects_what_dataclass_rejects() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        @record
        class Shared:
            items: list[int] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="no type annotation"):

        @record
        class Unannotated:
            x = field(default=1)

    with pytest.raises(ValueError, match="both default and default_factory"):
        field(default=1, default_factory=int)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__"):

        @record
        class Settable:
            x: int

            def __setattr__(self, name: str, value: object) -> None:
                pass


def test_own_methods_are_kept_and_an_undocumented_record_gets_dataclass_doc() -> None:
    @record
    class Own:
        x: int

        def __repr__(self) -> str:
            return "own"

        def __eq__(self, other: object) -> bool:
            return True

    @record
    class Bare:
        x: int
        y: str = "s"

    assert repr(Own(1)) == "own" and Own(1) == Own(2)
    assert hash(Own(1)) == hash((1,))  # frozen with its own __eq__: dataclass still hashes the fields
    assert Bare.__doc__ == "Bare(x: 'int', y: 'str' = 's')"
    typed = {"__annotations__": {"a": int, "b": list[int], "c": Path, "d": Any}, "d": None, "__module__": __name__}
    for decorate in (record, dataclasses.dataclass(frozen=True)):
        made = decorate(type("Typed", (), dict(typed)))
        assert made.__doc__ == "Typed(a: int, b: list[int], c: pathlib.Path, d: Any = None)"


def test_cleandoc_is_inspect_cleandoc() -> None:
    from doctor.engine import load_registry

    docs = [cls.__doc__ or "" for cls in load_registry().checks.values()]
    docs += ["", "  one", "\n\n  a\n    b\n\t c\n  \n", "first\n   x\n  y\n\n"]
    for doc in docs:
        assert model.cleandoc(doc) == inspect.cleandoc(doc)


@pytest.mark.parametrize("example", ["clean-stack", "broken-stack"])
def test_preflight_imports_neither_dataclasses_nor_inspect(example: str) -> None:
    """Every check in the run's own process (DOCTOR_JOBS=1): one doctor.forked's helper took would hide
    its imports (runtime-drift's `dataclasses.replace` on broken-stack's image-run service did)."""
    code = ("import json, sys\nfrom doctor.cli import main\ntry:\n    main(['preflight', sys.argv[1]])\n"
            "except SystemExit:\n    pass\nprint(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, str(REPO / "examples" / example)], capture_output=True,
                          text=True, timeout=120, cwd=REPO, env={**os.environ, "DOCTOR_JOBS": "1"})
    modules = json.loads(done.stdout.splitlines()[-1])
    assert "doctor.engine" in modules  # the preflight ran
    assert {"dataclasses", "inspect", "dis", "tokenize"} & set(modules) == set()


def test_a_project_virtualenv_imports_neither_dataclasses_nor_inspect(tmp_path: Path) -> None:
    """host-vs-container judges the host by the project's `.venv` (its interpreter, marked as the
    project's with `replace`): dataclasses' replace imported inspect, ast, dis and tokenize into every
    preflight of a project with a virtualenv."""
    project = tmp_path / "broken-stack"
    shutil.copytree(REPO / "examples" / "broken-stack", project)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")], check=True, timeout=120)
    code = ("import json, sys\nfrom doctor.cli import main\ntry:\n    main(['preflight', sys.argv[1]])\n"
            "except SystemExit:\n    pass\nprint(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**os.environ, "DOCTOR_JOBS": "1", "DOCTOR_NO_CACHE": "1"})
    modules = json.loads(done.stdout.splitlines()[-1])
    assert "doctor.host.interpreter" in modules  # the host's Python was judged
    assert {"dataclasses", "inspect", "dis", "tokenize"} & set(modules) == set()
