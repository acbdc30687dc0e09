"""project.edits.override_edit for environment keys: a key the override already sets is rewritten
on its own line (every other byte kept), a missing one is added in the file's style."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project.edits import override_edit

LIST = """\
services:
  playwright:
    environment:
      - PLAYWRIGHT_BASE_URL=http://backend:8000
      - {line}
      # For the reports when run locally
      - PLAYWRIGHT_HTML_HOST=0.0.0.0

  mailcatcher:
    image: schickling/mailcatcher
"""


def _edit(tmp_path: Path, text: str, wanted: dict[str, dict[str, str]],
          written: dict[str, dict[str, int]] | None = None) -> str | None:
    path = tmp_path / "compose.override.yml"
    path.write_text(text)
    edit = override_edit(path, "environment", wanted, written)
    if edit is None:
        return None
    assert isinstance(edit.new, str) and edit.old == text
    return edit.new


# the first row is already right and must stay untouched
@pytest.mark.parametrize(("line", "value", "expected"), [
    ("VITE_API_URL=http://backend:8000", "http://backend:8000", None),
    ("VITE_API_URL=http://localhost:8000", "http://backend:8000", "VITE_API_URL=http://backend:8000"),
    ("VITE_API_URL=http://localhost:8000  # from the host", "http://backend:8000",
     "VITE_API_URL=http://backend:8000  # from the host"),
    ('"VITE_API_URL=http://localhost:8000"', "http://backend:8000", '"VITE_API_URL=http://backend:8000"'),
    ("'VITE_API_URL=http://localhost:8000'", "it's", "'VITE_API_URL=it''s'"),
    ("VITE_API_URL", "http://backend:8000", "VITE_API_URL=http://backend:8000"),
    ("VITE_API_URL=x", "a #b", '"VITE_API_URL=a #b"'),
    ("VITE_API_URL=x", "p$ss", "VITE_API_URL=p$$ss"),
])
def test_a_list_item_is_rewritten_on_its_line_only(tmp_path: Path, line: str, value: str,
                                                   expected: str | None) -> None:
    text = LIST.format(line=line)
    new = _edit(tmp_path, text, {"playwright": {"VITE_API_URL": value}}, {"playwright": {"VITE_API_URL": 5}})
    assert new == (None if expected is None else LIST.format(line=expected))


@pytest.mark.parametrize(("line", "expected"), [
    ("POSTGRES_PORT: ${POSTGRES_PORT}", "POSTGRES_PORT: 5432"),
    ('POSTGRES_PORT: "5433"   # moved off the host\'s 5432', 'POSTGRES_PORT: "5432"   # moved off the host\'s 5432'),
    ("'POSTGRES_PORT': '5433'", "'POSTGRES_PORT': '5432'"),
    ("POSTGRES_PORT:", "POSTGRES_PORT: 5432"),
    ("POSTGRES_PORT:  # set me", "POSTGRES_PORT:  5432 # set me"),
])
def test_a_mapping_entry_keeps_its_quoting_and_comment(tmp_path: Path, line: str, expected: str) -> None:
    text = f"services:\n  backend:\n    environment:\n      {line}\n      SMTP_TLS: \"false\"\n"
    new = _edit(tmp_path, text, {"backend": {"POSTGRES_PORT": "5432"}}, {"backend": {"POSTGRES_PORT": 4}})
    assert new == text.replace(line, expected)


@pytest.mark.parametrize("line", ["POSTGRES_PORT: |", "POSTGRES_PORT: &port 5433", "POSTGRES_PORT: [5433]",
                                  "OTHER: 1", '"POSTGRES_PORT: 5433'])
def test_a_line_that_is_not_one_simple_entry_is_advice(tmp_path: Path, line: str) -> None:
    text = f"services:\n  backend:\n    environment:\n      {line}\n"
    assert _edit(tmp_path, text, {"backend": {"POSTGRES_PORT": "5432"}}, {"backend": {"POSTGRES_PORT": 4}}) is None


def test_an_added_key_goes_above_the_blank_line_that_separates_services(tmp_path: Path) -> None:
    text = LIST.format(line="CI=${CI:-}")
    new = _edit(tmp_path, text, {"playwright": {"VITE_API_URL": "http://backend:8000"}})
    assert new == text.replace("0.0.0.0\n", "0.0.0.0\n      - VITE_API_URL=http://backend:8000\n")


def test_a_service_missing_from_the_override_is_added(tmp_path: Path) -> None:
    text = LIST.format(line="CI=${CI:-}")
    new = _edit(tmp_path, text, {"worker": {"DATABASE_URL": "postgresql://db:5432/app"}})
    assert new == text + '  worker:\n    environment:\n      DATABASE_URL: "postgresql://db:5432/app"\n'


def test_a_rewrite_and_an_addition_in_one_edit(tmp_path: Path) -> None:
    text = LIST.format(line="VITE_API_URL=http://localhost:8000")
    new = _edit(tmp_path, text, {"playwright": {"VITE_API_URL": "http://backend:8000", "API_HOST": "backend"}},
                {"playwright": {"VITE_API_URL": 5}})
    assert new == LIST.format(line="VITE_API_URL=http://backend:8000").replace(
        "0.0.0.0\n", "0.0.0.0\n      - API_HOST=backend\n")


NAUTOBOT_DEV = """\
# We can't remove volumes in a compose override (nautobot's development/docker-compose.dev.yml)
# see:  https://github.com/docker/compose/issues/3729
---
services:
  nautobot:
    volumes:
      - ../:/source
  mkdocs:
    volumes:
      - ../:/source
