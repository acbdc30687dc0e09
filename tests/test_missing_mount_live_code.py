"""missing-mount: which mounted folders show that the dev mounts edit code live, and docs/ packages.

New-user trials. mozilla/pontoon builds from the repo root (`COPY . /app/`) and its compose file
binds ./documentation, ./requirements and ./translate (a React app, no `__init__.py`); with
`./pontoon:/app/pontoon` taken out, Python edits never reached the container and doctor said ✓,
since on a repo-root context only Python packages counted, mounted or not. A folder the service
mounts whole counts now, and the mounts must bring code (a package, sources, templates) for the
folders they leave out to be a gap: a lone `./requirements`, `./docs` or `./config` bind chose no
code to edit. django/djangoproject.com's docs/ is a Django app (models.py, views.py, an
`__init__.py`), which missing-mount never judged for its name; a docs/ of .md files still is not.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.checks.missing_mount import MissingMount
from trees import write_tree

from doctor.host import Host
from doctor.project import Project, ProjectOptions

PONTOON_DOCKERFILE = ("FROM python:3.13\nWORKDIR /app\nCOPY requirements/dev.txt /app/requirements/\n"
                      "RUN pip install -r requirements/dev.txt\nCOPY . /app/\n")


def _messages(root: Path) -> list[str]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "s")}
    project = Project(ProjectOptions(path=root, env=env))
    return sorted(f.message for f in MissingMount().run(project, Host(env={})) if "but not" in f.message)



def _pontoon(root: Path, mounts: tuple[str, ...]) -> Path:
    volumes = ", ".join(f'"./{m}:/app/{m}"' for m in mounts)
    return write_tree(root, {
        "pontoon/__init__.py": "", "pontoon/settings.py": "DEBUG = True\n", "requirements/dev.txt": "django\n",
        "translate/index.js": "x\n", "translate/src/App.tsx": "export {}\n", "Dockerfile": PONTOON_DOCKERFILE,
        "compose.yaml": f"services:\n  server:\n    build: .\n    volumes: [{volumes}]\n"})


def test_a_mounted_folder_of_front_end_code_shows_the_unmounted_package_of_a_root_context(tmp_path: Path) -> None:
    root = _pontoon(tmp_path / "pontoon", ("requirements", "translate"))
    assert _messages(root) == ["'server' mounts requirements, translate but not pontoon"]
    assert _messages(_pontoon(tmp_path / "all", ("requirements", "translate", "pontoon"))) == []


def test_a_lone_bind_of_dependency_lists_is_no_evidence_of_live_code(tmp_path: Path) -> None:
    assert _messages(_pontoon(tmp_path / "pontoon", ("requirements",))) == []


def test_a_lone_bind_of_config_or_docs_in_a_service_context_is_no_evidence(tmp_path: Path) -> None:
    """`context: backend`, `COPY . /app`: a bind of backend/config (YAML) alone chose no code to
    edit, so backend/app is not "missing"; a bind of backend/app beside it shows backend/scripts is."""
    files = {"backend/app/main.py": "x = 1\n", "backend/scripts/seed.py": "x = 1\n",
             "backend/config/settings.yaml": "a: 1\n", "backend/docs/index.md": "# docs\n",
             "backend/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . /app\n"}
    root = write_tree(tmp_path / "config", {**files, "compose.yaml": (
        "services:\n  api:\n    build: backend\n    volumes: ['./backend/config:/app/config']\n")})
    assert _messages(root) == []
    root = write_tree(tmp_path / "code", {**files, "compose.yaml": (
        "services:\n  api:\n    build: backend\n"
        "    volumes: ['./backend/config:/app/config', './backend/app:/app/app']\n")})
    assert _messages(root) == ["'api' mounts backend/app, backend/config but not backend/scripts"]


def _djangoproject(root: Path, docs: dict[str, str]) -> Path:
    files = {f"{app}/{name}": text for app in ("app", "blog", "members")
             for name, text in (("__init__.py", ""), ("views.py", "x = 1\n"))}
    return write_tree(root, {**files, **{f"docs/{n}": t for n, t in docs.items()},
                         "Dockerfile": "FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY . .\n",
                         "compose.yaml": ("services: {web: {build: ., volumes: "
                                          '["./app:/usr/src/app/app", "./blog:/usr/src/app/blog"]}}\n')})


def test_a_docs_folder_that_is_a_python_package_is_code(tmp_path: Path) -> None:
    root = _djangoproject(tmp_path / "package", {"__init__.py": "", "models.py": "x = 1\n", "views.py": "x = 1\n"})
    assert _messages(root) == ["'web' mounts app, blog but not docs", "'web' mounts app, blog but not members"]


def test_a_docs_folder_of_documentation_stays_unjudged(tmp_path: Path) -> None:
    root = _djangoproject(tmp_path / "docs", {"index.rst": "Docs\n====\n", "guide.md": "# guide\n"})
    assert _messages(root) == ["'web' mounts app, blog but not members"]


def test_a_named_copy_of_a_docs_package_is_judged_and_of_documentation_is_not(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /srv\nCOPY app /srv/app\nCOPY docs /srv/docs\n"
    compose = "services:\n  web:\n    build: .\n    volumes: ['./app:/srv/app']\n"
    package = write_tree(tmp_path / "package", {"app/views.py": "x = 1\n", "docs/__init__.py": "",
                                            "docs/urls.py": "x = 1\n", "Dockerfile": dockerfile,
                                            "compose.yaml": compose})
    assert _messages(package) == ["'web' mounts app but not docs"]
    documents = write_tree(tmp_path / "documents", {"app/views.py": "x = 1\n", "docs/index.md": "# docs\n",
                                                "Dockerfile": dockerfile, "compose.yaml": compose})
    assert _messages(documents) == []
