"""missing-mount on a service that builds documentation: only the folders the docs build reads count.

cookiecutter-django's rendered project runs Sphinx in a `docs` service (docker-compose.docs.yml): its
image is built from the repo root (`COPY . /app` in a build stage the run stage copies whole), its
command `/start-docs` runs `make livehtml` in /docs (./docs mounted there), whose recipe runs
sphinx-autobuild; ./config and the project's package are mounted beside it for conf.py's
`django.setup()` and `.. automodule:: my_awesome_project.users.models`. doctor said `'docs' mounts
config, docs, my_awesome_project but not tests` (tests/ is a package, so a COPY'd source folder): a
docs build never reads the tests. A service whose run is a docs builder (sphinx-build,
sphinx-autobuild, mkdocs, `python -m sphinx`, or a Makefile goal whose recipe runs one) and whose
mounts bring the docs' config (conf.py, mkdocs.yml) is judged by what the docs name: a module autodoc
or mkdocstrings documents, one conf.py imports or names (`DJANGO_SETTINGS_MODULE`), a folder its
config or its run names as a path (`sys.path.insert(0, os.path.abspath("../plugins"))`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount
from test_missing_mount_root_packages import _env
from trees import write_tree

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

# compose/local/docs/Dockerfile, trimmed to what decides the image's folders and its run
DOCKERFILE = """FROM python:3.12-slim AS python

FROM python AS python-build-stage
ARG APP_HOME=/app
WORKDIR ${APP_HOME}
COPY . ${APP_HOME}

FROM python AS python-run-stage
COPY --from=python-build-stage /app /app
COPY ./compose/local/docs/start /start-docs
RUN chmod +x /start-docs
ENV PATH="/app/.venv/bin:$PATH"
WORKDIR /docs
"""
START = "#!/bin/bash\n\nset -o errexit\nset -o pipefail\nset -o nounset\n\nexec make livehtml\n"
MAKEFILE = """# Minimal makefile for Sphinx documentation
SPHINXOPTS    ?=
SPHINXBUILD   ?= sphinx-build
SOURCEDIR     = .
BUILDDIR      = ./_build
APP = /app

.PHONY: help livehtml apidocs Makefile

help:
\t@$(SPHINXBUILD) -M help "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS) $(O) -c .

livehtml:
\tsphinx-autobuild -b html --host 0.0.0.0 --port 9000 --watch $(APP) -c . $(SOURCEDIR) $(BUILDDIR)/html

apidocs:
\tsphinx-apidoc -o $(SOURCEDIR)/api $(APP)

%: Makefile
\t@$(SPHINXBUILD) -M $@ "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS) $(O) -c .
"""
CONF = """import os
import sys

import django

if os.getenv("READTHEDOCS", default="False") == "True":
    sys.path.insert(0, os.path.abspath(".."))
else:
    sys.path.insert(0, os.path.abspath("/app"))
os.environ["DATABASE_URL"] = "sqlite:///readthedocs.db"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

