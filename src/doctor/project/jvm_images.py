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

A pom's `<build><plugins>` builds; its `<pluginManagement>` and its parent poms' in the checkout (`<relativePath>`,
../pom.xml by default) configure the same plugin, a parent's `<plugins>` are inherited, and a parent's
`${project.artifactId}` is the module's. pluginManagement alone builds nothing, nor does a `pom` packaging (jib and
build-image skip it). A name with a property doctor cannot resolve (`${registry}/app`, a `findProperty`) is not
guessed. The build files looked at are those of the project's folder, the folders above it up to the checkout's
top, and the folders right inside each of them (a service's folder beside the deployment one): a few directory
listings.
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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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
    poms: dict[Path, _Pom | None] = {}  # each pom read once, a parent shared by its modules
    for folder in _folders(start, top):
        for image, build in _builds(folder, top, poms):
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


def _builds(folder: Path, top: Path, poms: dict[Path, _Pom | None]) -> Iterable[tuple[str, JvmImageBuild]]:
    if is_file(folder / MAVEN):
        yield from _maven(folder, top, poms)
    for name in GRADLE:
        if is_file(folder / name):
            yield from _gradle(folder / name, top)
            break


@record
class _Pom:
    """What a pom leaves its modules and its own build, before interpolation (a parent's `${project.artifactId}`
    is the module's): its values, and per image plugin the image its `<plugins>` and its `<pluginManagement>`
    entries name, each with the pom and line writing it (`None` name: the plugin is there without one)."""

    path: Path
    values: dict[str, str]
    packaging: str
    plugins: dict[str, tuple[str | None, Path, int]]
    managed: dict[str, tuple[str, Path, int]]
    parent_line: int


# per plugin: the element of its <configuration> naming the image, the tool, the goal
_MAVEN_PLUGINS = {"jib-maven-plugin": ("to/image", "jib", "compile jib:dockerBuild"),
                  "spring-boot-maven-plugin": ("image/name", "Spring Boot", "spring-boot:build-image")}
_MAX_PARENTS = 8


def _maven(folder: Path, top: Path, poms: dict[Path, _Pom | None]) -> Iterator[tuple[str, JvmImageBuild]]:
    """jib and spring-boot-maven-plugin of a pom's `<build><plugins>`, with their parents' as Maven inherits them: a
    `<plugins>` entry of the pom or of a parent pom in the checkout builds, configured by the nearest `<configuration>`
    naming the image (the plugin's own, then its `<pluginManagement>` entry's, the pom's before its parents');
    `<pluginManagement>` alone builds nothing, nor does a pom of packaging `pom` (jib and build-image skip it).
    `${project.artifactId}`, `${project.version}`, `${project.name}` are the pom's own."""
    path = folder / MAVEN
    pom = _pom(path, top, poms, 0)
    if pom is None or pom.packaging == "pom":
        return
    for name, (written, declared, line) in pom.plugins.items():
        _, tool, goal = _MAVEN_PLUGINS[name]
        if declared != path:  # a plugin the parent's <plugins> gives the pom: its <parent> line
            line = pom.parent_line
        if written is None and name in pom.managed:
            written, at, managed_line = pom.managed[name]
            line = managed_line if at == path else line
        image = _resolved(written or "${project.artifactId}:${project.version}", pom.values)
        if image is not None:
            yield image, JvmImageBuild(path, line, tool, *_command(folder, top, "mvnw", "mvn", goal, path))


def _pom(path: Path, top: Path, poms: dict[Path, _Pom | None], depth: int) -> _Pom | None:
    """The pom at `path` with what it inherits from its parent in the checkout (its `<relativePath>`, by default
    ../pom.xml, with the parent's artifactId), read once per run of jvm_image_builds."""
    if path in poms:
        return poms[path]
    poms[path] = None  # a parent chain that comes back here reads no further
    root, text = _parsed(path)
    if root is None:
        return None
    parent = _parent(path, root, top, poms, depth)
    artifact = (root.findtext("artifactId") or "").strip()
    version = (root.findtext("version") or root.findtext("parent/version") or "").strip()
    group = (root.findtext("groupId") or root.findtext("parent/groupId") or "").strip()
    values = dict(parent.values) if parent is not None else {}
    values.update({child.tag: (child.text or "").strip() for child in root.findall("properties/*")})
    named = (root.findtext("name") or "").strip() or artifact  # a name is not inherited (Maven's getName)
    values.update({"project.artifactId": artifact, "artifactId": artifact, "project.version": version,
                   "version": version, "pom.version": version, "project.groupId": group, "groupId": group,
                   "project.name": named, "pom.name": named,
                   "project.parent.version": (root.findtext("parent/version") or "").strip()})
    plugins = dict(parent.plugins) if parent is not None else {}
    managed = dict(parent.managed) if parent is not None else {}
    for entry in root.findall("build/pluginManagement/plugins/plugin"):
        name = (entry.findtext("artifactId") or "").strip()
        written = (entry.findtext(f"configuration/{_MAVEN_PLUGINS[name][0]}") or "").strip() \
            if name in _MAVEN_PLUGINS else ""
        if written:
            managed[name] = (written, path, _line(text, f">{written}<"))
    for entry in root.findall("build/plugins/plugin"):
        name = (entry.findtext("artifactId") or "").strip()
        if name not in _MAVEN_PLUGINS:
            continue
        written = (entry.findtext(f"configuration/{_MAVEN_PLUGINS[name][0]}") or "").strip()
        inherited = plugins.get(name)
        if written:
            plugins[name] = (written, path, _line(text, f">{written}<"))
        else:
            plugins[name] = (inherited[0] if inherited else None, path, _line(text, f"<artifactId>{name}<"))
    packaging = (root.findtext("packaging") or "jar").strip()
    pom = _Pom(path, values, packaging, plugins, managed, _line(text, "<parent>"))
    poms[path] = pom
    return pom


def _parent(path: Path, root: Any, top: Path, poms: dict[Path, _Pom | None], depth: int) -> _Pom | None:
    """The parent pom the checkout holds where `<parent>` points (relativePath, ../pom.xml by default; an empty
    relativePath: a repository's only), when it is the artifact named; None otherwise."""
    if root.find("parent") is None or depth >= _MAX_PARENTS:
        return None
    relative = root.findtext("parent/relativePath")
    relative = "../pom.xml" if relative is None else relative.strip()
    if not relative:
        return None
    where = Path(os.path.normpath(path.parent / relative))
    if not where.name.endswith(".xml"):
        where = where / MAVEN
    if where == path or (where.parent != top and top not in where.parents) or not is_file(where):
        return None
    parent = _pom(where, top, poms, depth + 1)
    named = (root.findtext("parent/artifactId") or "").strip()
    return parent if parent is not None and parent.values.get("project.artifactId") == named else None


def _parsed(path: Path) -> tuple[Any, str]:
    """A pom's root element (namespaces dropped) and text; (None, "") when it cannot be read."""
    import xml.etree.ElementTree as ElementTree  # only where a pom lies around an absent image

    text = read_regular_text(path, MAX_BYTES)
    if not text:
        return None, ""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return None, ""
    for node in root.iter():
        if isinstance(node.tag, str):
            node.tag = node.tag.rsplit("}", 1)[-1]
    return root, text


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
