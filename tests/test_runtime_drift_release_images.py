"""runtime-drift hears the Dockerfiles no compose service builds: the image the project's CI releases.

umami-software/umami's compose pulls `ghcr.io/umami-software/umami:latest`, built by CI from the
root Dockerfile (`ARG NODE_IMAGE_VERSION="22-alpine"`, then `FROM node:${NODE_IMAGE_VERSION}`);
sissbruecker/linkding's pulls `sissbruecker/linkding:latest`, built from
`docker/default.Dockerfile` (`FROM --platform=$BUILDPLATFORM node:22-alpine`), while its CI tests
the assets on node 20. Both Dockerfiles were ignored: no compose service builds them.
"""

from __future__ import annotations

from pathlib import Path

from test_runtime_drift_real import _findings, _write  # a git checkout of the files; the check's findings

from doctor.model import Finding

UMAMI_COMPOSE = ("services:\n  umami:\n    image: ghcr.io/umami-software/umami:latest\n    ports:\n"
                 "      - \"3000:3000\"\n  db:\n    image: postgres:15-alpine\n")
UMAMI_DOCKERFILE = ('ARG NODE_IMAGE_VERSION="22-alpine"\n\n# Install dependencies only when needed\n'
                    "FROM node:${NODE_IMAGE_VERSION} AS deps\nRUN apk add --no-cache libc6-compat\n\n"
                    "FROM node:${NODE_IMAGE_VERSION} AS runner\nCMD [\"pnpm\", \"start-docker\"]\n")
CI = ("name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n"
      "          node-version: {node}\n      - run: npm ci\n")
LINKDING_COMPOSE = "services:\n  linkding:\n    image: sissbruecker/linkding:latest\n"
LINKDING_DOCKERFILE = ("# Run on the native build platform, the JS/CSS output is architecture-independent.\n"
                       "FROM --platform=$BUILDPLATFORM node:22-alpine AS node-build\nWORKDIR /etc/linkding\n\n"
                       "FROM python:3.13.7-slim-trixie AS linkding\n")


def _shown(findings: list[Finding], root: Path) -> list[tuple[str, int | None, str]]:
    return [(f.location.path.relative_to(root).as_posix(), f.location.line, f.message) for f in findings if f.location]


def test_umami_root_dockerfile_from_an_arg_default_is_a_voice(tmp_path: Path) -> None:
    root = _write(tmp_path / "umami", {"docker-compose.yml": UMAMI_COMPOSE, "Dockerfile": UMAMI_DOCKERFILE,
                                       ".nvmrc": "18\n", ".github/workflows/ci.yml": CI.format(node=22)})
    assert _shown(_findings(root, tmp_path), root) == [
        (".nvmrc", 1, "node 18 (.nvmrc 18), elsewhere 22: Dockerfile:1, .github/workflows/ci.yml:10")]


def test_umami_as_shipped_agrees(tmp_path: Path) -> None:
    root = _write(tmp_path / "umami", {"docker-compose.yml": UMAMI_COMPOSE, "Dockerfile": UMAMI_DOCKERFILE,
                                       ".github/workflows/ci.yml": CI.format(node=22)})
    assert _findings(root, tmp_path) == []


def test_linkding_ci_node_against_the_released_image(tmp_path: Path) -> None:
    root = _write(tmp_path / "linkding", {"docker-compose.yml": LINKDING_COMPOSE,
                                          "docker/default.Dockerfile": LINKDING_DOCKERFILE,
                                          "pyproject.toml": '[project]\nrequires-python = ">=3.13"\n',
                                          ".github/workflows/main.yaml": CI.format(node=20)})
    assert _shown(_findings(root, tmp_path), root) == [(
        ".github/workflows/main.yaml", 10, "node 20 (CI node-version: 20), elsewhere 22: docker/default.Dockerfile:2")]


def test_dockerfiles_deeper_than_docker_or_alone_are_no_voice(tmp_path: Path) -> None:
    # an example's Dockerfile speaks for the example; Dockerfiles alone disagree only with each other
    root = _write(tmp_path / "p", {"docker-compose.yml": UMAMI_COMPOSE, "Dockerfile": UMAMI_DOCKERFILE,
                                   "examples/next/Dockerfile": "FROM node:18-alpine\n",
                                   "docker/tools/Dockerfile": "FROM node:16\n",
                                   "docker/legacy.Dockerfile": "FROM node:18\n"})
    assert _findings(root, tmp_path) == []
    (root / ".github/workflows").mkdir(parents=True)
    (root / ".github/workflows/ci.yml").write_text(CI.format(node=22))
    assert _shown(_findings(root, tmp_path), root) == [(
        "docker/legacy.Dockerfile", 1,
        "node 18 (FROM node:18), elsewhere 22: Dockerfile:1, .github/workflows/ci.yml:10")]


def test_a_dockerfile_compose_builds_is_read_once_with_its_build_args(tmp_path: Path) -> None:
    compose = "services:\n  web:\n    build:\n      context: .\n      args:\n        NODE_IMAGE_VERSION: 20-alpine\n"
    root = _write(tmp_path / "p", {"docker-compose.yml": compose, "Dockerfile": UMAMI_DOCKERFILE,
                                   ".github/workflows/ci.yml": CI.format(node=22)})
    # compose's arg (20) is what the build uses; the ARG default 22 is not read a second time
    assert [(p, line) for p, line, _ in _shown(_findings(root, tmp_path), root)] == [("docker-compose.yml", 6)]