project = "My Awesome Project"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
html_theme = "alabaster"
"""
MOUNTS = ("./docs:/docs:z", "./config:/app/config:z", "./my_awesome_project:/app/my_awesome_project:z")


def _compose(mounts: tuple[str, ...] = MOUNTS, command: str = "/start-docs") -> str:
    listed = "".join(f"      - {m}\n" for m in ("/app/.venv", *mounts))
    return ("services:\n  docs:\n    image: my_awesome_project_local_docs\n    build:\n      context: .\n"
            "      dockerfile: ./compose/local/docs/Dockerfile\n    volumes:\n" + listed +
            f"    ports:\n      - '9000:9000'\n    command: {command}\n")


def _cookiecutter_django(root: Path, **compose: object) -> Path:
    """The rendered project's folders that decide the docs service's finding (use_docker=y)."""
    return write_tree(root, {
        ".dockerignore": ".git\n.envs/\n.venv/\n**/__pycache__/\n",
        "compose/local/docs/Dockerfile": DOCKERFILE,
        "compose/local/docs/start": START,
        "docker-compose.docs.yml": _compose(**compose),  # type: ignore[arg-type]
        "docs/__init__.py": "",
        "docs/Makefile": MAKEFILE,
        "docs/conf.py": CONF,
        "docs/index.rst": "My Awesome Project\n==================\n\n.. toctree::\n   :maxdepth: 2\n\n   users\n",
        "docs/users.rst": " .. _users:\n\nUsers\n======\n\n.. automodule:: my_awesome_project.users.models\n"
                          "   :members:\n   :noindex:\n",
        "config/__init__.py": "",
        "config/settings/__init__.py": "",
        "config/settings/local.py": "from .base import *  # noqa: F403\n",
        "config/settings/base.py": "INSTALLED_APPS = ['my_awesome_project.users']\n",
        "my_awesome_project/__init__.py": "__version__ = '0.1.0'\n",
        "my_awesome_project/users/__init__.py": "",
        "my_awesome_project/users/models.py": "class User:\n    \"\"\"A user.\"\"\"\n",
        "tests/__init__.py": "",
        "tests/test_merge_production_dotenvs_in_dotenv.py": "def test_merge():\n    pass\n",
        "manage.py": "import sys\n",
    })


def _findings(root: Path, *files: str) -> list[Finding]:
    options = ProjectOptions(path=root, files=tuple(root / f for f in files or ("docker-compose.docs.yml",)),
                             env=_env(root))
    return [f for f in MissingMount().run(Project(options), Host(env={})) if "but not" in f.message]


def test_cookiecutter_djangos_docs_service_is_not_told_to_mount_tests(tmp_path: Path) -> None:
    assert _findings(_cookiecutter_django(tmp_path / "my_awesome_project")) == []


# the ways a service runs its docs builder: each with the mounts of cookiecutter-django's docs service
BUILDERS = {
    "a Makefile goal by the catch-all rule": "make html",
    "sphinx-build": "sphinx-build -b html . _build/html",
    "python -m sphinx": "python -m sphinx -b html . _build/html",
    "sphinx-autobuild": "sphinx-autobuild --host 0.0.0.0 --port 9000 . _build/html",
    "a shell": 'sh -c "cd /docs && exec make livehtml"',
    "built, then served as files": 'sh -c "sphinx-build -b html . _build/html && python -m http.server -d _build/html"',
}


@pytest.mark.parametrize("how", BUILDERS)
def test_a_docs_builder_however_run_is_not_told_to_mount_tests(tmp_path: Path, how: str) -> None:
    assert _findings(_cookiecutter_django(tmp_path / "p", command=BUILDERS[how])) == []


def test_the_package_autodoc_documents_is_still_reported(tmp_path: Path) -> None:
    """Without ./my_awesome_project, the docs document the image's stale copy of its models: that
    gap is real; tests/, which nothing of the docs names, is still no gap."""
    root = _cookiecutter_django(tmp_path / "p", mounts=MOUNTS[:2])
    [finding] = _findings(root)
    assert finding.message == "'docs' mounts config, docs but not my_awesome_project"
    assert finding.fix is not None and finding.fix.title.startswith(
        "mount ./my_awesome_project at /app/my_awesome_project")


def test_the_settings_package_conf_py_names_is_still_reported(tmp_path: Path) -> None:
    root = _cookiecutter_django(tmp_path / "p", mounts=(MOUNTS[0], MOUNTS[2]))
    assert [f.message for f in _findings(root)] == ["'docs' mounts docs, my_awesome_project but not config"]


def test_a_folder_conf_py_puts_on_sys_path_is_reported(tmp_path: Path) -> None:
    root = _cookiecutter_django(tmp_path / "p")
    inserted = 'os.path.abspath("/app"))\nsys.path.insert(0, os.path.abspath("../plugins"))'
    write_tree(root, {"plugins/__init__.py": "", "plugins/roles.py": "def setup(app):\n    pass\n",
                      "docs/conf.py": CONF.replace('os.path.abspath("/app"))', inserted)})
    assert [f.message for f in _findings(root)] == ["'docs' mounts config, docs, my_awesome_project but not plugins"]


APPS = {
    "runserver": "python /app/manage.py runserver 0.0.0.0:9000",
    "docs built, then the app served": 'sh -c "sphinx-build -b html . /app/static/docs && exec gunicorn config.wsgi"',
}


@pytest.mark.parametrize("how", APPS)
def test_an_app_service_of_the_same_mounts_is_still_told(tmp_path: Path, how: str) -> None:
    """The same image and mounts running the app, not (only) a docs builder: tests/ is the usual gap."""
    root = _cookiecutter_django(tmp_path / "p", command=APPS[how])
    assert [f.message for f in _findings(root)] == ["'docs' mounts config, docs, my_awesome_project but not tests"]


MKDOCS = "site_name: My Project\nplugins:\n  - search\n  - mkdocstrings\n"


def test_mkdocs_serve_reads_what_mkdocstrings_documents(tmp_path: Path) -> None:
    """`mkdocs serve` with mkdocs.yml and docs/ mounted: `::: config.settings` documents config/, which
    no mount brings (reported), and nothing names tests/ (not)."""
    mounts = ("./docs:/app/docs", "./mkdocs.yml:/app/mkdocs.yml", "./my_awesome_project:/app/my_awesome_project")
    root = _cookiecutter_django(tmp_path / "p", mounts=mounts, command="mkdocs serve -a 0.0.0.0:9000")
    write_tree(root, {"mkdocs.yml": MKDOCS, "docs/index.md": "# My Project\n\n::: my_awesome_project.users.models\n"})
    (root / "docs" / "conf.py").unlink()
    assert _findings(root) == []
    write_tree(root, {"docs/settings.md": "# Settings\n\n::: config.settings.base\n"})
    assert [f.message for f in _findings(root)] == ["'docs' mounts docs, my_awesome_project but not config"]


# what conf.py tells Sphinx to skip, or a label naming no file: never a folder the build reads
SKIPPED = {
    "exclude_patterns": 'exclude_patterns = ["_build", "tests", "Thumbs.db", ".DS_Store"]',
    "exclude_patterns extended": 'exclude_patterns = ["_build"]\nexclude_patterns += ["tests"]',
    "exclude_patterns appended": 'exclude_patterns = ["_build"]\nexclude_patterns.append("../tests")',
    "autodoc_mock_imports": 'exclude_patterns = ["_build"]\nautodoc_mock_imports = ["tests"]',
    "apidoc's own exclude_patterns": 'exclude_patterns = []\n'
                                     'apidoc_modules = [{"path": "/app", "exclude_patterns": ["/app/tests"]}]',
    "a comment": 'exclude_patterns = ["_build"]\n# sys.path.insert(0, os.path.abspath("../tests"))',
    "a docstring": 'exclude_patterns = ["_build"]\n"""\nSphinx config.\n\n\'tests\' holds the doctests.\n"""',
    "a label": 'exclude_patterns = ["_build"]\nhtml_theme = "tests"',
}


