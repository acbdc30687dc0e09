"""host-vs-container: npm's pre/post hooks go with their script, and a release script is the host's.

brocoders/nestjs-boilerplate (tests/replay/nestjs-boilerplate) with a dev override running `npm run start:dev`
over a bind of the checkout: preflight gave 36 warnings, one per package.json script, among them
`postmigration:generate` (`npm run lint -- --fix`), which npm itself runs after `npm run
migration:generate`, as a finding of its own, and `release` (`release-it`), which tags, pushes and
publishes with the host's git and credentials, advised as `docker compose run --rm api npm run release`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.command_roles import publishes

NEST = Path(__file__).parent / "replay" / "nestjs-boilerplate"
DEV_OVERRIDE = ("services:\n  api:\n    command: npm run start:dev\n    volumes:\n      - .:/usr/src/app\n"
                "      - /usr/src/app/node_modules\n")


def _findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scripts: dict[str, str] | None = None
              ) -> dict[str, Finding]:
    import doctor.host.containers

    root = tmp_path / "nestjs-boilerplate"
    shutil.copytree(NEST, root)
    (root / ".env").write_text((root / "env-example-relational").read_text())
    (root / "docker-compose.override.yaml").write_text(DEV_OVERRIDE)
    if scripts is not None:
        manifest = json.loads((root / "package.json").read_text())
        manifest["scripts"] = scripts
        (root / "package.json").write_text(json.dumps(manifest, indent=2))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    found = HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)
    return {f.message.split("npm script ")[1].split(")")[0].strip("'"): f for f in found}


def test_a_hook_is_part_of_its_main_scripts_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(tmp_path, monkeypatch)
    assert "postmigration:generate" not in found and "postseed:create:relational" not in found
    assert found["migration:generate"].message.endswith(
        "; npm runs 'postmigration:generate' after it (package.json:11)")
    assert found["migration:generate"].location is not None and found["migration:generate"].location.line == 10


def test_a_hook_of_a_script_not_advised_is_not_advised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `build` is what the image's RUN and `up` make: not advised, and neither is its `prebuild` (rimraf dist)
    found = _findings(tmp_path, monkeypatch)
    assert "build" not in found and "prebuild" not in found


def test_a_release_script_is_the_hosts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings(tmp_path, monkeypatch)
    assert "release" not in found and "test" in found
    assert len(found) == 25  # of 36: 10 hooks and release


def test_a_pre_hook_is_named_before_and_publishing_is_read_in_a_chain(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = {"start:dev": "nest start --watch", "pretest": "eslint src", "test": "jest",
               "ship": "standard-version && git push --follow-tags && npm publish", "lint": "eslint src"}
    found = _findings(tmp_path, monkeypatch, scripts)
    assert sorted(found) == ["lint", "test"]
    assert found["test"].message.endswith("; npm runs 'pretest' before it (package.json:10)")


@pytest.mark.parametrize(("words", "published"), [
    (["release-it"], True), (["semantic-release", "--dry-run"], True), (["np"], True),
    (["changeset", "publish"], True), (["npm", "publish", "--access", "public"], True),
    (["changeset", "version"], False), (["npm", "run", "publish-docs"], False), (["jest"], False),
])
def test_publishing_tools(words: list[str], published: bool) -> None:
    assert publishes(words[0], words[1:]) is published
