"""image-availability reads a multi-module Maven build as Maven does: pluginManagement configures, `<plugins>` builds.

A parent pom (packaging `pom`) holding jib in `<pluginManagement>` with `<to><image>${project.artifactId}</image>`
was read as building `shop-parent` ("pom.xml:14 builds it (jib)"), though pluginManagement builds nothing and jib
skips a `pom` packaging; its module `orders`, whose `<plugins>` names jib and inherits that configuration, builds
`orders` (its own artifactId), which doctor left a note "compose pulls it on up". Now the module's build names
its image (its artifactId, version and name; the parent's `<plugins>` inherited too), and the parent none.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions
from doctor.project.jvm_images import jvm_image_builds

JIB = "<groupId>com.google.cloud.tools</groupId><artifactId>jib-maven-plugin</artifactId>"
BOOT = "<groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId>"
MANAGED = f"""<pluginManagement>
      <plugins>
        <plugin>{JIB}
          <configuration><to><image>${{project.artifactId}}</image></to></configuration>
        </plugin>
        <plugin>{BOOT}
          <configuration><image><name>${{project.name}}-boot:${{project.version}}</name></image></configuration>
        </plugin>
      </plugins>
    </pluginManagement>"""


def _pom(artifact: str, build: str, head: str = "") -> str:
    return (f"<project xmlns='http://maven.apache.org/POM/4.0.0'>\n  <modelVersion>4.0.0</modelVersion>\n{head}"
            f"  <artifactId>{artifact}</artifactId>\n  <build>\n    {build}\n  </build>\n</project>\n")


PARENT = _pom("shop-parent", MANAGED, "  <groupId>com.example</groupId><version>1.0</version>\n"
                                      "  <packaging>pom</packaging>\n")
CHILD_HEAD = ("  <parent><groupId>com.example</groupId><artifactId>shop-parent</artifactId>"
              "<version>1.0</version></parent>\n")


def _shop(root: Path, modules: dict[str, str], parent: str = PARENT) -> Path:
    (root / "deploy").mkdir(parents=True)
    (root / "pom.xml").write_text(parent)
    for name, text in modules.items():
        (root / name).mkdir()
        (root / name / "pom.xml").write_text(text)
    return root


def _images(root: Path) -> dict[str, tuple[str, int, str, str]]:
    return {key.removeprefix("docker.io/").removeprefix("library/"): (str(b.file.relative_to(root)), b.line, b.tool,
                                                     str(b.folder.relative_to(root)))
            for key, b in jvm_image_builds(root / "deploy", root).items()}


def test_the_module_builds_what_the_parents_plugin_management_names(tmp_path: Path) -> None:
    plugins = f"<plugins>\n      <plugin>{JIB}</plugin>\n      <plugin>{BOOT}</plugin>\n    </plugins>"
    root = _shop(tmp_path / "shop", {
        "orders": _pom("orders", plugins, CHILD_HEAD),
        "billing": _pom("billing", plugins, CHILD_HEAD + "  <name>bills</name><version>2.0</version>\n")})
    assert _images(root) == {
        "orders:latest": ("orders/pom.xml", 7, "jib", "orders"),  # the line of its <plugin> naming jib
        "orders-boot:1.0": ("orders/pom.xml", 8, "Spring Boot", "orders"),
        "billing:latest": ("billing/pom.xml", 8, "jib", "billing"),
        "bills-boot:2.0": ("billing/pom.xml", 9, "Spring Boot", "billing")}


def test_a_modules_own_configuration_and_the_parents_plugins(tmp_path: Path) -> None:
    own = f"<plugins><plugin>{JIB}<configuration><to><image>shop/orders</image></to></configuration></plugin></plugins>"
    inherited = _pom("shop-parent", f"<plugins><plugin>{JIB}</plugin></plugins>",
                     "  <groupId>com.example</groupId><version>1.0</version>\n  <packaging>pom</packaging>\n")
    root = _shop(tmp_path / "a", {"orders": _pom("orders", own, CHILD_HEAD)})
    assert _images(root) == {"shop/orders:latest": ("orders/pom.xml", 6, "jib", "orders")}
    # the parent's <plugins> entry is inherited: the module builds its default name, at its <parent> line
    root = _shop(tmp_path / "b", {"orders": _pom("orders", "", CHILD_HEAD)}, inherited)
    assert _images(root) == {"orders:1.0": ("orders/pom.xml", 3, "jib", "orders")}
    # pluginManagement alone builds nothing, in a jar pom too; a parent elsewhere (relativePath) is not this one
    alone = _pom("tool", MANAGED, "  <version>3</version>\n")
    root = _shop(tmp_path / "c", {"orders": _pom("orders", "", CHILD_HEAD.replace(
        "</version></parent>", "</version><relativePath/></parent>"))}, alone)
    assert _images(root) == {}


@pytest.mark.docker
def test_preflight_names_the_modules_build_not_the_parents(tmp_path: Path, docker_engine: str) -> None:
    have = [i for i in ("shop-parent", "orders") if subprocess.run(
        [docker_engine, "image", "inspect", i], capture_output=True, check=False).returncode == 0]
    if have:
        pytest.skip(f"this engine has {have}")
    root = _shop(tmp_path / "shop", {"orders": _pom("orders", f"<plugins><plugin>{JIB}</plugin></plugins>",
                                                    CHILD_HEAD)})
    (root / "deploy" / "compose.yaml").write_text("services:\n  parent: {image: shop-parent}\n"
                                                  "  orders: {image: orders}\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    options = ProjectOptions(path=root / "deploy", cwd=root / "deploy",
                             env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("image-availability",), env=dict(options.env)),
                       load_registry()).report
    found = {f.subject: (f.severity.name, f.message) for f in report.findings}
    assert found == {
        "parent:shop-parent": ("INFO", "'parent' image 'shop-parent' is not on the engine: compose pulls it on up "
                                       "(needs the registry)"),
        "orders:orders": ("WARNING", "'orders' image 'orders' is not on the engine and no registry has it: "
                                     "../orders/pom.xml:6 builds it (jib), else up's pull fails")}, found
