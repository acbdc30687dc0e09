"""image-availability and GitLab CI: a `.gitlab-ci.yml` job on a dind engine that builds some of the
images compose needs and starts a service whose local image no line of its scripts builds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from doctor.checks.image_availability import ImageAvailability

from doctor.model import relative_to
from doctor.project import Project, ProjectOptions
from doctor.project.gitlab_jobs import gitlab_jobs

COMPOSE = """\
services:
  api:
    image: shop-api:ci
  worker:
    image: shop-worker:${TAG:-ci}
    depends_on: [redis]
  redis:
    image: redis:7
"""
HEAD = "stages: [test]\n\ne2e:\n  image: docker:27\n  services:\n    - docker:dind\n"
PIPELINES = {
    # line 8 starts compose; shop-worker:ci is built by no line
    "one-built": HEAD + "  script:\n    - docker build -t shop-api:ci ./api\n    - docker compose up -d\n",
    "all-built-in-a-block": HEAD + "  before_script:\n    - |\n      docker build -t shop-api:ci ./api\n"
                            "      docker build --tag=shop-worker:ci -f worker/Dockerfile .\n"
                            "  script:\n    - docker compose up -d\n",
    "tagged": HEAD + "  script:\n    - docker build -t shop-api:ci ./api\n    - docker tag shop-api:ci shop-worker:ci\n"
              "    - docker compose up -d\n",
    "reference": ".build:\n  script:\n    - docker build -t shop-worker:ci worker\n\n" + HEAD +
                 "  script:\n    - docker build -t shop-api:ci ./api\n    - !reference [.build, script]\n"
                 "    - docker compose up -d\n",
    "kaniko": HEAD + "  script:\n    - /kaniko/executor --context worker --destination shop-worker:ci\n"
              "    - docker build -t shop-api:ci ./api\n    - docker compose up -d\n",
    "no-dind": HEAD.replace("  services:\n    - docker:dind\n", "  tags: [shell]\n") +
               "  script:\n    - docker build -t shop-api:ci ./api\n    - docker compose up -d\n",
    "variable": HEAD + "  variables:\n    TAG: ci2\n"
                "  script:\n    - docker build -t shop-api:ci ./api\n    - docker compose up -d\n",
    "elsewhere": HEAD + "  script:\n    - docker build -t shop-api:ci ./api\n    - cd e2e && docker compose up -d\n",
    "hidden": "." + HEAD[len("stages: [test]\n\n"):] + "  script:\n    - docker build -t shop-api:ci ./api\n"
              "    - docker compose up -d\n",
}


def _project(tmp_path: Path, pipeline: str, compose: str = COMPOSE) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text(compose)
    (root / ".gitlab-ci.yml").write_text(pipeline)
    return root


def _found(root: Path, tmp_path: Path) -> list[tuple[str, int | None, str, str | None]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    findings = list(ImageAvailability().ci_findings(Project(ProjectOptions(path=root, env=env))))
    return [(relative_to(f.location.path, root), f.location.line, f.message, f.fix.title if f.fix else None)
            for f in findings if f.location]


NEVER_BUILT = ("CI job 'e2e' never builds 'shop-worker:ci', which 'worker' needs: 'docker compose up' tries to pull it")


@pytest.mark.parametrize(("case", "found"), [
    ("one-built", [(".gitlab-ci.yml", 9, NEVER_BUILT,
                    "build 'shop-worker:ci' in job 'e2e' before .gitlab-ci.yml:9 (or run docker compose build)")]),
    ("all-built-in-a-block", []), ("tagged", []), ("reference", []), ("kaniko", []), ("no-dind", []),
    ("variable", []), ("elsewhere", []), ("hidden", []),
])
def test_a_gitlab_job_that_builds_some_local_images_but_not_all(tmp_path: Path, case: str,
                                                                  found: list[object]) -> None:
    compose = COMPOSE if case == "variable" else COMPOSE.replace("${TAG:-ci}", "ci")
    assert _found(_project(tmp_path, PIPELINES[case], compose), tmp_path) == found


def test_script_lines_are_read_where_they_are_written(tmp_path: Path) -> None:
    root = _project(tmp_path, PIPELINES["all-built-in-a-block"] + "    - docker compose run --rm worker pytest\n")
    (job,) = gitlab_jobs(root, set())
    assert job.built == ("shop-api:ci", "shop-worker:ci")
    assert [a.line for a in job.built_at] == [9, 10]
    assert [(s.verb, s.services, s.location.line) for s in job.starts] == [("up", (), 12), ("run", ("worker",), 13)]
    assert job.checkout == root and not job.unknown


def test_a_template_from_an_included_file_and_a_cd_from_the_project_dir(tmp_path: Path) -> None:
    """The job extends an included `.docker` template (dind, a before_script that builds the api) and
    runs compose from `$CI_PROJECT_DIR/docker`; the template's build line is in the included file."""
    top = tmp_path / "p"
    (top / "docker").mkdir(parents=True)
    (top / "ci").mkdir()
    (top / "docker" / "compose.yaml").write_text(COMPOSE.replace("shop-worker:${TAG:-ci}", "shop-api:latest"))
    (top / "ci" / "docker.yml").write_text(
        ".docker:\n  services:\n    - name: docker:27-dind\n  before_script:\n    - docker build -t shop-api:ci api\n")
    (top / ".gitlab-ci.yml").write_text(
        "include:\n  - local: ci/docker.yml\n\ne2e:\n  extends: .docker\n  image: docker:27\n"
        "  script:\n    - cd $CI_PROJECT_DIR/docker\n    - docker compose up -d\n")
    subprocess.run(["git", "init", "-q", str(top)], check=True)  # the pipeline is the repository top's
    found = _found(top / "docker", tmp_path)
    # paths are shown from the project's folder, as a workflow's are
    assert found == [(str(top / ".gitlab-ci.yml"), 9,
                      "CI job 'e2e' builds 'shop-api:ci' (../ci/docker.yml:5), 'worker' needs "
                      "'shop-api:latest': 'docker compose up' tries to pull it",
                      "also tag 'shop-api:latest' where ../ci/docker.yml:5 builds 'shop-api:ci', "
                      "or set image: shop-api:ci on 'worker'")]


def test_default_before_script_and_inherit(tmp_path: Path) -> None:
    pipeline = ("default:\n  services: [docker:dind]\n  before_script:\n    - docker build -t shop-worker:ci worker\n\n"
                "e2e:\n  script:\n    - docker build -t shop-api:ci ./api\n    - docker compose up -d\n")
    compose = COMPOSE.replace("${TAG:-ci}", "ci")
    assert _found(_project(tmp_path, pipeline, compose), tmp_path) == []
    # without the default before_script (services kept) the worker's image is built by no line
    inherit = pipeline + "  inherit:\n    default: [services]\n"
    (tmp_path / "p" / ".gitlab-ci.yml").write_text(inherit)
    assert [f[1:3] for f in _found(tmp_path / "p", tmp_path)] == [(9, NEVER_BUILT)]
