"""The images a repository's Maven or Gradle build puts on the engine (jib, Spring Boot's build-image), never run.

A Java project often has no Dockerfile: `./mvnw compile jib:dockerBuild` (jib), `./mvnw spring-boot:build-image` or
`./gradlew bootBuildImage` (Spring Boot's buildpacks) build the image its compose file runs with `image:` and no
`build:` (jhipster-sample-app's `app: {image: jhipstersampleapplication}` from the pom's jib `<to><image>`, the
Polar Bookshop's `image: catalog-service` from catalog-service/build.gradle's `imageName = "${project.name}"`);
`up` on a fresh engine then pulls a name no registry has. The image a build names:

- jib (jib-maven-plugin, the Gradle plugin `com.google.cloud.tools.jib`): its `to` image, else
  `${project.artifactId}:${project.version}` (Gradle: `project.name:project.version`);
- Spring Boot (spring-boot-maven-plugin, the Gradle plugin `org.springframework.boot`): its `<image><name>` or
  `imageName`, else `${project.artifactId}:${project.version}` (Gradle: `project.name:project.version`, the
  name alone where the version is `unspecified`).

A name with a property doctor cannot resolve (`${registry}/app`, a `findProperty`) is not guessed. The build
files looked at are those of the project's folder, the folders above it up to the checkout's top, and the
folders right inside each of them (a service's folder beside the deployment one): a few directory listings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.image_builders import reference_key
from doctor.project.reading import is_dir, is_file, read_regular_text

MAVEN, GRADLE = "pom.xml", ("build.gradle", "build.gradle.kts")
MAX_BYTES = 512 * 1024
MAX_FOLDERS = 200  # child folders listed in all: a checkout of many modules is read in its first ones by name
_SKIPPED = frozenset(("node_modules", "target", "build", "dist", "out", "vendor"))
_PROPERTY = lazy(r"\$\{([\w.-]+)\}")
_GRADLE_PROPERTY = lazy(r"\$\{?((?:root)?[pP]roject\.(?:name|version)|version)\}?")
_GRADLE_VERSION = lazy(r"^\s*(?:project\.)?version\s*=\s*[\"']([^\"'$]+)[\"']", re.MULTILINE)
_PROPERTIES_VERSION = lazy(r"^\s*version\s*[=:]\s*(\S+)\s*$", re.MULTILINE)
_ROOT_NAME = lazy(r"rootProject\.name\s*=\s*[\"']([^\"'$]+)[\"']")
_BOOT_PLUGIN = lazy(r"[\"']org\.springframework\.boot[\"']")
_JIB_PLUGIN = lazy(r"[\"']com\.google\.cloud\.tools\.jib[\"']")
_IMAGE_NAME = lazy(r"\bimageName\s*(?:=|\.set\s*\()\s*[\"']([^\"']+)[\"']")
_JIB_TO = lazy(r"\bto\s*\{[^{}]*?\bimage\s*(?:=|\.set\s*\()\s*[\"']([^\"']+)[\"']"
               r"|\bto\.image\s*=\s*[\"']([^\"']+)[\"']")


@record
class JvmImageBuild:
    """A Maven or Gradle build that makes an image on the engine: the file, the line naming the image (or the
    plugin), the tool, and the command to run in `folder`."""

    file: Path
    line: int
    tool: str
    folder: Path
    command: str


def jvm_image_builds(start: Path, top: Path) -> dict[str, JvmImageBuild]:
    """The images (by reference_key) the Maven and Gradle builds around `start` (up to `top`) make."""
    found: dict[str, JvmImageBuild] = {}
    for folder in _folders(start, top):
        for image, build in _builds(folder, top):
            if "$" not in image and image.strip():
                found.setdefault(reference_key(image.strip()), build)
    return found


def search_top(root: Path, checkout: Path | None) -> Path:
    """The farthest folder the builds are looked for in: the git checkout's top, else (an archive, whose marks
    of a top a trimmed subfolder may carry too: PolarBookshop/polar-deployment's .github) the folder
    ARCHIVE_DEPTH above the project's, never the home folder or above it."""
    from doctor.project.gitrepo import ARCHIVE_DEPTH
    from doctor.system_folders import home_folder

    if checkout is not None and (checkout == root or checkout in root.parents):
        return checkout
    home = home_folder()
    above = [f for f in root.parents[:ARCHIVE_DEPTH] if f != f.parent and not home.is_relative_to(f)]
    return above[-1] if above else root


def _folders(start: Path, top: Path) -> Iterator[Path]:
    """`start`, the folders above it up to `top`, then the folders right inside each (by name, MAX_FOLDERS)."""
    chain = [start]
    while chain[-1] != top and top in chain[-1].parents:
        chain.append(chain[-1].parent)
    yield from chain
    listed = 0
    for folder in chain:
        try:
            names = sorted(entry.name for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False))
        except OSError:
            continue
        for name in names:
            if name.startswith(".") or name in _SKIPPED or folder / name in chain:
                continue
            listed += 1
            if listed > MAX_FOLDERS:
                return
            yield folder / name


