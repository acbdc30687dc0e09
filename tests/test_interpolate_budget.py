"""Nested or chained `${` cost no more than a budget per file: each level of `${V0:-${V1:-...}}` reads the
rest of its value again (compose-go's algorithm), so a 233 KB compose file of six values 4,000 deep took
46 s and a 16 MB one would never end; past interpolate.MAX_RESCAN characters read again, the value is one
compose-config finding and the file's other values are not interpolated. Work is counted, not timed."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project import Project, ProjectOptions
from doctor.project import interpolate as interpolation
from doctor.project.envfile import parse_env_text
from doctor.project.interpolate import MAX_RESCAN, RESCAN_CREDIT, InterpolationError, Rescans, substitute


def _nested(depth: int) -> str:
    return "".join(f"${{V{i}:-" for i in range(depth)) + "x" + "}" * depth


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The characters of every `${...}` the interpolation reads (each `_replace` scans its text a few times)."""
    read = [0]
    replace = interpolation._replace

    def counted(substring: str, *args: object) -> str:
        read[0] += len(substring)
        return replace(substring, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(interpolation, "_replace", counted)
    return read


def test_a_compose_file_of_deeply_nested_values_is_one_finding_within_the_budget(
        tmp_path: Path, reads: list[int]) -> None:
    value = _nested(4000)
    compose = "services:\n  app:\n    image: busybox\n    environment:\n" + "".join(
        f'      E{j}: "{value}"\n' for j in range(6))
    (tmp_path / "compose.yaml").write_text(compose)
    model = Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin"})).compose
    said = [p.message for p in model.problems if "nested" in p.message]
    assert said == ["interpolation for services.app.environment.E0 reads nested or chained '${' again past 4 M "
                    "characters (doctor reads no more of them)"]
    # before: ~480 M characters read (each of the six values ~80 M); now the budget and one pass over the file
    assert reads[0] < MAX_RESCAN + (RESCAN_CREDIT + 4) * len(compose), reads[0]


def test_an_env_files_nested_values_share_one_budget(reads: list[int]) -> None:
    text = "".join(f'E{j}="{_nested(400)}"\n' for j in range(20))  # each well within it, not all twenty
    env = parse_env_text(text, Path(".env"))
    assert [e.value for e in env.entries] == ["x"] * len(env.entries) and 1 < len(env.entries) < 19
    assert [p.message for p in env.problems] == [
        f"the value of \"E{len(env.entries)}\": interpolation reads nested or chained '${{' again past 4 M "
        "characters (doctor reads no more of them)"]
    assert reads[0] < MAX_RESCAN + (RESCAN_CREDIT + 4) * len(text), reads[0]


def test_the_budget_is_spent_by_reading_again_not_by_one_pass() -> None:
    flat = "".join(f"${{V{i}:-d{i}}}\n" for i in range(4000))  # one pass: each default read once more
    budget = Rescans()
    assert substitute(flat, {}.get, "x", budget)[0].startswith("d0\nd1\n")
    assert MAX_RESCAN - budget.left < 2 * len(flat)
    chained = "".join(f"${{V{i}:-d}}" for i in range(3000))  # one line: each rest read again
    with pytest.raises(InterpolationError, match="again past 4 M characters") as raised:
        substitute(chained, {}.get, "services.a.command")
    assert raised.value.too_big and not raised.value.invalid_format


def test_real_nesting_stays_well_within_the_budget() -> None:
    budget = Rescans()
    assert substitute("${A:-" * 400 + "x" + "}" * 400, {}.get, "x", budget)[0] == "x"  # compose reads 400 deep
    assert MAX_RESCAN - budget.left < MAX_RESCAN // 4


def test_a_big_file_of_ordinary_chains_never_runs_the_budget_dry() -> None:
    # each line's chain reads its rest again (~k*L/2), which over a big .env passed 4 M with no nesting at
    # all: a review's 6.5 MB .env of `${SCHEME:-http}://${HOST:-localhost}:...` lines stopped at line 63,551,
    # and a later `LAST` was then missing; a value's first pass now adds RESCAN_CREDIT of its length
    line = "".join(f"${{P{i}:-part{i}}}/" for i in range(20))
    text = "".join(f"V{n}={line}\n" for n in range(3000)) + "LAST=ok\n"
    env = parse_env_text(text, Path(".env"))
    assert env.problems == () and env.entry("LAST") is not None and env.entry("LAST").value == "ok"
