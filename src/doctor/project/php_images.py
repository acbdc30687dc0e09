"""Whether a service's image has PHP (an OS image installing its packages) and Composer, PHP's package
manager, read from its files and never run.

The official `php` images (`php:8.5-fpm`, `php:8.5-cli`) have no `composer`: an image gets it by a RUN
(getcomposer.org's installer through curl or wget, `apt-get install composer`, `apk add composer`,
mlocati's `install-php-extensions @composer`, symfony-docker's), by `COPY --from=composer:2
/usr/bin/composer ...`, or from a base that ships it (`composer`, `laravelsail/phpNN-composer`,
`serversideup/php`). dockersamples/laravel-docker-examples installs it in the builder stage of
'php-fpm' only, which its `development` stage does not descend from: `composer install` belongs in
'workspace', `FROM php:8.5-cli` with getcomposer.org's installer, as its README runs it.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.env_hosts import image_basename
from doctor.project.types import Service

# a RUN that puts composer in the image: getcomposer.org's installer, a distribution's package,
# install-php-extensions' `@composer`
# (the words of one command: continued lines, `\` newline, too; an escaped character is one word's)
_INSTALLS = lazy(r"getcomposer\.org"
                 r"|\b(?:apt-get|apt|apk|dnf|yum|microdnf)\s(?:[^\n&|;\\]|\\[\s\S])*?\b(?:add|install)\s"
                 r"(?:[^\n&|;\\]|\\[\s\S])*?(?<![\w.-])composer(?![\w.-])"
                 r"|install-php-extensions\s(?:[^\n&|;\\]|\\[\s\S])*?(?<!\S)@composer\b")

# a RUN installing PHP from a distribution's packages: `php8.3-cli` (ondrej's PPA, Sail), `php-cli`, alpine's `php83`
_PHP_PACKAGES = lazy(r"\b(?:apt-get|apt|apk|dnf|yum|microdnf)\s(?:[^\n&|;\\]|\\[\s\S])*?\b(?:add|install)\s"
                     r"(?:[^\n&|;\\]|\\[\s\S])*?(?<![\w.-])php(?:\d+(?:\.\d+)?)?(?:-cli|-fpm)?(?![\w.-])")


def installs_php(project: Project, service: Service) -> bool:
    """Whether a RUN of the chain of the stage the service builds installs PHP from packages (laravel/sail's
    runtimes/8.3/Dockerfile, `FROM ubuntu:22.04`: `apt-get install -y php8.3-cli php8.3-dev ...`)."""
    build = service.build
    recipe = project.recipe(build.dockerfile_path, build.target) if build and build.dockerfile_path else None
    return recipe is not None and any(_PHP_PACKAGES.search(step.text) for step in recipe.runs)


def ships_composer(image: str) -> bool:
    """Whether an image reference is one that ships composer: `composer:2`, `laravelsail/php84-composer`,
    `serversideup/php:8.3-fpm-nginx`."""
    folders = image.split("@")[0].lower().split("/")[:-1]
    name = image_basename(image)
    return name == "composer" or folders[-1:] == ["laravelsail"] or (folders[-1:] == ["serversideup"]
                                                                       and name == "php")


def installs_composer(project: Project, service: Service) -> bool:
    """Whether the image the service runs has `composer`: its base (the external image its stage descends
    from, else its `image:`), a RUN of that stage's chain, or a COPY --from of composer's image or of a
    file named composer (a composer stage's vendor/ alone is not it). A builder stage the service's stage
    does not descend from does not count."""
    build = service.build
    recipe = project.recipe(build.dockerfile_path, build.target) if build and build.dockerfile_path else None
    if recipe is None:
        return ships_composer(service.image or "") if build is None else False
    if ships_composer(recipe.base) or any(_INSTALLS.search(step.text) for step in recipe.runs):
        return True
    # `COPY --from=composer:2 /usr/bin/composer /usr/bin/composer` (not a composer stage's /app/vendor)
    return any(posixpath.basename(target.rstrip("/")) == "composer" for target, _, _ in recipe.built) or any(
        posixpath.basename(path.rstrip("/")) == "composer" for path in recipe.pulled)


def composer_line(project: Project, service: Service) -> str:
    """Where to give the service composer: the Dockerfile it builds (`COPY --from=composer:2 ...` there),
    else its compose file."""
    build = service.build
    if build is not None and build.dockerfile_path is not None:
        return (f"add `COPY --from=composer:2 /usr/bin/composer /usr/local/bin/composer` to "
                f"{project.shown(build.dockerfile_path)}{'' if build.target is None else f' (stage {build.target!r})'}")
    return f"give {service.name!r} an image that has composer"


def composer_wanted(project: Project, tool: str, cwd: Path, here: str | None = None) -> Service | None:
    """The service on PHP whose code holds `cwd` (the one whose start runs PHP first), where `tool` is
    composer, this machine lacks it and no service on PHP installs it: the image to give it composer
    (laravel-docker-examples without 'workspace': 'php-fpm'); None else."""
    from doctor.project.toolchains import _home, foreign_home, host_lacks, service_runtime, starts_runtime

    if posixpath.basename(tool) != "composer" or host_lacks(tool, cwd, project.options.env) is None:
        return None
    if foreign_home(project, tool, cwd, None, here) is not None:
        return None
    found = [(starts_runtime(project, service, "php"), home.live, len(str(home.source)), service.name)
             for service in project.services.values()
             if service.name != here and service_runtime(project, service) == "php"
             and (home := _home(project, service, tool)) is not None and home.container_path(cwd) is not None]
    return project.services[max(found)[3]] if found else None


def composer_note(project: Project, tool: str, cwd: Path) -> str | None:
    """Why `doctor exec` runs a `composer` command here, where this machine lacks it: no image on PHP
    installs it (composer_wanted), and what to add to the one whose code holds the folder; None else."""
    service = composer_wanted(project, tool, cwd)
    if service is None:
        return None
    return (f"this machine has no 'composer', and no service's image installs it ({service.name!r} runs PHP): "
            f"{composer_line(project, service)}, then `{project.compose_words()} build {service.name}` and run it "
            f"there, `{project.compose_words()} run --rm {service.name} composer ...`")
