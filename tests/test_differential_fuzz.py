"""Differential fuzz: doctor's accept/reject of mutated projects against the real `docker compose config`.

Each seeded project (tests/loader_mutations.py) goes through compose v2.40.3 and through
doctor's loader; a project compose rejects must give doctor a problem, and one compose accepts
must give none. Agreement must reach 99 %, and every disagreement must be a known one, listed
in KNOWN with its reason. DOCTOR_FUZZ_EXAMPLES (default 100) sets the number of projects.
"""

from __future__ import annotations

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from loader_mutations import MutatedProject, mutate

from doctor.project import ProjectOptions
from doctor.project.compose import load_project

pytestmark = pytest.mark.compose

CASES = int(os.environ.get("DOCTOR_FUZZ_EXAMPLES", "100"))
FIRST_SEED = 10_000

# compose's message (regex) -> why doctor disagrees on purpose. Empty today: none seen in
# 2,000 seeds. Add an entry only with the reason, never to silence an unexplained difference.
KNOWN: dict[str, str] = {}


def _compose(compose_bin: str, project: MutatedProject, root: Path) -> tuple[MutatedProject, Path, bool, str]:
    directory = project.write(root / f"p{project.seed}")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    try:
        done = subprocess.run([compose_bin, "config", "-q"], cwd=directory, env=env, capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return project, directory, True, "timeout"
    lines = done.stderr.strip().splitlines()
    return project, directory, done.returncode != 0, lines[-1] if lines else ""


def test_accept_reject_agrees_with_compose(compose_bin: str, tmp_path: Path) -> None:
    projects = [mutate(seed) for seed in range(FIRST_SEED, FIRST_SEED + CASES)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda p: _compose(compose_bin, p, tmp_path), projects))
    agreed = rejected = 0
    unexplained: list[str] = []
    for project, directory, compose_rejects, message in runs:
        model = load_project(ProjectOptions(path=directory, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}))
        doctor_rejects = bool(model.problems)
        rejected += compose_rejects
        if doctor_rejects == compose_rejects:
            agreed += 1
            continue
        if any(re.search(pattern, message) for pattern in KNOWN):
            continue
        ours = "; ".join(p.message for p in model.problems[:2]) or "no problem"
        unexplained.append(f"seed {project.seed} {project.mutations}: compose "
                           f"{'rejects: ' + message if compose_rejects else 'accepts'}, doctor: {ours}")
    print(f"differential fuzz: {CASES} projects, compose rejected {rejected}, agreement "
          f"{100 * agreed / CASES:.1f} %")
    assert 0.2 * CASES < rejected < 0.9 * CASES, "the mutations should give both verdicts"
    assert not unexplained, "\n".join(unexplained)
    assert agreed >= 0.99 * CASES
