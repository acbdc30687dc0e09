"""A service whose start only reads the code (a language server, a linter): hcb (tests/replay/hcb).

hackclub/hcb's `docker_start.sh --with-solargraph` runs `-f docker-compose.yml -f
docker-compose.solargraph.yml`: 'solargraph' builds the app's Dockerfile, binds the checkout and runs
`bundle exec solargraph socket`, the editor's language server. With `.env.development` copied from its
example (as docker_dev_setup.sh does), preflight said 'TEST_URL_HOST=localhost is 'solargraph' itself in its
container (did you mean 'web'?): 'solargraph' reads TEST_URL_HOST in app/services/markdown_service.rb', an
error whose advice was to set TEST_URL_HOST=web:3000 for it: the Rails app's dotenv railtie was taken to
load `.env.development` in every service on the Ruby image that carries the app, though solargraph only
parses the code and never boots Rails. Now a service whose start is such a tool loads no railtie and reads
no config/*.yml default; one that starts Rails there is judged as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import Project, ProjectOptions
from doctor.project.code_readers import code_reader

REPLAY = Path(__file__).parent / "replay" / "hcb"
FILES = ("docker-compose.yml", "docker-compose.solargraph.yml")
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("leaked-host-port", "dotenv-override", "service-name-drift")
SOLARGRAPH = "command: bundle exec solargraph socket --host=0.0.0.0 --port=7658"


def _hcb(tmp_path: Path, command: str | None = None) -> Path:
    root = tmp_path / "hcb"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.development.example", root / ".env.development")
    if command is not None:
        path = root / "docker-compose.solargraph.yml"
        text = path.read_text()
        assert text.count(SOLARGRAPH) == 1
        path.write_text(text.replace(SOLARGRAPH, f"command: {command}"))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, files=FILES, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.message, f.location.line if f.location else None) for f in report.findings]


def test_the_language_server_dials_nothing_as_cloned(tmp_path: Path) -> None:
    assert _found(_hcb(tmp_path)) == []


def test_a_service_starting_rails_there_is_still_judged(tmp_path: Path) -> None:
    """The same service running the app: the railtie's `.env.development` is its, and localhost:3000 is
    itself, where 'web' listens."""
    found = _found(_hcb(tmp_path, "bundle exec rails s -p 7658 -b 0.0.0.0"))
    assert [(check, line) for check, _, line in found] == [("leaked-host-port", 26)]
    # the value's port is named since 4f2b9046 (`.env.development`'s TEST_URL_HOST=localhost:3000)
    assert "TEST_URL_HOST=localhost:3000 is 'solargraph' itself in its container (did you mean 'web'?)" in found[0][1]


@pytest.mark.parametrize(("command", "tool"), [
    ("bundle exec solargraph socket --host=0.0.0.0 --port=7658", "solargraph"),
    ('sh -c "bundle exec rubocop --lsp"', "rubocop"),
    ("bin/bundle exec ruby-lsp", None),  # its Rails add-on runs `rails runner` of the app
    ("bundle exec rails s -b 0.0.0.0", None),
    ('sh -c "bundle install && bundle exec solargraph socket"', None),
    ("./bin/dev", None),
])
def test_which_starts_only_read_the_code(tmp_path: Path, command: str, tool: str | None) -> None:
    root = _hcb(tmp_path, command)
    project = Project(_options(root))
    assert code_reader(project, project.services["solargraph"]) == tool
    assert code_reader(project, project.services["web"]) is None  # `bash -c '...; ./bin/dev'`
