"""Alias fan-out: what compose v2.40.3 loads stays readable, an alias bomb is refused in bounded time.

compose-go v2.9.1 replaces every alias by its anchor's node before go-yaml decodes, so go-yaml's
alias ratio never applies in compose: a 5-level fan-out of 9 aliases a level loads; a deeper
one runs compose out of memory. doctor expands up to yamlload.ALIAS_BUDGET alias-driven values.
"""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest

from doctor.project.yamlload import ALIAS_BUDGET, YamlError, parse_bytes


def fan_out(levels: int, fan: int = 9) -> str:
    """Each level a list of `fan` aliases of the level below: fan**levels strings once expanded."""
    lines = ['x-l0: &l0 ["lol"]']
    lines += [f"x-l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]" for i in range(1, levels + 1)]
    lines.append("services:\n  web:\n    image: alpine\n")
    return "\n".join(lines)


def _leaves(value: object) -> int:
    if isinstance(value, list):
        return sum(_leaves(item) for item in value)
    return 1


def test_five_levels_of_nine_aliases_load(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    [doc], _ = parse_bytes(fan_out(5).encode(), path)
    assert doc is not None
    assert _leaves(doc["x-l5"]) == 9**5
    assert doc["services"]["web"]["image"] == "alpine"


@pytest.mark.parametrize("levels", [6, 9, 30])
def test_deeper_fan_out_is_refused(levels: int, tmp_path: Path) -> None:
    with pytest.raises(YamlError, match="excessive aliasing") as refused:
        parse_bytes(fan_out(levels).encode(), tmp_path / "compose.yaml")
    assert refused.value.line == 1


def test_merge_keys_and_plain_documents_are_not_aliasing(tmp_path: Path) -> None:
    """Every service merging one anchor: one alias each, far below the budget."""
    services = "".join(f"  s{i}:\n    <<: *base\n    image: app{i}\n" for i in range(3000))
    text = "x-base: &base\n  restart: always\n  labels: {a: b, c: d}\nservices:\n" + services
    [doc], _ = parse_bytes(text.encode(), tmp_path / "compose.yaml")
    assert doc is not None
    assert doc["services"]["s2999"]["labels"]["c"] == "d"
    labels = "".join(f"      k{i}: v\n" for i in range(ALIAS_BUDGET // 2))
    big = "services:\n  web:\n    image: x\n    labels:\n" + labels
    [plain], _ = parse_bytes(big.encode(), tmp_path / "compose.yaml")  # many values, no alias: no limit
    assert plain is not None


def _compose_config(compose_bin: str, project: Path, timeout: float) -> subprocess.CompletedProcess[str] | None:
    """`docker compose config -q` with 2 GiB of address space; None when it ran out of time.

    The 5-level fan-out peaks at ~270 MB resident, but Go's heap goal and arena reservations
    under a 1 GiB cap once crashed compose (a fresh clone's `make test`); the 7-level bomb needs
    ~80x that, so 2 GiB still stops it."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    try:
        return subprocess.run([compose_bin, "config", "-q"], cwd=project, capture_output=True, text=True,
                              timeout=timeout, preexec_fn=limit, env={"PATH": "/usr/bin:/bin", "HOME": str(project)})
    except subprocess.TimeoutExpired:
        return None


@pytest.mark.compose
def test_compose_loads_the_fan_out_doctor_reads(compose_bin: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(fan_out(5))
    done = _compose_config(compose_bin, tmp_path, timeout=180)
    assert done is not None and done.returncode == 0, done and done.stderr[-300:]


@pytest.mark.compose
def test_compose_cannot_load_the_bomb_doctor_refuses(compose_bin: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(fan_out(7))
    done = _compose_config(compose_bin, tmp_path, timeout=60)
    assert done is None or done.returncode != 0  # out of memory (or still expanding)
    with pytest.raises(YamlError, match="excessive aliasing"):
        parse_bytes(fan_out(7).encode(), tmp_path / "compose.yaml")


@pytest.mark.parametrize("text", ['services:\n  app:\n    image: x\n    environment:\n      DB: "unterminated\n',
                                  'services:\n  app:\n    image: x\n    environment:\n      DB: "unterminated'])
def test_an_error_at_the_end_of_the_stream_is_on_the_files_last_line(tmp_path: Path, text: str) -> None:
    """An unterminated quote in a 5-line file was `compose.yaml:6`, a line past the file; compose says line 5."""
    with pytest.raises(YamlError) as raised:
        parse_bytes(text.encode(), tmp_path / "compose.yaml")
    assert raised.value.line == len(text.rstrip("\n").split("\n")), raised.value.message
