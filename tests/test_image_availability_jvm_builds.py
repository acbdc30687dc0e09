"""image-availability for an image a Maven or Gradle build makes: jib, Spring Boot's build-image.

jhipster/jhipster-sample-app (tests/replay/jhipster-sample-app) runs 'app' on `image: jhipstersampleapplication`
(src/main/docker/app.yml), which the pom's jib plugin builds (`<to><image>jhipstersampleapplication:latest`,
`./mvnw compile jib:dockerBuild`); ThomasVitale's Polar Bookshop (tests/replay/polar-bookshop) runs
`image: "catalog-service"` and four more from PolarBookshop/polar-deployment/docker, which each service's
build.gradle builds (`bootBuildImage { imageName = "${project.name}" }`, settings.gradle's rootProject.name).
On a fresh engine `up` fails on the pull ("pull access denied for jhipstersampleapplication"), and doctor
preflight said it was a note: "compose pulls it on up (needs the registry)". Now it is a warning at the
compose line naming the build file's line and the command that makes the image; the build files are read,
never run. A name the build leaves to a property doctor cannot resolve is not guessed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions
from doctor.project.jvm_images import jvm_image_builds

REPLAYS = Path(__file__).parent / "replay"
POLAR = ("catalog-service", "config-service", "dispatcher-service", "edge-service", "order-service")


def _checkout(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(REPLAYS / name, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _found(folder: Path, *files: str, cwd: Path | None = None) -> list[tuple[str, str, int | None, str | None, str]]:
    options = ProjectOptions(path=folder, files=tuple(folder / f for f in files), cwd=cwd or folder,
                             env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "HOME": str(folder)})
    report = preflight(RunOptions(project=options, select=("image-availability",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.path.name if f.location else "", f.location.line if f.location else None,
             f.fix.title if f.fix else None, f.severity.name) for f in report.findings]


def test_the_builds_name_their_images(tmp_path: Path) -> None:
    jhipster = _checkout(tmp_path, "jhipster-sample-app")
    found = jvm_image_builds(jhipster / "src" / "main" / "docker", jhipster)
    jib = found["docker.io/library/jhipstersampleapplication:latest"]
    assert (jib.file, jib.tool, jib.folder, jib.command) == (jhipster / "pom.xml", "jib", jhipster,
                                                             "./mvnw compile jib:dockerBuild")
    assert "<image>jhipstersampleapplication:latest</image>" in (jhipster / "pom.xml").read_text().splitlines()[
        jib.line - 1]
    # the Spring Boot plugin beside it builds `${project.artifactId}:${project.version}` by default
    assert found["docker.io/library/jhipster-sample-application:0.0.1-SNAPSHOT"].command == \
        "./mvnw spring-boot:build-image"
    polar = _checkout(tmp_path, "polar-bookshop")
    found = jvm_image_builds(polar / "PolarBookshop" / "polar-deployment" / "docker", polar)
    assert sorted(found) == [f"docker.io/library/{name}:latest" for name in POLAR]
    catalog = found["docker.io/library/catalog-service:latest"]
    assert (catalog.tool, catalog.command, catalog.line) == ("Spring Boot", "./gradlew bootBuildImage", 70)


def test_default_names_and_names_left_to_properties(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "deploy").mkdir(parents=True)
    (app / "api").mkdir()
    (app / "pom.xml").write_text(
        "<project xmlns='http://maven.apache.org/POM/4.0.0'><artifactId>shop</artifactId><version>1.2</version>"
        "<build><plugins><plugin><artifactId>jib-maven-plugin</artifactId></plugin></plugins></build></project>\n")
    (app / "api" / "build.gradle.kts").write_text(
        'plugins { id("com.google.cloud.tools.jib") version "3.4.0" }\nversion = "0.3"\n')
    (app / "api" / "settings.gradle.kts").write_text('rootProject.name = "shop-api"\n')
    found = jvm_image_builds(app / "deploy", app)
    assert sorted(found) == ["docker.io/library/shop-api:0.3", "docker.io/library/shop:1.2"]
    assert (found["docker.io/library/shop-api:0.3"].folder, found["docker.io/library/shop-api:0.3"].command) == (
        app / "api", "gradle jibDockerBuild")
    # a registry given at build time is no name to match
    (app / "api" / "build.gradle.kts").write_text(
        'plugins { id("com.google.cloud.tools.jib") }\njib { to { image = "${findProperty("registry")}/api" } }\n')
    assert sorted(jvm_image_builds(app / "deploy", app)) == ["docker.io/library/shop:1.2"]


@pytest.mark.docker
def test_as_cloned_on_an_engine_without_them_each_image_names_its_build(tmp_path: Path, docker_engine: str) -> None:
    images = ("jhipstersampleapplication", *POLAR)
    have = [i for i in images if subprocess.run([docker_engine, "image", "inspect", i], capture_output=True,
                                                 check=False).returncode == 0]
    if have:
        pytest.skip(f"this engine has {have}")
    jhipster = _checkout(tmp_path, "jhipster-sample-app")
    app = [f for f in _found(jhipster, "src/main/docker/app.yml") if f[1] == "app.yml"]
    assert app == [("'app' image 'jhipstersampleapplication' is not on the engine and no registry has it: pom.xml:652 "
                    "builds it (jib), else up's pull fails", "app.yml", 5,
                    "build it first: ./mvnw compile jib:dockerBuild", "WARNING")]
    polar = _checkout(tmp_path, "polar-bookshop")
    deployment = polar / "PolarBookshop" / "polar-deployment" / "docker"
    found = {f[0].split("'")[1]: f for f in _found(deployment, cwd=polar) if f[0].split("'")[1] in POLAR}
    assert found["catalog-service"] == (
        "'catalog-service' image 'catalog-service' is not on the engine and no registry has it: "
        "PolarBookshop/catalog-service/build.gradle:70 builds it (Spring Boot), else up's pull fails",
        "docker-compose.yml", 12, "build it first: cd PolarBookshop/catalog-service && ./gradlew bootBuildImage",
        "WARNING")
    assert sorted(found) == sorted(POLAR)
    assert {f[4] for f in found.values()} == {"WARNING"}
