"""An alias bomb in the dev override: the port fix's builder refuses it in bounded time and memory.

compose.yaml publishes a held port; compose.override.yaml holds nine levels of nine aliases (387
million values expanded) beside a plain `labels:` of 'web'. compose-config says `excessive aliasing`
at once, but port-collision built its override edit through ruamel's round trip, whose read-back
comparison expanded every alias: under a 1.5 GB limit `doctor preflight --select port-collision`
ended after 53 s with `(MemoryError: )` and a garbled `Exception ignored` line, and `doctor fix
--ports --yes` took 106 s and 2.95 GB. The round trip now counts the nodes its aliases add against
the loader's budget (doctor.project.yamlload.ALIAS_BUDGET): the fix names the override and why.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

LIMIT = 1_500_000_000  # bytes of address space, as `ulimit -v 1500000`


def _bomb() -> str:
    lines = ['x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"x-{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n")
    return "".join(lines) + 'services:\n  web:\n    labels:\n      x: "1"\n'


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def _doctor(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    env.update(HOME=str(tmp_path / "home"), XDG_STATE_HOME=str(tmp_path / "state"), DOCTOR_NO_CACHE="1",
               COMPOSE_PROJECT_NAME=f"doctor-h-contractfix-{tmp_path.name[-10:].lower()}")
    return subprocess.run([sys.executable, "-m", "doctor", *args, "."], cwd=root, env=env, capture_output=True,
                          text=True, timeout=60, preexec_fn=_limited)


def test_an_alias_bomb_in_the_override_is_refused_by_the_port_fix(tmp_path: Path, held_port: int) -> None:
    root = tmp_path / "bomb"
    root.mkdir()
    (root / "compose.yaml").write_text(f'services:\n  web:\n    image: nginx:alpine\n    ports: ["{held_port}:80"]\n')
    (root / "compose.override.yaml").write_text(_bomb())
    seen = _doctor(root, tmp_path, "preflight", "--select", "port-collision")
    said = seen.stdout + seen.stderr
    assert "MemoryError" not in said and "Exception ignored" not in said, said
    assert seen.returncode == 1, said
    assert ("compose.override.yaml: its aliases expand to over 250,000 nodes (an alias bomb)"
            in " ".join(said.split())), said
    fixed = _doctor(root, tmp_path, "fix", "--ports", "--yes")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "doctor fix edits nothing while compose cannot read the project's files" in fixed.stdout
    assert (root / "compose.override.yaml").read_text() == _bomb()
