"""`doctor.model.record` behaves as `@dataclass(frozen=True)`, its `__init__` compiled on first use."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from doctor.model import record


def _fresh() -> type:
    @record
    class Point:
        x: int
        y: int = 0
        tags: list[str] = dataclasses.field(default_factory=list)

    return Point


def test_first_instance_compiles_the_init_and_later_ones_use_it() -> None:
    point = _fresh()
    first_init = point.__init__
    p = point(1, tags=["a"])
    assert (p.x, p.y, p.tags) == (1, 0, ["a"])
    assert point.__init__ is not first_init  # the compiled one took over
    q = point(1, tags=["a"])
    assert p == q and p != point(1, 1) and repr(p).endswith("Point(x=1, y=0, tags=['a'])")
    assert point(2).tags == [] and point(2).tags is not point(2).tags  # a new list each time
    assert hash(point(3, 4, None)) == hash(point(3, 4, None))  # type: ignore[arg-type]


def test_bad_arguments_fail_as_dataclass_would_even_on_the_first_call() -> None:
    point = _fresh()
    with pytest.raises(TypeError):
        point()
    with pytest.raises(TypeError):
        point(1, 2, [], 4)
    with pytest.raises(TypeError):
        point(1, z=3)
    assert point(x=5).x == 5


def test_frozen_post_init_and_plain_subclass() -> None:
    seen: list[int] = []

    @record
    class Checked:
        value: int

        def __post_init__(self) -> None:
            seen.append(self.value)

    class Named(Checked):
        def name(self) -> str:
            return f"v{self.value}"

    assert Named(3).name() == "v3" and Checked(4).value == 4 and seen == [3, 4]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Checked(1).value = 2  # type: ignore[misc]
    assert dataclasses.replace(Checked(1), value=7).value == 7 and seen[-1] == 7


def test_threads_racing_the_first_instance_all_get_whole_records() -> None:
    point = _fresh()
    made: list[object] = []
    threads = [threading.Thread(target=lambda i=i: made.append(point(i, i))) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(p.x for p in made) == list(range(8))  # type: ignore[attr-defined]
    assert all(p.y == p.x for p in made)  # type: ignore[attr-defined]


def test_a_field_without_default_after_one_with_fails_at_class_creation() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @record
        class Bad:
            a: int = 1
            b: int  # type: ignore[misc]


def test_the_static_init_templates_are_the_ones_doctor_would_compile() -> None:
    """doctor/record_inits.py is `python -m doctor.records`'s output, and each code in it is, to
    the byte, the code `_init_template` compiles for that many fields."""
    from pathlib import Path

    from doctor import record_inits, records

    written = Path(record_inits.__file__).read_text(encoding="utf-8")
    assert written == records.record_inits_source(), "record_inits.py is stale: run `python -m doctor.records`"
    for count in range(records.STATIC_INITS + 1):
        static = records._init_template(count, False)
        namespace: dict[str, object] = {}
        exec(records.template_source(count, False), namespace)
        compiled = namespace["__init__"].__code__  # type: ignore[attr-defined]
        assert static.co_name == compiled.co_name == "__init__"
        for attr in ("co_code", "co_consts", "co_names", "co_varnames", "co_argcount"):
            assert getattr(static, attr) == getattr(compiled, attr), (count, attr)


@pytest.mark.parametrize("count", [0, 1, 16, 17, 27, 32, 33, 40])
def test_records_of_any_size_initialise_as_a_dataclass_does(count: int) -> None:
    """Up to STATIC_INITS fields the init comes from doctor.record_inits, beyond it it is compiled;
    both set every field, call default factories once per instance and take keywords."""
    names = [f"f{i}" for i in range(count)]
    namespace: dict[str, object] = {"__annotations__": dict.fromkeys(names, "int")}
    if count:
        namespace[names[-1]] = dataclasses.field(default_factory=list)
    made = record(type(f"R{count}", (), namespace))
    args = list(range(count - 1))
    one, two = made(*args), made(*args)
    assert [getattr(one, n) for n in names[:-1]] == args
    if count:
        assert getattr(one, names[-1]) == [] and getattr(one, names[-1]) is not getattr(two, names[-1])
        assert getattr(made(*args, **{names[-1]: [7]}), names[-1]) == [7]
    assert one == two and dataclasses.fields(one) == dataclasses.fields(made)
    with pytest.raises(TypeError):
        made(*args, 1, 2)


def test_every_record_of_doctor_takes_its_init_from_the_static_table() -> None:
    """A record beyond STATIC_INITS fields (or with `__post_init__`) has its `__init__` compiled at its
    first instance, in each process (~0.5-0.9 ms for the compose Service's 30 fields): raise
    STATIC_INITS past doctor's biggest record and run `python -m doctor.records`."""
    import importlib
    import pkgutil

    import doctor
    from doctor import records

    seen = 0
    beyond = []
    for module in pkgutil.walk_packages(doctor.__path__, "doctor."):
        if module.name.endswith("__main__") or module.name == "doctor.project.spec.generate":
            continue
        for value in vars(importlib.import_module(module.name)).values():
            fields = getattr(value, "__record_fields__", None)
            if isinstance(value, type) and isinstance(fields, tuple) and value.__module__ == module.name:
                seen += 1
                if len(fields) > records.STATIC_INITS or hasattr(value, "__post_init__"):
                    beyond.append(f"{module.name}.{value.__qualname__} ({len(fields)} fields)")
    assert seen > 50
    assert beyond == []
