"""missing-mount for a service that runs in a folder its image leaves empty: maybe (tests/replay/maybe).

maybe-finance/maybe's dev container builds 'app' and 'worker' from one Dockerfile that COPYs nothing into its
`WORKDIR /workspace`; 'app' binds `..:/workspace:cached` and `bundle_cache:/bundle`, 'worker' neither, and runs
`bundle exec sidekiq` there: "Could not locate Gemfile or .bundle/ directory" (its fork we-promise/sure's PR #95
added both mounts). doctor said nothing: missing-mount judged only folders an image COPYs. Now such a service is
an error at its line, and one `doctor fix --mounts` gives it the peer's bind and the volume its BUNDLE_PATH names,
in the devcontainer's compose file, the only one compose reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "maybe"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("missing-mount",)
WORKER = "    command: bundle exec sidekiq\n"
MOUNTED = WORKER + "    volumes:\n      - ..:/workspace:cached\n      - bundle_cache:/bundle\n"


def _maybe(tmp_path: Path, worker: str = WORKER) -> Path:
    root = tmp_path / "maybe"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / ".devcontainer" / "docker-compose.yml"
    text = compose.read_text()
    assert text.count(WORKER) == 1
    compose.write_text(text.replace(WORKER, worker))
    return root / ".devcontainer"


def _options(folder: Path) -> ProjectOptions:
    return ProjectOptions(path=folder, env={**ENV, "HOME": str(folder)})


def _found(folder: Path) -> list[tuple[str, int | None, str | None]]:
    options = _options(folder)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.line if f.location else None, f.fix.title if f.fix else None)
            for f in report.findings]


def test_the_worker_without_the_project_is_found_and_mounted_in_one_run(tmp_path: Path) -> None:
    folder = _maybe(tmp_path)
    assert _found(folder) == [(
        "'worker' runs `bundle exec sidekiq` in /workspace, empty in its image: 'app' (same build) mounts .. there",
        36, "mount ..:/workspace:cached and bundle_cache:/bundle for 'worker' as 'app' does, in "
            "docker-compose.yml beside its other mounts")]
    options = _options(folder)
    fix(FixOptions(project=options, families=frozenset({"mounts"}), yes=True, env=dict(options.env)),
        load_registry())
    text = (folder / "docker-compose.yml").read_text()
    assert text == (REPLAY / ".devcontainer" / "docker-compose.yml").read_text().replace(
        "      - redis\n\n  redis:",
        "      - redis\n    volumes:\n      - ..:/workspace:cached\n      - bundle_cache:/bundle\n\n  redis:")
    assert sorted(p.name for p in folder.iterdir()) == ["Dockerfile", "devcontainer.json", "docker-compose.yml"]
    assert _found(folder) == []


def test_the_worker_with_the_mounts_is_fine(tmp_path: Path) -> None:
    assert _found(_maybe(tmp_path, MOUNTED)) == []


def test_an_idle_peer_alone_or_an_image_with_the_code_is_no_fault(tmp_path: Path) -> None:
    """A worker that idles too reads nothing; one whose image COPYs the project has it."""
    assert _found(_maybe(tmp_path / "idle", "    command: sleep infinity\n")) == []
    folder = _maybe(tmp_path / "copied")
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "COPY . /workspace\n")
    assert _found(folder) == []


def test_the_first_peer_binding_there_gives_all_its_binds_over_the_folder(tmp_path: Path) -> None:
    """Peers are looked up by the working folder and the folders above it (no walk over pairs of services): the
    first peer in compose's order with a bind there gives every bind of its own over the folder, in its order."""
    root = tmp_path / "stack"
    (root / "app").mkdir(parents=True)
    (root / "Dockerfile").write_text("FROM ruby:3.3\nWORKDIR /srv/app\n")
    (root / "compose.yaml").write_text(
        "services:\n"
        "  worker:\n    build: .\n    command: bundle exec sidekiq\n"
        "  web:\n    build: .\n    command: rails s\n    volumes:\n      - ./app:/srv/app/app\n      - .:/srv\n"
        "      - ./app:/srv/app/extra\n"
        "  other:\n    build: .\n    command: rails c\n    volumes:\n      - .:/srv/app\n")
    assert _found(root) == [(
        "'worker' runs `bundle exec sidekiq` in /srv/app, empty in its image: 'web' (same build) mounts . there",
        2, "mount .:/srv for 'worker' as 'web' does, in a new dev override compose.override.yaml")]


def test_a_worker_taking_the_peers_mounts_or_an_image_a_run_fills_is_no_fault(tmp_path: Path) -> None:
    """`volumes_from: [app]` gives the worker app's binds; a RUN in the folder (`RUN git clone ... .`) or naming it
    may fill it: neither is an empty folder (a review's finds: both were errors)."""
    assert _found(_maybe(tmp_path / "from", WORKER + "    volumes_from:\n      - app\n")) == []
    folder = _maybe(tmp_path / "cloned")
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "RUN git clone https://example.com/app.git .\n")
    assert _found(folder) == []
    folder = _maybe(tmp_path / "named")
    dockerfile = folder / "Dockerfile"
    text = dockerfile.read_text().replace("WORKDIR /workspace\n", "")
    dockerfile.write_text(text + "RUN git clone https://example.com/app.git /workspace\nWORKDIR /workspace\n")
    assert _found(folder) == []


def test_many_services_of_one_build_are_judged_in_linear_work(tmp_path: Path) -> None:
    """2,000 services of one build, half binding the project, half bare: each bare one is found, its peer the
    first binding service, without a walk over pairs (each folder keeps two peers: the first, and the next)."""
    root = tmp_path / "many"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM ruby:3.3\nWORKDIR /srv\n")
    lines = ["services:"]
    for i in range(1000):
        lines += [f"  bound{i}:", "    build: .", "    command: rails s", "    volumes:", "      - .:/srv"]
        lines += [f"  bare{i}:", "    build: .", "    command: bundle exec sidekiq"]
    (root / "compose.yaml").write_text("\n".join(lines) + "\n")
    found = _found(root)
    assert len(found) == 1000
    assert all(message.endswith("'bound0' (same build) mounts . there") for message, _, _ in found)


@pytest.mark.parametrize("line", ["RUN mkdir -p /workspace\n", "RUN gem install rails\n",
                                  "RUN echo /workspace2 > /etc/x\n", "RUN chown nobody /workspace\n"])
def test_a_run_that_puts_no_code_in_the_folder_leaves_it_empty(tmp_path: Path, line: str) -> None:
    """Only a clone, copy, archive or download into the folder may fill it; a mkdir, chown, an install elsewhere or
    a longer path holding its name does not (a review's finds: each hid the error)."""
    folder = _maybe(tmp_path)
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + line)
    assert [line for _, line, _ in _found(folder)] == [36]


def test_volumes_from_a_service_with_nothing_there_leaves_it_empty(tmp_path: Path) -> None:
    """`volumes_from: [redis]`, redis mounting nothing at /workspace, brings nothing there: still the error."""
    assert [line for _, line, _ in _found(_maybe(tmp_path, WORKER + "    volumes_from:\n      - redis\n"))] == [36]
