"""The project's own wrappers of compose that name its files (`-f`), which so read no override."""

from __future__ import annotations

from pathlib import Path

from trees import write_tree

from doctor.project.compose_wrappers import override_left_out, wrappers

JOANIE = """#!/usr/bin/env bash
REPO_DIR="$(cd "$( dirname "${BASH_SOURCE[0]}" )/.." && pwd)"
COMPOSE_FILE="${REPO_DIR}/docker-compose.yml"
COMPOSE_PROJECT="joanie"

function _docker_compose() {
    docker compose \\
        -p "${COMPOSE_PROJECT}" \\
        -f "${COMPOSE_FILE}" \\
        --project-directory "${REPO_DIR}" \\
        "$@"
}
"""


def test_a_script_naming_the_base_file_alone_reads_no_override(tmp_path: Path) -> None:
    write_tree(tmp_path, {"bin/_config.sh": JOANIE, "docker-compose.yml": "services: {}\n"})
    (found,) = override_left_out(tmp_path, tmp_path / "docker-compose.override.yml")
    assert (found.path.name, found.line) == ("_config.sh", 7)  # the command's first line
    assert found.names[0].endswith("/docker-compose.yml")


def test_what_reads_the_override_or_runs_another_stack_is_left_alone(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "Makefile": ("up:\n\tdocker compose -f compose.yaml -f compose.override.yaml up -d\n"
                     "prod:\n\tdocker compose -f compose.yaml -f compose.prod.yaml up -d\n"
                     "logs:\n\tdocker compose logs -f web\n"
                     "remote:\n\tssh host 'docker compose -f compose.yaml up -d'\n"
                     "# docker compose -f compose.yaml up\n"),
        "scripts/deploy.sh": "#!/bin/sh\ndocker compose -f \"${COMPOSE_FILE:-}\" up -d\n",  # a name not known
        "scripts/notes.txt": "docker compose -f compose.yaml up\n",  # no script
    })
    assert override_left_out(tmp_path, tmp_path / "compose.override.yaml") == []
    names = {w.names for w in wrappers(tmp_path)}
    assert names == {("compose.yaml", "compose.override.yaml"), ("compose.yaml", "compose.prod.yaml"), ("",)}


def test_a_makefile_variable_and_an_exported_compose_file_pin_the_files(tmp_path: Path) -> None:
    # evrone/go-clean-template: `BASE_STACK = docker compose -f docker-compose.yml`
    write_tree(tmp_path, {"Makefile": "BASE_STACK = docker compose -f docker-compose.yml\nup:\n\t$(BASE_STACK) up\n",
                          "dev.sh": "#!/bin/bash\nexport COMPOSE_FILE=docker-compose.yml\ndocker compose up\n"})
    found = override_left_out(tmp_path, tmp_path / "docker-compose.override.yml")
    assert [(w.path.name, w.line) for w in found] == [("Makefile", 1), ("dev.sh", 2)]


def test_fix_says_when_the_projects_wrapper_will_not_read_the_override_it_writes(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as held:
        held.bind(("0.0.0.0", 0))
        held.listen()
        port = held.getsockname()[1]
        write_tree(tmp_path / "p", {
            "compose.yaml": f"services:\n  web:\n    image: x\n    ports:\n      - \"{port}:80\"\n",
            "bin/dc": "#!/bin/sh\nexec docker compose -f compose.yaml \"$@\"\n"})
        env = {**os.environ, "HOME": str(tmp_path), "DOCKER_HOST": f"unix://{tmp_path}/none.sock",
               "XDG_STATE_HOME": str(tmp_path / "state"), "DOCTOR_NO_CACHE": "1"}
        for dry in (["--dry-run"], []):
            done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", "--yes", *dry], cwd=tmp_path / "p",
                                  env=env, capture_output=True, text=True, timeout=120)
            assert ("note: bin/dc:2 runs docker compose with -f compose.yaml, which does not read "
                    "compose.override.yaml") in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "p" / "compose.override.yaml").is_file()


def test_a_makefile_at_the_checkout_top_naming_the_compose_file_of_a_subfolder_reads_no_override(
        tmp_path: Path) -> None:
    """Leantime: the top makefile's `run-dev` runs `docker compose --file .dev/docker-compose.yaml up`,
    and `doctor fix` in .dev/ writes .dev/docker-compose.override.yml: the base is the file compose finds
    beside the override (`.yaml`, where the override is `.yml`), and the makefile is the checkout's."""
    import subprocess

    write_tree(tmp_path, {"makefile": "run-dev:\n\tdocker compose --file .dev/docker-compose.yaml up\n",
                          ".dev/docker-compose.yaml": "services: {}\n",
                          "other/docker-compose.yaml": "services: {}\n"})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (found,) = override_left_out(tmp_path / ".dev", tmp_path / ".dev" / "docker-compose.override.yml")
    assert (found.path.name, found.line) == ("makefile", 2)
    assert override_left_out(tmp_path / "other", tmp_path / "other" / "docker-compose.override.yml") == []


def test_files_are_read_with_compose_s_option_table(tmp_path: Path) -> None:
    # `-fdev.yml` is pflag's shorthand with its value attached, `--workdir` takes a value (compose's hidden
    # alias of --project-directory): before, the first named no file and the second ended the options at `app`
    write_tree(tmp_path, {"Makefile": "a:\n\tdocker compose -fcompose.yaml up\n"
                                      "b:\n\tdocker compose --workdir app -f compose.yaml --profile x up\n"})
    found = override_left_out(tmp_path, tmp_path / "compose.override.yaml")
    assert [(w.line, w.names) for w in found] == [(2, ("compose.yaml",)), (4, ("compose.yaml",))]
