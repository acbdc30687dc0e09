"""missing-mount: a missing node_modules/ bound over a folder the image's Node does not need.

Buuntu/fastapi-react (tests/replay/fastapi-react), a fresh clone, the README's only requirement docker:
preflight warned "bind source ./frontend/node_modules does not exist: frontend/node_modules/ is filled by
npm install in frontend/, not run yet; docker would make it an empty root-owned directory, which the install
cannot write into" with the fix "npm install in frontend/". The frontend image installs its packages into
/node_modules (`ADD package.json /package.json`, `RUN npm install`, `ENV NODE_PATH=/node_modules`): Node
finds them past the empty /app/node_modules, and a host install would put the host's packages first. What
is left is docker's root-owned folder: info, with `mkdir -p`. Without the NODE_PATH layout (the image's
install in /app, under the bind) the warning stays.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from doctor.checks.missing_mount import MissingMount

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "fastapi-react"


def _project(tmp_path: Path) -> Path:
    """The replay copy with its compose template rendered as cookiecutter renders it, by its defaults."""
    root = tmp_path / "fastapi-react-project"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    defaults = json.loads((root / "cookiecutter.json").read_text())
    template = (root / "docker-compose.yml.template").read_text()
    (root / "docker-compose.yml").write_text(re.sub(r"\{\{\s*cookiecutter\.(\w+)\s*\}\}",
                                                    lambda m: defaults[m[1]], template))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _node_modules(root: Path, home: Path) -> Finding:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    found = MissingMount().run(Project(ProjectOptions(path=root, env=env)), Host(env=env))
    [finding] = [f for f in found if "node_modules" in f.message]
    return finding


def test_node_modules_the_image_keeps_on_node_path_is_info_with_a_mkdir(tmp_path: Path) -> None:
    finding = _node_modules(_project(tmp_path), tmp_path)
    assert finding.severity is Severity.INFO
    assert finding.message == ("bind source ./frontend/node_modules does not exist: docker will create it "
                               "root-owned (the image's packages are in /node_modules, on its NODE_PATH, which "
                               "the app finds past an empty folder)")
    assert finding.fix is not None and finding.fix.title == "create frontend/node_modules/ before starting"
    assert finding.fix.command[:2] == ("mkdir", "-p") and finding.fix.command[-1].endswith("/frontend/node_modules")


def test_an_image_installing_under_the_bind_still_needs_the_install(tmp_path: Path) -> None:
    root = _project(tmp_path)
    dockerfile = root / "frontend" / "Dockerfile"
    text = dockerfile.read_text().replace("ADD package.json /package.json", "WORKDIR /app\nADD package.json "
                                          "/app/package.json").replace("ENV NODE_PATH=/node_modules",
                                                                       "ENV NODE_PATH=/app/node_modules")
    dockerfile.write_text(text)
    finding = _node_modules(root, tmp_path)
    assert finding.severity is Severity.WARNING
    assert "which the install cannot write into" in finding.message


def _edited(tmp_path: Path, dockerfile: tuple[str, str] = ("", ""), compose: tuple[str, str] = ("", "")) -> Finding:
    root = _project(tmp_path)
    for path, (old, new) in ((root / "frontend" / "Dockerfile", dockerfile), (root / "docker-compose.yml", compose)):
        if old:
            text = path.read_text()
            assert old in text, old
            path.write_text(text.replace(old, new, 1))
    return _node_modules(root, tmp_path)


def test_the_image_s_layout_counts_only_with_its_install_env_and_package_json(tmp_path: Path) -> None:
    """The info case was too lenient: no install beside the copied package.json (`RUN npm install` gone, or run in
    another folder), `ARG NODE_PATH` (gone after the build) taken for ENV, and compose's `environment: NODE_PATH`
    (which replaces the image's) ignored; each of those is the warning to install."""
    cases = {
        "no install": (("RUN npm install", "RUN echo built"), ("", "")),
        "install elsewhere": (("RUN npm install", "RUN cd /tmp && npm install"), ("", "")),
        "a build's ARG": (("ENV NODE_PATH=/node_modules", "ARG NODE_PATH=/node_modules"), ("", "")),
        "compose's own NODE_PATH": (("", ""), ("      - NODE_ENV=development", "      - NODE_ENV=development\n"
                                                                              "      - NODE_PATH=/app/node_modules")),
    }
    for number, (name, (dockerfile, compose)) in enumerate(cases.items()):
        finding = _edited(tmp_path / str(number), dockerfile, compose)
        assert finding.severity is Severity.WARNING, (name, finding.message)
        assert "which the install cannot write into" in finding.message, (name, finding.message)


def test_a_glob_copy_and_other_installers_keep_the_info(tmp_path: Path) -> None:
    cases = {
        "COPY package*.json /": ("ADD package.json /package.json", "COPY package*.json /"),
        "npm ci": ("RUN npm install", "RUN npm ci --no-audit"),
        "yarn": ("RUN npm install", "RUN cd / && yarn --frozen-lockfile"),
        "pnpm": ("RUN npm install", "WORKDIR /\nRUN pnpm install"),
    }
    for number, (name, dockerfile) in enumerate(cases.items()):
        finding = _edited(tmp_path / str(number), dockerfile)
        assert finding.severity is Severity.INFO, (name, finding.message)
        assert "the image's packages are in /node_modules" in finding.message, (name, finding.message)
