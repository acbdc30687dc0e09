"""image-availability and CI: a workflow job that builds some of the images compose needs and
starts a service whose local image no step builds (compose would try to pull it and fail)."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.image_availability import ImageAvailability

from doctor.model import relative_to
from doctor.project import Project, ProjectOptions
from doctor.project.ciimages import ci_jobs

COMPOSE = """\
services:
  api:
    image: shop-api:ci
  worker:
    image: shop-worker:ci
    depends_on: [redis]
  redis:
    image: redis:7
  docs:
    image: nginx:1.27
"""
STEPS = {
    "one-built": "      - run: docker build -t shop-api:ci ./api\n      - run: docker compose up -d\n",
    "all-built": "      - run: |\n          docker build -t shop-api:ci ./api\n"
                 "          docker build --tag=shop-worker:ci -f worker/Dockerfile .\n"
                 "      - run: docker compose up -d\n",
    "action": "      - uses: docker/build-push-action@v6\n        with:\n          context: api\n          load: true\n"
              "          tags: |\n            shop-api:ci\n            shop-worker:ci\n"
              "      - run: docker compose up -d\n",
    "only-api-started": "      - run: docker build -t shop-api:ci ./api\n      - run: docker compose up -d api docs\n",
    "loaded": "      - run: docker build -t shop-api:ci ./api\n      - run: docker load -i images.tar\n"
              "      - run: docker compose up -d\n",
    "other-file": "      - run: docker build -t shop-api:ci ./api\n"
                  "      - run: docker compose -f compose.e2e.yaml up -d\n",
    # a bake in a run step builds the targets of a bake file doctor does not read (`--load worker` tags
    # shop-worker:ci there): the job is not judged, as docker/bake-action's is not
    "bake": "      - run: docker build -t shop-api:ci ./api\n      - run: docker buildx bake --load worker\n"
            "      - run: docker compose up -d\n",
    "bake-plugin": "      - run: docker build -t shop-api:ci ./api\n      - run: docker bake worker\n"
                   "      - run: docker compose up -d\n",
    # `docker tag` names the built image as the worker needs it: present, nothing pulled
    "tagged": "      - run: docker build -t shop-api:ci ./api\n      - run: docker tag shop-api:ci shop-worker:ci\n"
              "      - run: docker compose up -d\n",
    # buildah builds into its own store (or pushes): what docker then has is not told
    "buildah": "      - run: docker build -t shop-api:ci ./api\n      - run: buildah bud -t shop-worker:ci worker\n"
               "      - run: docker compose up -d\n",
}


def _project(tmp_path: Path, steps: str) -> Path:
    root = tmp_path / "p"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" + steps)
    return root


@pytest.mark.parametrize(("case", "found"), [
    ("one-built", [(".github/workflows/ci.yml", 8, "worker:shop-worker:ci:ci",
                    "CI job 'e2e' never builds 'shop-worker:ci', which 'worker' needs: "
                    "'docker compose up' tries to pull it")]),
    ("all-built", []), ("action", []), ("only-api-started", []), ("loaded", []), ("other-file", []),
    ("bake", []), ("bake-plugin", []), ("tagged", []), ("buildah", []),
])
def test_a_job_that_builds_some_local_images_but_not_all(tmp_path: Path, case: str, found: list[object]) -> None:
    root = _project(tmp_path, STEPS[case])
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=root, env=env))
    findings = list(ImageAvailability().ci_findings(project))
    assert [(relative_to(f.location.path, root), f.location.line, f.subject, f.message)
            for f in findings if f.location] == found
    if found:
        assert findings[0].fix is not None and findings[0].fix.title == (
            "build 'shop-worker:ci' in job 'e2e' before .github/workflows/ci.yml:8 (or run docker compose build)")


def test_a_job_whose_env_feeds_compose_interpolation_is_not_judged(tmp_path: Path) -> None:
    root = _project(tmp_path, STEPS["one-built"])
    (root / "compose.yaml").write_text(COMPOSE.replace("shop-worker:ci", "shop-worker:${TAG:-ci}"))
    workflow = root / ".github" / "workflows" / "ci.yml"
    workflow.write_text(workflow.read_text().replace("    runs-on:", "    env:\n      TAG: ci2\n    runs-on:"))
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1"}))
    assert list(ImageAvailability().ci_findings(project)) == []
    jobs = ci_jobs(root, {"TAG"})
    assert [j.name for j in jobs] == []


def test_jobs_are_read_with_their_steps(tmp_path: Path) -> None:
    root = _project(tmp_path, STEPS["action"] + "      - run: docker compose run --rm worker pytest -x\n")
    (job,) = ci_jobs(root, set())
    assert job.built == ("shop-api:ci", "shop-worker:ci")
    assert [(s.services, s.location.line) for s in job.starts] == [((), 14), (("worker",), 15)]
    assert not job.unknown


BUILT_BY_ANOTHER = """\
services:
  db:
    image: postgres:16
  backend:
    image: backend:latest
    build: ./backend
    depends_on: [db]
  prestart:
    image: backend:latest
    command: bash scripts/prestart.sh
    depends_on: [db]
  frontend:
    build: ./frontend
"""


@pytest.mark.parametrize(("steps", "found"), [
    ("      - run: docker compose build frontend\n      - run: docker compose run --rm prestart\n",
     [(8, "CI job 'e2e' never builds 'backend:latest', which 'prestart' needs: "
          "'docker compose run' tries to pull it")]),
    ("      - run: docker compose build\n      - run: docker compose run --rm prestart\n", []),
    ("      - run: docker compose up -d\n", []),
    ("      - run: docker compose up -d --no-build prestart\n", []),  # no build at all: not this rule's case
], ids=["builds-frontend-only", "builds-all", "up-builds-backend", "no-build-flag"])
def test_an_image_only_another_service_builds(tmp_path: Path, steps: str, found: list[object]) -> None:
    root = _project(tmp_path, steps)
    (root / "compose.yaml").write_text(BUILT_BY_ANOTHER)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1"}))
    assert [(f.location.line, f.message) for f in ImageAvailability().ci_findings(project) if f.location] == found
