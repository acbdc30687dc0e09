"""The `.env` loads of a service's Python app: the calls (doctor.project.appenv) it runs.

Every call under the project's code roots, read once per project, less those a service never runs:
Python's, where the service is a node asset builder; manage.py's, where another service runs it
and this one never does; a settings module beside the one its DJANGO_SETTINGS_MODULE names.
dotenv-override and loaded_env (the app environment leaked-host-port and service-name-drift judge)
both ask.
"""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.project.appenv import DotenvCall, code_roots, dotenv_calls, image_env, runs_no_python
from doctor.project.reading import read_regular_text
from doctor.project.types import Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.shipped import ScriptFinder

_MANAGE = lazy(r"(?<![\w.-])manage(?:\.py)?(?![\w.-])")


def project_calls(project: Project) -> tuple[DotenvCall, ...]:
    """Every `.env` load of the Python files under the project's code roots (read once per project)."""
    def compute() -> tuple[DotenvCall, ...]:
        maps = [project.code_map(s) for s in project.services.values()]
        return dotenv_calls(code_roots(project.root, maps))

    return project.once("python-dotenv-calls", compute)


def python_calls(project: Project, service: Service) -> tuple[DotenvCall, ...]:
    """The Python `.env` loads the service may run."""
    calls = project_calls(project)
    if not calls or runs_no_python(project, service):
        return ()
    # Django's manage.py runs only as a script: where some service's command runs it, one whose
    # command never names it (Django-Styleguide-Example's `celery -A styleguide_example.tasks worker`)
    # never runs its call; where none does, it runs in whichever a developer execs into
    if service.name in project.once("python-dotenv-without-manage", lambda: _not_running_manage_py(project, calls)):
        calls = tuple(c for c in calls if c.location.path.name != "manage.py")
    return _settings_loaded(service, image_env(project, service), calls)


def runs_python(project: Project, service: Service) -> bool:
    """Whether the service runs Python: a python image (its own or its Dockerfile's base; a dev
    container's too, `mcr.microsoft.com/devcontainers/python:3.12`, whose developer runs the app in it),
    or a Dockerfile or command naming python, pip, uv, gunicorn, uvicorn, celery or a `.py` file; never
    a server image (a postgres or nginx that mounts the code folder never reads its `.env`). Asked once
    per service a run (loaded_env, app_settings and dotenv-override ask it of each, some twice): the
    answer reads its image, build and command alone, never the environment app_compose extends."""
    known: dict[tuple[object, ...], tuple[object, bool]] = project.once("runs-python", dict)
    key = (service.name, service.image, service.command, service.entrypoint)
    found = known.get(key)
    if found is None or (found[0] is not service.build and found[0] != service.build):
        found = known[key] = (service.build, _runs_python(project, service))
    return found[1]


def _runs_python(project: Project, service: Service) -> bool:
    from doctor.project.appenv import PYTHON_WORDS
    from doctor.project.runtimes import image_runtime
    from doctor.project.service_network import server_family
    from doctor.project.shipped import run_words

    if server_family(service) is not None:
        return False
    recipe = project.image_recipe(service)
    base = recipe.base if recipe is not None else service.image or ""
    if image_runtime(base, dev=True) == "python":
        return True
    words = [" ".join(run_words(project, service))]
    if recipe is not None:
        words += [s.text for s in recipe.runs] + [source for _, _, source in recipe.built]
    return any(PYTHON_WORDS.search(w) for w in words)


def _not_running_manage_py(project: Project, calls: tuple[DotenvCall, ...]) -> set[str]:
    """The services that never run manage.py, where a call sits in it and another service runs it."""
    if not any(c.location.path.name == "manage.py" for c in calls):
        return set()
    from doctor.project.shipped import script_finder

    scripts = script_finder(project)
    runs = {name: _runs_manage_py(project, service, scripts) for name, service in project.services.items()}
    return {name for name, found in runs.items() if found is False} if any(runs.values()) else set()


def _settings_loaded(service: Service, image: dict[str, str], calls: tuple[DotenvCall, ...]
                     ) -> tuple[DotenvCall, ...]:
    """The calls but those in settings modules the service's DJANGO_SETTINGS_MODULE (compose's, over
    its Dockerfile's ENV) never loads: pythondotorg's services run pydotorg.settings.local, never the
    production settings/cabotage.py beside it. manage.py's default is not asked: a service may run
    gunicorn's `proj.wsgi`, whose default may be another module."""
    from doctor.project.star_imports import settings_module, unloaded_settings

    module = settings_module(service, image)
    if not module:
        return calls
    unloaded = unloaded_settings(module, dict.fromkeys(c.location.path for c in calls))
    return tuple(c for c in calls if c.location.path not in unloaded) if unloaded else calls


def _runs_manage_py(project: Project, service: Service, scripts: ScriptFinder) -> bool | None:
    """Whether what the service runs names manage.py (`python manage.py runserver`, `python -m manage`,
    or a script its command or entrypoint runs that does); None where it runs nothing doctor can read
    (no command, no CMD or ENTRYPOINT of its own Dockerfile: then it may)."""
    from doctor.project.runtimes import image_runtime
    from doctor.project.shipped import run_words

    words = run_words(project, service)
    if not words:
        # a pulled image of another program that binds the checkout (meet's 'crowdin', `crowdin/cli`
        # over `.:/app`) runs its own CMD, no manage.py: only a python image or the project's own may
        return False if service.build is None and project.image_recipe(service) is None and \
            image_runtime(service.image or "", dev=True) is None else None
    texts = [" ".join(words)]
    for path, _how in scripts.run_by(service):
        texts.append(read_regular_text(path, 256 * 1024) or "")
    return any(_MANAGE.search(text) for text in texts)