def _builds(folder: Path, top: Path) -> Iterable[tuple[str, JvmImageBuild]]:
    if is_file(folder / MAVEN):
        yield from _maven(folder, top)
    for name in GRADLE:
        if is_file(folder / name):
            yield from _gradle(folder / name, top)
            break


def _maven(folder: Path, top: Path) -> Iterator[tuple[str, JvmImageBuild]]:
    """jib and spring-boot-maven-plugin of a pom's own `<build>` (plugins and pluginManagement)."""
    import xml.etree.ElementTree as ElementTree  # only where a pom lies around an absent image

    path = folder / MAVEN
    text = read_regular_text(path, MAX_BYTES)
    if not text or "<build>" not in text:
        return
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return
    for node in root.iter():
        if isinstance(node.tag, str):
            node.tag = node.tag.rsplit("}", 1)[-1]
    values = {child.tag: (child.text or "").strip() for child in root.findall("properties/*")}
    artifact = (root.findtext("artifactId") or "").strip()
    version = (root.findtext("version") or root.findtext("parent/version") or "").strip()
    values.update({"project.artifactId": artifact, "artifactId": artifact, "project.version": version,
                   "version": version, "pom.version": version})
    build = root.find("build")
    if build is None:
        return
    for plugin in [*build.findall("plugins/plugin"), *build.findall("pluginManagement/plugins/plugin")]:
        name = (plugin.findtext("artifactId") or "").strip()
        if name == "jib-maven-plugin":
            written, tool, goal = plugin.findtext("configuration/to/image"), "jib", "compile jib:dockerBuild"
        elif name == "spring-boot-maven-plugin":
            written, tool, goal = plugin.findtext("configuration/image/name"), "Spring Boot", "spring-boot:build-image"
        else:
            continue
        default = "${project.artifactId}:${project.version}"
        image = _resolved(written.strip() if written and written.strip() else default, values)
        if image is None:
            continue
        line = _line(text, written.strip() if written else name)
        yield image, JvmImageBuild(path, line, tool, *_command(folder, top, "mvnw", "mvn", goal, path))


def _gradle(path: Path, top: Path) -> Iterator[tuple[str, JvmImageBuild]]:
    """Spring Boot's bootBuildImage and jib's jibDockerBuild of a Gradle build (Groovy or Kotlin DSL)."""
    text = read_regular_text(path, MAX_BYTES)
    if not text:
        return
    folder = path.parent
    settings = next((t for n in ("settings.gradle", "settings.gradle.kts")
                     if (t := read_regular_text(folder / n, MAX_BYTES)) is not None), "")
    named = _ROOT_NAME.search(settings)
    name = named[1] if named else folder.name
    written_version = _GRADLE_VERSION.search(text) or _PROPERTIES_VERSION.search(
        read_regular_text(folder / "gradle.properties", MAX_BYTES) or "")
    version = written_version[1] if written_version else "unspecified"
    default = name if version == "unspecified" else f"{name}:{version}"
    values = {"project.name": name, "rootProject.name": name, "project.version": version, "version": version}
    for plugin, pattern, tool, task in ((_BOOT_PLUGIN, _IMAGE_NAME, "Spring Boot", "bootBuildImage"),
                                        (_JIB_PLUGIN, _JIB_TO, "jib", "jibDockerBuild")):
        applied = plugin.search(text)
        if applied is None:
            continue
        written = pattern.search(text)
        value = next((g for g in written.groups() if g), "") if written else ""
        image = _gradle_resolved(value, values) if value else default
        if image is None:
            continue
        line = text.count("\n", 0, written.start() if written else applied.start()) + 1
        yield image, JvmImageBuild(path, line, tool, *_command(folder, top, "gradlew", "gradle", task, path))


def _resolved(text: str, values: dict[str, str]) -> str | None:
    """A pom's `${name}`s filled from its properties and project values; None where one is unknown."""
    for _ in range(4):
        if "${" not in text:
            return text
        text = _PROPERTY.sub(lambda m: values.get(m[1], m[0]), text)
        if all(m[1] not in values for m in _PROPERTY.finditer(text)):
            break
    return None if "${" in text else text


def _gradle_resolved(text: str, values: dict[str, str]) -> str | None:
    """A Gradle string's `${project.name}`, `$project.version`... filled; None where another `$` is left."""
    filled = _GRADLE_PROPERTY.sub(lambda m: values.get(m[1], m[0]), text)
    filled = filled.removesuffix(":unspecified")  # Spring Boot leaves an unset version out of the name
    return None if "$" in filled else filled


def _line(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _command(folder: Path, top: Path, wrapper: str, tool: str, goal: str, path: Path) -> tuple[Path, str]:
    """Where to run the build and how: its folder's wrapper, else the nearest wrapper above it up to the top (run
    there on this build: `-f module/pom.xml`, `-p module`), else the tool on PATH in its folder."""
    place = folder
    while True:
        if is_file(place / wrapper):
            if place == folder:
                return folder, f"./{wrapper} {goal}"
            rel = os.path.relpath(path if tool == "mvn" else folder, place)
            return place, f"./{wrapper} {'-f' if tool == 'mvn' else '-p'} {rel} {goal}"
        if place == top or top not in place.parents or not is_dir(place.parent):
            return folder, f"{tool} {goal}"
        place = place.parent
