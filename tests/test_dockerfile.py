"""read_dockerfile: the context COPY/ADDs and the final WORKDIR, with BuildKit's lexical rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project.dockerfile import instructions, read_dockerfile
from doctor.project.types import CopyInstruction

Read = tuple[tuple[CopyInstruction, ...], str | None]


def _read(tmp_path: Path, text: str, target: str | None = None) -> Read:
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    found = read_dockerfile(path, target)
    assert found.path == path
    return found.copies, found.workdir


def test_plain_copies_resolve_against_the_workdir_in_effect(tmp_path: Path) -> None:
    text = "FROM python:3.12\nWORKDIR /app\nCOPY app/ ./app/\nWORKDIR src\nCOPY tests tests\n"
    copies, workdir = _read(tmp_path, text)
    assert copies == (
        CopyInstruction(("app/",), "/app/app/", 3),
        CopyInstruction(("tests",), "/app/src/tests", 5),
    )
    assert workdir == "/app/src"


def test_stage_copies_and_remote_sources_are_left_out(tmp_path: Path) -> None:
    text = (
        "FROM node:20 AS web\nWORKDIR /web\nCOPY frontend/ .\n"
        "FROM python:3.12\n"
        "COPY --from=web /web/dist /app/static\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/\n"
        "ADD https://example.com/x.tgz /tmp/\n"
        "ADD --checksum=sha256:abc https://example.com/y.tgz local.txt /opt/\n"
    )
    copies, workdir = _read(tmp_path, text)
    assert copies == (CopyInstruction(("local.txt",), "/opt/", 8),)
    assert workdir is None


def test_the_stages_a_stage_copies_from_are_its_staged_copies(tmp_path: Path) -> None:
    # healthchecks: `builder` copies the repo, the final stage copies the built tree from it; a copy
    # from an image (uv) brings no project file; a stage's ancestors' pulls are its own
    path = tmp_path / "Dockerfile"
    path.write_text(
        "FROM python:3.14 AS builder\nCOPY requirements.txt /tmp\nCOPY . /opt/healthchecks/\n"
        "FROM node:20 AS web\nWORKDIR /web\nCOPY frontend/ .\n"
        "FROM python:3.14 AS base\nCOPY --from=web /web/dist /app/static\n"
        "FROM base\nCOPY --from=builder /opt/healthchecks/ /opt/healthchecks/\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/\nCOPY docker/fetchstatus.py /opt/healthchecks/\n"
    )
    found = read_dockerfile(path)
    assert found.copies == (CopyInstruction(("docker/fetchstatus.py",), "/opt/healthchecks/", 12),)
    assert found.staged == (
        CopyInstruction(("requirements.txt",), "/tmp", 2),
        CopyInstruction((".",), "/opt/healthchecks/", 3),
        CopyInstruction(("frontend/",), "/web/", 6),
    )
    assert read_dockerfile(path, "builder").staged == ()


def test_continuations_comments_and_flags(tmp_path: Path) -> None:
    text = (
        "FROM python:3.12\n"
        "WORKDIR /srv\n"
        "COPY --chown=app:app \\\n"
        "     # a comment inside the continuation is dropped\n"
        "\n"
        "     --chmod=0755 scripts/ \\\n"
        "     bin/ \\\n"
        "     /srv/tools/\n"
        "RUN echo done\n"
    )
    copies, _ = _read(tmp_path, text)
    assert copies == (CopyInstruction(("scripts/", "bin/"), "/srv/tools/", 3),)


def test_json_array_form_with_spaces(tmp_path: Path) -> None:
    copies, _ = _read(tmp_path, 'FROM alpine\nWORKDIR /w\nCOPY --link ["my dir/", "other", "./dest/"]\n')
    assert copies == (CopyInstruction(("my dir/", "other"), "/w/dest/", 3),)


def test_heredoc_bodies_are_skipped_not_parsed(tmp_path: Path) -> None:
    text = (
        "FROM alpine\n"
        "RUN <<EOF\n"
        "COPY not-an-instruction /nowhere\n"
        "WORKDIR /wrong\n"
        "EOF\n"
        "COPY <<-CONF /etc/app.conf\n"
        "\tkey = value\n"
        "\tCONF\n"
        "WORKDIR /right\n"
        "COPY real/ ./real/\n"
    )
    copies, workdir = _read(tmp_path, text)
    assert copies == (CopyInstruction(("real/",), "/right/real/", 10),)
    assert workdir == "/right"


def test_final_stage_inherits_from_a_named_stage(tmp_path: Path) -> None:
    text = (
        "ARG BASE=python:3.12\n"
        "FROM ${BASE} AS base\nWORKDIR /app\nCOPY app/ ./app/\n"
        "FROM base AS test\nCOPY tests/ ./tests/\n"
        "FROM alpine AS other\nWORKDIR /other\n"
    )
    copies, workdir = _read(tmp_path, text, target="test")
    assert [c.sources for c in copies] == [("app/",), ("tests/",)]
    assert workdir == "/app"
    copies, workdir = _read(tmp_path, text)
    assert copies == ()
    assert workdir == "/other"


def test_variables_from_arg_and_env_are_expanded(tmp_path: Path) -> None:
    text = (
        "ARG APP_DIR=/global\n"
        "FROM python:3.12\n"
        "ARG APP_DIR\n"
        "ENV HOME_DIR=/home/app SRC=src\n"
        "ENV LEGACY /legacy\n"
        "WORKDIR $APP_DIR\n"
        "COPY ${SRC}/ ${HOME_DIR}/src/\n"
        "COPY $UNKNOWN/ ${LEGACY:-/fallback}/x/\n"
    )
    copies, workdir = _read(tmp_path, text)
    assert copies == (
        CopyInstruction(("src/",), "/home/app/src/", 7),
        CopyInstruction(("$UNKNOWN/",), "/legacy/x/", 8),
    )
    assert workdir == "/global"


def test_escape_directive_changes_the_continuation_character(tmp_path: Path) -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows\nWORKDIR C:\\app\nCOPY src `\n   C:\\app\\src\n"
    copies, _ = _read(tmp_path, text)
    assert copies[0].sources == ("src",)
    assert copies[0].line == 4


@pytest.mark.parametrize("text", ["", "# comment\n", "COPY a /b\n", "FROM\n", "FROM x\nCOPY onlyone\n"])
def test_degenerate_files_give_no_copies(tmp_path: Path, text: str) -> None:
    assert _read(tmp_path, text)[0] == ()


def test_unreadable_file_is_empty(tmp_path: Path) -> None:
    assert read_dockerfile(tmp_path / "missing").copies == ()


def test_instruction_lines_are_where_they_start(tmp_path: Path) -> None:
    found = list(instructions("FROM a\n\nRUN x \\\n  y\nCOPY . /\n"))
    assert [(i.keyword, i.line) for i in found] == [("FROM", 1), ("RUN", 3), ("COPY", 5)]
    assert found[1].args == "x y"


def test_corpus_dockerfile(shared_dir: Path) -> None:
    path = shared_dir / "corpus" / "fastapi__full-stack-fastapi-template" / "backend" / "Dockerfile"
    found = read_dockerfile(path)
    assert found.workdir == "/app/backend"
    assert [(c.sources, c.destination) for c in found.copies] == [
        (("./backend/scripts",), "/app/backend/scripts"),
        (("./backend/pyproject.toml", "./backend/alembic.ini"), "/app/backend/"),
        (("./backend/app",), "/app/backend/app"),
    ]
