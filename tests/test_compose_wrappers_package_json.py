"""A package.json script that runs compose with -f reads no override: unsend (tests/replay/unsend).

unsend-dev/unsend starts its infrastructure with `pnpm d`, whose `dx:up` script is `docker compose -f
docker/dev/compose.yml up -d`. `doctor fix --ports docker/dev` with redis's host port held wrote
docker/dev/compose.override.yaml, which compose finds beside compose.yml only when no -f names the files, and
said nothing of the script that never reads it (a Makefile's or a shell script's such line got the note);
now the note names package.json's line and the -f to add there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from portprobe import held_port, republish
from trees import write_tree

from doctor.project.compose_wrappers import override_left_out, wrappers

REPLAY = Path(__file__).parent / "replay" / "unsend"
DEV = Path("docker") / "dev"


def _checkout(tmp_path: Path) -> Path:
    top = tmp_path / "unsend"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copy(top / ".env.example", top / ".env")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def test_the_scripts_naming_the_dev_compose_file_alone_read_no_override(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    found = override_left_out(top / DEV, top / DEV / "compose.override.yaml")
    # `dx:up` and `dx:down`, each at its line of package.json
    assert [(w.path.name, w.line, w.names) for w in found] == [
        ("package.json", 27, ("docker/dev/compose.yml",)), ("package.json", 28, ("docker/dev/compose.yml",))]


def test_scripts_reading_the_override_or_running_another_stack_are_left_alone(tmp_path: Path) -> None:
    write_tree(tmp_path, {"compose.yaml": "services: {}\n", "package.json": """{
  "scripts": {
    "both": "docker compose -f compose.yaml -f compose.override.yaml up -d",
    "prod": "pnpm build && docker compose -f compose.yaml -f compose.prod.yaml up -d",
    "logs": "docker compose logs -f web",
    "remote": "ssh host 'docker compose -f compose.yaml up -d'",
    "chained": "docker compose -f compose.yaml up -d && docker compose -f compose.prod.yaml logs -f",
    "test": "vitest"
  }
}
"""})
    names = [(w.line, w.names) for w in wrappers(tmp_path)]
    # `chained` runs two stacks one after the other: each its own command
    assert names == [(3, ("compose.yaml", "compose.override.yaml")), (4, ("compose.yaml", "compose.prod.yaml")),
                     (7, ("compose.yaml",)), (7, ("compose.prod.yaml",))], names
    assert [w.line for w in override_left_out(tmp_path, tmp_path / "compose.override.yaml")] == [7]
    (tmp_path / "package.json").write_text('{"scripts": [')  # unreadable: no wrapper, no crash
    assert wrappers(tmp_path) == []


@pytest.mark.parametrize(("cd", "given"), [("", "docker/dev/compose.override.yaml"),
                                           ("cd docker/dev && ", "compose.override.yaml")])
def test_fix_names_the_package_json_script_that_will_not_read_the_override_it_writes(
        tmp_path: Path, cd: str, given: str) -> None:
    """The -f to add is named from the folder the script runs compose in: its own, or where its `cd` goes."""
    holder, port = held_port(21500, 32000, 7)
    try:
        top = _checkout(tmp_path)
        if cd:
            scripts = top / "package.json"
            written = scripts.read_text()
            assert written.count('"docker compose -f docker/dev/compose.yml ') == 2
            scripts.write_text(written.replace('"docker compose -f docker/dev/compose.yml ',
                                               f'"{cd}docker compose -f compose.yml '))
        compose = str(DEV / "compose.yml")
        # the other host ports on ports free now: a developer's own stack there would be more moves
        republish(top, ((compose, '"@:5432"', 54320), (compose, '"@:3000"', 5350), (compose, "@:9002", 9002),
                        (compose, "@:9001", 9001)))
        text = (top / compose).read_text()
        (top / compose).write_text(text.replace('"6379:6379"', f'"{port}:6379"'))
        env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state"),
               "DOCKER_HOST": f"unix://{tmp_path}/none.sock", "DOCTOR_NO_CACHE": "1"}
        for dry in (["--dry-run"], []):
            done = subprocess.run([sys.executable, "-m", "doctor", "fix", "--ports", "--yes", *dry, str(DEV)],
                                  cwd=top, env=env, capture_output=True, text=True, timeout=180)
            note = ("note: package.json:27 (and 1 more such line) runs docker compose with -f compose.yml, which does "
                    "not read compose.override.yaml: compose reads an override only when no -f or COMPOSE_FILE names "
                    f"the files; add -f {given} there")
            assert note in done.stdout, done.stdout + done.stderr
        assert f'"{port + 1}:6379"' in (top / DEV / "compose.override.yaml").read_text()
    finally:
        holder.close()


def test_a_script_that_changes_folder_first_names_the_file_there(tmp_path: Path) -> None:
    """`cd docker/dev && docker compose -f compose.yml up -d` runs docker/dev/compose.yml: the note was missing,
    as the name was read from the package.json's folder; so for a Makefile recipe's `@cd docker/dev; ...`. A `cd`
    to a folder only the shell knows (`cd "$(dirname "$0")"`) leaves the name unknown: no note."""
    dev = tmp_path / "docker" / "dev"
    write_tree(tmp_path, {"docker/dev/compose.yml": "services: {}\n", "package.json": """{
  "scripts": {
    "dx:up": "cd docker/dev && docker compose -f compose.yml up -d",
    "dx:both": "cd docker/dev && docker compose -f compose.yml -f compose.override.yaml up -d",
    "dx:away": "cd \\"$(dirname \\"$0\\")\\" && docker compose -f compose.yml up -d",
    "dx:other": "cd docker && docker compose -f compose.yml up -d",
    "dx:sub": "(cd frontend && npm ci) && docker compose -f docker/dev/compose.yml up -d",
    "dx:back": "cd docker && cd - && pushd docker/dev && docker compose -f compose.yml up -d",
    "dx:pop": "pushd docker/x && popd && docker compose -f docker/dev/compose.yml up -d",
    "dx:in": "(cd docker/dev && docker compose -f compose.yml up -d)",
    "dx:quiet": "pushd docker/dev > /dev/null && docker compose -f compose.yml up -d",
    "dx:stack": "pushd docker && cd dev && popd && docker compose -f docker/dev/compose.yml up -d"
  }
}
""", "Makefile": "up:\n\t@cd docker/dev; docker compose -f compose.yml up -d\nback:\n\tcd docker/x && cd ../dev && "
        "docker compose --file ./compose.yml down\n"})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    names = sorted((w.path.name, w.line, w.names) for w in wrappers(tmp_path))
    assert names == [("Makefile", 2, ("docker/dev/compose.yml",)), ("Makefile", 4, ("docker/dev/compose.yml",)),
                     ("package.json", 3, ("docker/dev/compose.yml",)),
                     ("package.json", 4, ("docker/dev/compose.yml", "docker/dev/compose.override.yaml")),
                     ("package.json", 5, ("",)), ("package.json", 6, ("docker/compose.yml",)),
                     *(("package.json", line, ("docker/dev/compose.yml",)) for line in range(7, 13))], names
    # a subshell closed before compose keeps its cd (the -f is from the script's folder); `cd -` and `popd` go back
    # (popd to where the pushd was, past a cd after it), a redirection is no folder
    assert [w.folder for w in wrappers(tmp_path) if w.line in (7, 8, 9, 10, 11, 12)] == [
        "", "docker/dev", "", "docker/dev", "docker/dev", ""]
    found = override_left_out(dev, dev / "compose.override.yaml")
    assert sorted((w.path.name, w.line) for w in found) == [
        ("Makefile", 2), ("Makefile", 4), ("package.json", 3), ("package.json", 7), ("package.json", 8),
        ("package.json", 9), ("package.json", 10), ("package.json", 11), ("package.json", 12)]