"""


@pytest.mark.parametrize("fast", [True, False], ids=["plain-text", "round-trip"])
def test_a_document_start_after_the_leading_comments_stays(tmp_path: Path, fast: bool) -> None:
    """The `---` below the file's comments was dropped by `fix --env` (a line the fix did not mean to touch)."""
    from doctor.project.edits import _override_edit

    path = tmp_path / "docker-compose.dev.yml"
    path.write_text(NAUTOBOT_DEV)
    edit = _override_edit(path, "environment", {"nautobot": {"NAUTOBOT_REDIS_HOST": "redis"}}, None, fast=fast)
    assert edit is not None
    assert edit.new == NAUTOBOT_DEV.replace("      - ../:/source\n  mkdocs:",
                                            "      - ../:/source\n    environment:\n"
                                            "      NAUTOBOT_REDIS_HOST: redis\n  mkdocs:")


def test_a_port_override_keeps_the_document_start_after_the_comments(tmp_path: Path) -> None:
    from doctor.project.yamledit import override_ports

    new = override_ports(NAUTOBOT_DEV, "mkdocs", ["8002:8080"])
    assert "# see:  https://github.com/docker/compose/issues/3729\n---\nservices:\n" in new


@pytest.mark.parametrize(("listed", "expected"), [
    (None, "docker-compose.override.yml"),  # no devcontainer: compose discovers the new override
    ('"docker-compose.yml"', None),  # saleor's .devcontainer: `-f docker-compose.yml` alone
    ('[\n    "docker-compose.yml",\n    "docker-compose.override.yml" // mine\n  ]', "docker-compose.override.yml"),
])
def test_a_new_override_only_where_the_devcontainer_reads_it(tmp_path: Path, listed: str | None,
                                                             expected: str | None) -> None:
    """saleor's .devcontainer: `fix --env` wrote CACHE_URL into a new docker-compose.override.yml and
    called it fixed, but the devcontainer CLI starts the stack with `-f docker-compose.yml` only."""
    from doctor.project import Project, ProjectOptions
    from doctor.project.edits import dev_override

    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "docker-compose.yml").write_text("services:\n  saleor:\n    image: python:3.12\n")
    if listed is not None:
        (folder / "devcontainer.json").write_text(f'{{\n  "name": "Saleor",\n  "dockerComposeFile": {listed},\n'
                                                  '  "service": "saleor"\n}\n')
    found = dev_override(Project(ProjectOptions(path=folder, env={})))
    assert found == (None if expected is None else folder / expected)


def test_a_commented_out_compose_file_list_is_not_the_devcontainer_s(tmp_path: Path) -> None:
    """devcontainer.json is JSON with comments: an old `"dockerComposeFile"` left in a comment is not
    the list the CLI passes as -f (the one below it, which reads the override, is)."""
    from doctor.project import Project, ProjectOptions
    from doctor.project.edits import dev_override

    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "docker-compose.yml").write_text("services:\n  saleor:\n    image: python:3.12\n")
    (folder / "devcontainer.json").write_text(
        '{\n  // "dockerComposeFile": "docker-compose.yml",\n'
        '  "dockerComposeFile": ["docker-compose.yml", "docker-compose.override.yml",],\n'
        '  "service": "saleor",\n}\n')
    found = dev_override(Project(ProjectOptions(path=folder, env={})))
    assert found == folder / "docker-compose.override.yml"