@pytest.mark.parametrize("how", SKIPPED)
def test_a_folder_conf_py_skips_is_not_read(tmp_path: Path, how: str) -> None:
    """`exclude_patterns = ["tests"]` lists what Sphinx skips: the docs service is not told to mount tests/.
    (doctor said `'docs' mounts config, docs, my_awesome_project but not tests`.)"""
    root = _cookiecutter_django(tmp_path / "p")
    old = 'exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]'
    write_tree(root, {"docs/conf.py": CONF.replace(old, SKIPPED[how])})
    assert _findings(root) == []


def test_a_document_exclude_patterns_skips_documents_nothing(tmp_path: Path) -> None:
    """Sphinx never reads a document exclude_patterns matches: the `.. automodule:: tests.helpers` of an
    excluded docs/legacy/ names no folder the build reads, while the same page not excluded does."""
    root = _cookiecutter_django(tmp_path / "p")
    old = 'exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]'
    write_tree(root, {"docs/conf.py": CONF.replace(old, 'exclude_patterns = ["_build", "legacy"]'),
                      "docs/legacy/helpers.rst": "Helpers\n=======\n\n.. automodule:: tests.helpers\n",
                      "tests/helpers.py": "def helper():\n    pass\n"})
    assert _findings(root) == []
    write_tree(root, {"docs/conf.py": CONF.replace(old, 'exclude_patterns = ["_build", "legacy/*.txt"]')})
    assert [f.message for f in _findings(root)] == ["'docs' mounts config, docs, my_awesome_project but not tests"]


