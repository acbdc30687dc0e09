"""The runtime versions of a project's images: the FROM lines its builds run (compose's build args over
the ARG defaults, the stages the image is made of) and the official images services run its code on."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, replace
from doctor.project import Project
from doctor.project.recipe import Recipe, arg_names, expand_args
from doctor.project.runtimes import Declared, image_declared_at
from doctor.project.types import Build, Service

# a Dockerfile, compose's build args and the stage it builds (`build.target`, None for the last)
Image = tuple[Path, tuple[tuple[str, str, Location | None], ...], "str | None"]


def _image_runners(project: Project) -> list[Declared]:
    """The runtime of each service that runs the project's own code on an official image with no
    build: mozilla/treeherder's `frontend` (`image: node:23.5.0-alpine3.20`, `.:/app`, `working_dir:
    /app`, `pnpm install && pnpm start`) runs node 23 on the code CI tests on node 22. Only a service
    with a command whose working folder is a bind mount of the project's folders counts (an image
    run for a tool of its own, a database, does not); an `entrypoint:` counts as a command."""
    from doctor.records import replace

    found: list[Declared] = []
    root = str(project.root)
    for name, service in sorted(project.services.items()):
        # its command, or an entrypoint that runs the project's code (BookStack's node service:
        # `entrypoint: /app/dev/docker/entrypoint.node.sh`, its npm install and watch)
        runs = service.command is not None or service.entrypoint is not None
        if service.build is not None or not service.image or not runs or not service.working_dir:
            continue
        home = posixpath.normpath(service.working_dir)
        mounted = any(m.type == "bind" and m.source and (m.source == root or m.source.startswith(root + os.sep))
                      and (home == posixpath.normpath(m.target) or home.startswith(posixpath.normpath(m.target) + "/"))
                      for m in service.volumes)
        if mounted:
            at = service.image_location or service.location or Location(project.root)
            found += [replace(d, source=f"'{name}' image {service.image}")
                      for d in image_declared_at([(service.image, at)])]
    return found


def _image_of(service: Service) -> Image | None:
    """A service's build as `run` keys its images: the Dockerfile and compose's build args."""
    path = service.build.dockerfile_path if service.build else None
    return (path, service.build.args, service.build.target) if path is not None and service.build is not None \
        else None


def _used_stages(recipe: Recipe) -> Recipe:
    """The recipe with the FROMs of the stages its image is made of: the one its target descends from and
    those it copies from (`COPY --from=backend-builder`); the recipe itself when that is not known."""
    if recipe.base_line is None:
        return recipe
    pulled = {name.lower() for _, _, name in recipe.built}
    lines = {recipe.base_line} | {line for name, line in recipe.stages if name.lower() in pulled}
    kept = [(pair, raw) for pair, raw in zip(recipe.froms, recipe.raw_froms, strict=False) if pair[1] in lines]
    return replace(recipe, froms=tuple(p for p, _ in kept), raw_froms=tuple(r for _, r in kept))


def _stage_pins(recipe: Recipe, overrides: tuple[tuple[str, str, Location | None], ...],
                every_stage: bool = False) -> tuple[list[Declared], list[Declared]]:
    """The FROM pins of the stages an image is made of (`every_stage`: all of the Dockerfile's, a
    released image's), and of those the one of the stage the image runs: the FROM its target (else
    the last stage) descends from."""
    used = recipe if every_stage else _used_stages(recipe)
    froms = _froms(used, overrides)
    run = [f for f, (_, line) in zip(froms, used.froms, strict=False) if line == used.base_line]
    return image_declared_at(froms), image_declared_at(run)


def _image_pins(project: Project, build: Build) -> list[Declared]:
    """The runtime versions the image a build makes runs: the FROM its target stage descends from
    (a builder stage's FROM is not what runs), with compose's build args over the ARG defaults."""
    recipe = project.recipe(build.dockerfile_path, build.target) if build.dockerfile_path is not None else None
    if recipe is None or recipe.base_line is None:
        return []
    froms = _froms(recipe, build.args)
    at = [index for index, (_, line) in enumerate(recipe.froms) if line == recipe.base_line]
    return [d for d in image_declared_at([froms[at[0]]]) if d.versions] if at and at[0] < len(froms) else []


def _arg_values(recipe: Recipe, overrides: tuple[tuple[str, str, Location | None], ...],
                ) -> dict[Location, tuple[str, str]]:
    """Per place a FROM's version may be written (an ARG line, a compose build arg): its name and value."""
    found = {Location(recipe.path, line): (name, value) for name, value, line in recipe.global_args}
    found.update({where: (name, value) for name, value, where in overrides if where is not None})
    return found


def _froms(recipe: Recipe, overrides: tuple[tuple[str, str, Location | None], ...]) -> list[tuple[str, Location]]:
    """Each FROM with compose's build args over the Dockerfile's ARG defaults, at the place that
    writes its version: the compose arg or the ARG line when one ARG makes it, else the FROM."""
    given = {name: (value, where) for name, value, where in overrides}
    scope = {name: given.get(name, (value, Location(recipe.path, line))) for name, value, line in recipe.global_args}
    found = []
    for (image, line), raw in zip(recipe.froms, recipe.raw_froms, strict=False):
        names = [n for n in arg_names(raw) if n in scope and scope[n][0]]
        expanded = expand_args(raw, {n: v for n, (v, _) in scope.items()}) if names else image
        named = names[0] if len(names) == 1 else _tag_arg(raw, names)
        where = scope[named][1] if named else None
        found.append((expanded, where or Location(recipe.path, line)))
    return found


def _tag_arg(raw: str, names: list[str]) -> str | None:
    """Of several ARGs a FROM names, the one its tag starts with, which writes the runtime's version
    (Sylius-Standard's `node:${NODE_VERSION}-alpine${ALPINE_VERSION}`: NODE_VERSION); None if none does."""
    depth, slash, colon = 0, -1, -1
    for index, char in enumerate(raw.split("@", 1)[0]):
        depth += char == "{"
        depth -= char == "}" and depth > 0
        if depth == 0 and char == "/":
            slash = index
        elif depth == 0 and char == ":":
            colon = index
    if colon < 0 or colon < slash:
        return None
    first = _LEADING_ARG.match(raw, colon + 1)
    return first[1] if first is not None and first[1] in names else None


_LEADING_ARG = lazy(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")  # `${NODE_VERSION}`, `${NODE_VERSION:-16}`, `$NODE_VERSION`
