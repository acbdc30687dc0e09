"""image-availability's CI rule on the shapes a tester met in real projects.

- A job builds the project's image under one tag (`docker build -t app:ci .`, build-push-action
  `tags: app:ci`) and `docker compose up` needs another tag of it (`image: app:latest`), which
  CI never built: compose tries to pull it. A bare `app` that the job builds is the project's
  own, not a Docker Hub official image.
- Compose files in docker/ (mealie, paperless-ngx): the workflows are those of the checkout's
  top, and a job runs this project only where it starts compose in docker/ (`-f
  docker/compose.yaml`, `working-directory: docker`, `cd docker`), not a bare `up` at the top.

Read statically (never run), so no engine is needed: `ImageAvailability.ci_findings`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from doctor.checks.image_availability import ImageAvailability
from trees import write_tree

from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.ciimages import ci_jobs

HEAD = "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n{defaults}    steps:\n      - uses: actions/checkout@v4\n"


def _checkout(top: Path, files: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return write_tree(top, files)


def _ci(root: Path) -> list[Finding]:
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1"}))
    return list(ImageAvailability().ci_findings(project))


def _shown(findings: list[Finding], top: Path) -> list[tuple[str, int | None, str]]:
    return [(f.location.path.relative_to(top).as_posix(), f.location.line, f.message) for f in findings if f.location]


APP = "services:\n  app:\n    image: {image}\n    ports: [\"8000:8000\"]\n"
ANOTHER_TAG = ("CI job 'e2e' builds '{built}' (line 7), 'app' needs '{image}': "
               "'docker compose up' tries to pull it")


@pytest.mark.parametrize(("image", "steps", "expected"), [
    ("app:latest", "      - run: docker build -t app:ci .\n      - run: docker compose up -d\n",
     [(8, ANOTHER_TAG.format(built="app:ci", image="app:latest"))]),
    ("app", "      - run: docker build --tag app:ci .\n      - run: docker compose up -d\n",
     [(8, ANOTHER_TAG.format(built="app:ci", image="app"))]),
    ("acme/app:latest", "      - run: docker build -t acme/app:ci .\n      - run: docker compose up -d\n",
     [(8, ANOTHER_TAG.format(built="acme/app:ci", image="acme/app:latest"))]),
    ("app:latest", "      - uses: docker/build-push-action@v6\n        with:\n          context: .\n"
     "          load: true\n          tags: app:ci\n      - run: docker compose up -d\n",
     [(12, ANOTHER_TAG.format(built="app:ci", image="app:latest").replace("line 7", "line 11"))]),
    # the must-nots: the tag compose needs is built, or the job builds another image altogether
    ("app:latest", "      - run: docker build -t app:ci -t app:latest .\n      - run: docker compose up -d\n", []),
    ("app:ci", "      - run: docker build -t app:ci .\n      - run: docker compose up -d\n", []),
    ("redis:7", "      - run: docker build -t app:ci .\n      - run: docker compose up -d\n", []),
    # `latest` is docker's default tag, not one the job chose for its images: a published image is pulled
    ("redis", "      - run: docker build -t app .\n      - run: docker compose up -d\n", []),
    ("ghcr.io/acme/shop:latest", "      - run: docker build -t shop-smoke .\n      - run: docker compose up -d\n",
     []),
    ("app:latest", "      - run: docker build -t app:ci .\n      - run: docker load -i app.tar\n"
     "      - run: docker compose up -d\n", []),
], ids=["run-build", "untagged-image", "namespaced", "build-push-action", "both-tags", "same-tag", "other-image",
        "official-latest", "published-latest", "loaded"])
def test_a_job_builds_the_image_under_another_tag(tmp_path: Path, image: str, steps: str,
                                                  expected: list[tuple[int, str]]) -> None:
    top = _checkout(tmp_path / "repo", {"compose.yaml": APP.format(image=image),
                                        ".github/workflows/ci.yml": HEAD.format(defaults="") + steps})
    found = _ci(top)
    assert [(f.location.line, f.message) for f in found if f.location] == expected
    if expected:
        built = "app:ci" if "acme" not in image else "acme/app:ci"
        line = 11 if "build-push" in steps else 7
        assert found[0].fix is not None and found[0].fix.title == (f"also tag '{image}' where .github/workflows/"
                                                                   f"ci.yml:{line} builds '{built}', or set image: "
                                                                   f"{built} on 'app'")


def test_a_bare_latest_image_beside_the_jobs_untagged_build_is_never_built(tmp_path: Path) -> None:
    """The job builds `shop-api` (`:latest`, docker's default) and starts `shop-worker`, which no registry
    publishes (no namespace, no official image): the shared default tag still marks it the job's own."""
    steps = "      - run: docker build -t shop-api .\n      - run: docker compose up -d\n"
    top = _checkout(tmp_path / "repo", {"compose.yaml": APP.format(image="shop-worker"),
                                        ".github/workflows/ci.yml": HEAD.format(defaults="") + steps})
    assert [(f.location.line, f.message) for f in _ci(top) if f.location] == [
        (8, "CI job 'e2e' never builds 'shop-worker', which 'app' needs: 'docker compose up' tries to pull it")]


def test_adventurelog_smoke_job_pulls_the_published_image(tmp_path: Path) -> None:
    """tests/replay/adventurelog (upstream bytes): the smoke job's `docker build -t adventurelog-smoke` and
    'app' on `ghcr.io/seanmorley15/adventurelog:latest`; `up` pulls that published image, so no finding
    says CI "never builds" it (it did, on the same default tag `latest` only)."""
    import shutil

    top = tmp_path / "adventurelog"
    shutil.copytree(Path(__file__).parent / "replay" / "adventurelog", top)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    (job,) = ci_jobs(top, set())
    assert (job.name, job.built, [s.location.line for s in job.starts]) == ("aio-smoke", ("adventurelog-smoke",), [48])
    assert _ci(top) == []


SHOP = "services:\n  api:\n    image: shop-api:ci\n  worker:\n    image: shop-worker:ci\n"
BUILD_API = "      - run: docker build -t shop-api:ci -f docker/Dockerfile .\n"
NEVER_BUILT = "CI job 'e2e' never builds 'shop-worker:ci', which 'worker' needs: 'docker compose up' tries to pull it"


@pytest.mark.parametrize(("defaults", "steps", "line"), [
    ("", BUILD_API + "      - run: docker compose -f docker/compose.yaml up -d\n", 8),
    ("", BUILD_API + "      - run: docker compose --file=docker/compose.yaml up -d\n", 8),
    ("", BUILD_API + "      - run: docker compose up -d\n        working-directory: docker\n", 8),
    ("", BUILD_API + "      - run: |\n          cd docker\n          docker compose up -d\n", 10),
    ("    defaults:\n      run:\n        working-directory: ./docker\n",
     "      - run: docker build -t shop-api:ci -f Dockerfile ..\n      - run: docker compose up -d\n", 11),
    # the must-nots: compose at the top is another project (or none), other files, folders the text does not tell
    ("", BUILD_API + "      - run: docker compose up -d\n", None),
    ("", BUILD_API + "      - run: docker compose -f docker/compose.yaml -f docker/compose.ci.yaml up -d\n", None),
    ("", BUILD_API + "      - run: cd \"$COMPOSE_DIR\" && docker compose up -d\n", None),
    ("", "      - uses: actions/checkout@v4\n        with:\n          path: src\n" + BUILD_API
     + "      - run: docker compose -f docker/compose.yaml up -d\n", None),
], ids=["file-flag", "file-equals", "working-directory", "cd", "job-defaults", "top-is-another-project",
        "other-files", "cd-variable", "checkout-path"])
def test_the_top_workflows_of_a_compose_folder(tmp_path: Path, defaults: str, steps: str, line: int | None) -> None:
    top = _checkout(tmp_path / "repo", {"docker/compose.yaml": SHOP, "docker/Dockerfile": "FROM busybox\n",
                                        ".github/workflows/ci.yml": HEAD.format(defaults=defaults) + steps})
    expected = [(".github/workflows/ci.yml", line, NEVER_BUILT)] if line else []
    assert _shown(_ci(top / "docker"), top) == expected


def test_jobs_read_where_their_starts_run(tmp_path: Path) -> None:
    steps = BUILD_API + "      - run: |\n          cd docker\n          docker compose -f compose.yaml up -d\n"
    top = _checkout(tmp_path / "repo", {"docker/compose.yaml": SHOP,
                                        ".github/workflows/ci.yml": HEAD.format(defaults="") + steps})
    (job,) = ci_jobs(top / "docker", set())
    assert job.checkout == top and [a.line for a in job.built_at] == [7]
    assert [(s.directory, s.files, s.location.line) for s in job.starts] == [("docker", ("compose.yaml",), 10)]
    assert not job.unknown