def test_what_conf_py_puts_on_sys_path_through_a_variable_is_read(tmp_path: Path) -> None:
    """A folder conf.py names in code, not in a skip list, still counts (`PLUGINS = "../plugins"`)."""
    root = _cookiecutter_django(tmp_path / "p")
    inserted = 'os.path.abspath("/app"))\nPLUGINS = "../plugins"\nsys.path.insert(0, os.path.abspath(PLUGINS))'
    write_tree(root, {"plugins/__init__.py": "",
                      "docs/conf.py": CONF.replace('os.path.abspath("/app"))', inserted).replace(
                          '"_build"', '"_build", "tests"')})
    assert [f.message for f in _findings(root)] == ["'docs' mounts config, docs, my_awesome_project but not plugins"]


def test_mkdocs_exclude_docs_names_no_folder_read(tmp_path: Path) -> None:
    """mkdocs.yml's `exclude_docs` lists what mkdocs skips, as exclude_patterns does for Sphinx."""
    mounts = ("./docs:/app/docs", "./mkdocs.yml:/app/mkdocs.yml", "./my_awesome_project:/app/my_awesome_project")
    root = _cookiecutter_django(tmp_path / "p", mounts=mounts, command="mkdocs serve -a 0.0.0.0:9000")
    write_tree(root, {"mkdocs.yml": MKDOCS + "exclude_docs: |\n  tests/\n  *.tmp\n",
                      "docs/index.md": "# My Project\n\n::: my_awesome_project.users.models\n"})
    (root / "docs" / "conf.py").unlink()
    assert _findings(root) == []


def test_a_docs_build_a_recipes_make_runs_is_a_docs_build(tmp_path: Path) -> None:
    """`make docs` whose recipe is `$(MAKE) livehtml` runs sphinx-autobuild: a docs build, not an app
    (doctor read `$(MAKE) livehtml` alone and said `... but not tests`)."""
    root = _cookiecutter_django(tmp_path / "p", command="make docs")
    write_tree(root, {"docs/Makefile": MAKEFILE.replace("livehtml:\n", "docs:\n\t$(MAKE) livehtml\n\nlivehtml:\n")})
    assert _findings(root) == []


def test_a_folder_a_sub_make_of_the_docs_build_reads_is_reported(tmp_path: Path) -> None:
    """livehtml's `${MAKE} apidocs` runs `sphinx-apidoc -o ./api /app/plugins`: the build reads plugins/,
    which no mount brings; tests/ is still no gap."""
    root = _cookiecutter_django(tmp_path / "p")
    makefile = MAKEFILE.replace("livehtml:\n", "livehtml:\n\t${MAKE} apidocs\n").replace(
        "/api $(APP)\n", "/api $(APP)/plugins\n")
    write_tree(root, {"plugins/__init__.py": "", "docs/Makefile": makefile})
    assert [f.message for f in _findings(root)] == ["'docs' mounts config, docs, my_awesome_project but not plugins"]