@pytest.mark.parametrize(("listed", "expected"), [
    (None, "docker-compose.override.yml"),  # no devcontainer at the top
    ('"../dev/containers/docker-compose.yml"', None),  # wiki.js: -f dev/containers/docker-compose.yml alone
    ('["../dev/containers/docker-compose.yml"]', None),
    ('["../dev/containers/docker-compose.yml", "../dev/containers/docker-compose.override.yml"]',
     "docker-compose.override.yml"),
    ('"../dev/other/docker-compose.yml"', "docker-compose.override.yml"),  # starts another project's file
])
def test_a_devcontainer_at_the_checkout_top_that_starts_the_file_decides(tmp_path: Path, listed: str | None,
                                                                        expected: str | None) -> None:
    """wiki.js: .devcontainer/devcontainer.json at the checkout's top starts
    `../dev/containers/docker-compose.yml` (relative to its own folder) alone, so a new override beside
    that file is never read; doctor looked for a devcontainer.json in dev/containers/ only."""
    from doctor.project import Project, ProjectOptions
    from doctor.project.edits import dev_override

    (tmp_path / ".git").mkdir()
    folder = tmp_path / "dev" / "containers"
    folder.mkdir(parents=True)
    (folder / "docker-compose.yml").write_text("services:\n  wiki:\n    image: node:20\n")
    if listed is not None:
        (tmp_path / ".devcontainer").mkdir()
        (tmp_path / ".devcontainer" / "devcontainer.json").write_text(
            f'{{\n  "name": "Wiki.js",\n  "dockerComposeFile": {listed},\n  "service": "wiki",\n}}\n')
    found = dev_override(Project(ProjectOptions(path=folder, env={})))
    assert found == (None if expected is None else folder / expected)


OPEN_WEBUI = """\
services:
  ollama:
    image: ollama/ollama:${OLLAMA_DOCKER_TAG-latest}
  open-webui:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: http://localhost:11434
"""
OLLAMA_API = "services:\n  ollama:\n    ports:\n      - ${OLLAMA_WEBAPI_PORT-11434}:11434\n"
WHOLE_DEV = "services:\n  ollama:\n    tty: true\n  open-webui:\n    tty: true\n"


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("docker-compose.dev.yaml", OLLAMA_API, True),  # its name says it is the dev override
    ("docker-compose.extra.yaml", WHOLE_DEV, True),  # it configures every service of the stack
    ("docker-compose.api.yaml", OLLAMA_API, False),  # open-webui's: only publishes ollama's port
    ("docker-compose.prod.yaml", WHOLE_DEV, False),
])
def test_the_last_f_file_is_the_dev_override_only_when_it_overrides_the_dev_stack(
        tmp_path: Path, name: str, text: str, expected: bool) -> None:
    """open-webui: `fix -f docker-compose.yaml -f docker-compose.api.yaml` wrote open-webui's
    OLLAMA_BASE_URL into docker-compose.api.yaml, an add-on that publishes ollama's port: a run
    without that -f brought the fault back."""
    from doctor.project import Project, ProjectOptions
    from doctor.project.edits import dev_override

    (tmp_path / "docker-compose.yaml").write_text(OPEN_WEBUI)
    (tmp_path / name).write_text(text)
    files = (tmp_path / "docker-compose.yaml", tmp_path / name)
    found = dev_override(Project(ProjectOptions(path=tmp_path, files=files, env={})))
    assert found == (tmp_path / name if expected else None)


def test_a_literal_in_the_base_file_is_fixed_on_its_line_not_in_a_feature_add_on(tmp_path: Path) -> None:
    from doctor.checks.leaked_host_port import LeakedHostPort

    from doctor.host import Host
    from doctor.project import Project, ProjectOptions

    base, api = tmp_path / "docker-compose.yaml", tmp_path / "docker-compose.api.yaml"
    base.write_text(OPEN_WEBUI)
    api.write_text(OLLAMA_API)
    project = Project(ProjectOptions(path=tmp_path, files=(base, api), env={}))
    findings = list(LeakedHostPort().run(project, Host(env={})))
    edits = [e for f in findings if f.fix is not None for e in f.fix.edits]
    assert [(e.path, e.new) for e in edits] == [(base, "      OLLAMA_BASE_URL: http://ollama:11434")]
