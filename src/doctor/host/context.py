"""Where doctor runs: host, docker/podman container, Kubernetes pod, devcontainer, WSL, CI.

Detection reads a handful of files and variables and records every signal it saw, so a
report can say *why* it believes what it believes. The signals are chosen to work on
cgroup v2 (where /proc/1/cgroup is only `0::/`) and on Docker 27+ (where /.dockerenv may be
absent with some snapshotters): the bind-mount sources in /proc/self/mountinfo still name
the runtime's state directory (`/var/lib/docker/containers/<id>/hostname`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from pathlib import Path

from doctor.model import record

CI_PROVIDERS: tuple[tuple[str, str], ...] = (
    ("GITHUB_ACTIONS", "GitHub Actions"),
    ("GITLAB_CI", "GitLab CI"),
    ("CIRCLECI", "CircleCI"),
    ("BUILDKITE", "Buildkite"),
    ("JENKINS_URL", "Jenkins"),
    ("TF_BUILD", "Azure Pipelines"),
    ("TRAVIS", "Travis CI"),
    ("BITBUCKET_BUILD_NUMBER", "Bitbucket Pipelines"),
    ("TEAMCITY_VERSION", "TeamCity"),
    ("DRONE", "Drone"),
    ("WOODPECKER", "Woodpecker"),
    ("APPVEYOR", "AppVeyor"),
    ("CODEBUILD_BUILD_ID", "AWS CodeBuild"),
    ("SEMAPHORE", "Semaphore"),
    ("CIRRUS_CI", "Cirrus CI"),
)
DEVCONTAINER_VARS = ("REMOTE_CONTAINERS", "REMOTE_CONTAINERS_IPC", "DEVCONTAINER", "CODESPACES",
                     "VSCODE_REMOTE_CONTAINERS_SESSION")
_CONTAINER_ID = r"[0-9a-f]{64}"
# mountinfo bind sources / cgroup paths that name a runtime's state; order = precedence.
# Plain substrings, not regexes: this runs on every preflight, and compiling costs more than the scan.
_RUNTIME_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kubernetes", ("/kubelet/pods/", "/kubepods")),
    ("podman", ("/containers/storage/overlay-containers/", "libpod")),
    ("docker", ("/docker/containers/", "/docker/overlay2/", "/docker/rootfs/", "/docker/", "/docker-")),
    ("containerd", ("io.containerd", "/containerd/")),
    ("lxc", ("/lxc/", "lxc.payload")),
)


class Runtime(enum.Enum):
    """What kind of place doctor runs in (the most specific one the signals support)."""

    HOST = "host"
    DOCKER = "docker container"
    PODMAN = "podman container"
    KUBERNETES = "kubernetes pod"
    CONTAINERD = "containerd container"
    LXC = "lxc container"
    CONTAINER = "container"


@record
class Signal:
    """One observation: what was seen (`name`) and where (`source`, e.g. a file or variable)."""

    name: str
    source: str
    detail: str = ""


@record
class ExecutionContext:
    """Where doctor runs, plus every signal that said so (printed as facts in json output)."""

    runtime: Runtime
    signals: tuple[Signal, ...] = ()
    ci: str | None = None
    wsl: bool = False
    devcontainer: bool = False
    container_id: str | None = None
    hostname: str | None = None

    @property
    def in_container(self) -> bool:
        return self.runtime is not Runtime.HOST

    def describe(self) -> str:
        """A short phrase: `docker container (devcontainer) in GitHub Actions`."""
        text = self.runtime.value
        if self.devcontainer:
            text += " (devcontainer)"
        if self.wsl:
            text += " on WSL"
        if self.ci:
            text += f" in {self.ci}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "runtime": self.runtime.value,
            "in_container": self.in_container,
            "ci": self.ci,
            "wsl": self.wsl,
            "devcontainer": self.devcontainer,
            "container_id": self.container_id,
            "hostname": self.hostname,
            "signals": [{"name": s.name, "source": s.source, "detail": s.detail} for s in self.signals],
        }


@record
class ContextFiles:
    """The raw inputs read from a filesystem root (None = absent or unreadable)."""

    dockerenv: bool = False
    containerenv: str | None = None
    mountinfo: str | None = None
    cgroup: str | None = None
    proc_version: str | None = None
    hostname: str | None = None


def read_context_files(root: Path) -> ContextFiles:
    """Read what detection needs from `root` (`/` normally; a fake tree in tests)."""
    return ContextFiles(
        dockerenv=(root / ".dockerenv").exists(),
        containerenv=_read(root / "run" / ".containerenv"),
        mountinfo=_read(root / "proc" / "self" / "mountinfo"),
        cgroup=_read(root / "proc" / "1" / "cgroup"),
        proc_version=_read(root / "proc" / "version"),
        hostname=(_read(root / "etc" / "hostname") or "").strip() or None,
    )


def _read(path: Path) -> str | None:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return None


def detect_context(env: Mapping[str, str], root: Path = Path("/")) -> ExecutionContext:
    """Detect the execution context from the files under `root` and the variables in `env`."""
    return classify(env, read_context_files(root))


def classify(env: Mapping[str, str], files: ContextFiles) -> ExecutionContext:
    """The pure part of detection: turn the inputs into an ExecutionContext."""
    signals: list[Signal] = []
    runtimes: list[str] = []
    container_id: str | None = None

    if files.dockerenv:
        signals.append(Signal("dockerenv", "/.dockerenv"))
        runtimes.append("docker")
    if files.containerenv is not None:
        engine = re.search(r'engine="([^"]*)"', files.containerenv)
        signals.append(Signal("containerenv", "/run/.containerenv", engine.group(1) if engine else ""))
        runtimes.append("podman")
        found = re.search(r'^id="([0-9a-f]{64})"', files.containerenv, re.M)
        container_id = found.group(1) if found else None
    if files.mountinfo:
        kind, ident = _from_mountinfo(files.mountinfo, signals)
        runtimes += [kind] if kind else []
        container_id = container_id or ident
    if files.cgroup:
        kind, ident = _from_cgroup(files.cgroup)
        if kind:
            signals.append(Signal(f"cgroup:{kind}", "/proc/1/cgroup", ident or ""))
            runtimes.append(kind)
            container_id = container_id or ident
    if env.get("KUBERNETES_SERVICE_HOST"):
        signals.append(Signal("kubernetes", "KUBERNETES_SERVICE_HOST"))
        runtimes.append("kubernetes")
    declared = env.get("container", "")
    if declared:
        # systemd's convention: container managers set container=docker|podman|lxc|oci
        signals.append(Signal("container-variable", "container", declared))
        runtimes.append(declared if declared in ("docker", "podman", "lxc") else "container")

    runtime = _pick(runtimes)
    forced = env.get("DOCTOR_CONTEXT", "").strip().lower()
    if forced:
        # the user's word beats detection (a sandbox with a stray /.dockerenv, an unknown runtime)
        signals.append(Signal("override", "DOCTOR_CONTEXT", forced))
        runtime = _pick([forced]) if forced != "host" else Runtime.HOST
    devcontainer = [v for v in DEVCONTAINER_VARS if env.get(v)]
    signals += [Signal("devcontainer", v) for v in devcontainer]
    wsl = _wsl(env, files, signals)
    ci = _ci(env, signals)
    return ExecutionContext(
        runtime=runtime,
        signals=tuple(signals),
        ci=ci,
        wsl=wsl,
        devcontainer=bool(devcontainer),
        container_id=container_id,
        hostname=files.hostname or env.get("HOSTNAME") or None,
    )


def _pick(runtimes: list[str]) -> Runtime:
    # A pod's containers run on docker or containerd too: the orchestrator is the useful answer.
    for name, runtime in (("kubernetes", Runtime.KUBERNETES), ("podman", Runtime.PODMAN),
                          ("docker", Runtime.DOCKER), ("containerd", Runtime.CONTAINERD),
                          ("lxc", Runtime.LXC), ("container", Runtime.CONTAINER)):
        if name in runtimes:
            return runtime
    return Runtime.CONTAINER if any(r not in ("", "host") for r in runtimes) else Runtime.HOST


def _from_mountinfo(text: str, signals: list[Signal]) -> tuple[str | None, str | None]:
    """The runtime named by mount sources (and the container id when a path holds one)."""
    kind: str | None = None
    ident: str | None = None
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        source, mount_point = fields[3], fields[4]
        _, _, tail = line.partition(" - ")
        if mount_point == "/":
            fstype = tail.split()[0] if tail else ""
            runtime = _match_runtime(tail)
            if fstype == "overlay":
                signals.append(Signal("overlay-root", "/proc/self/mountinfo", runtime or ""))
            # An overlay root alone is also what a live-USB host has: only a runtime path counts.
            kind = kind or runtime
            continue
        if mount_point in ("/etc/hostname", "/etc/hosts", "/etc/resolv.conf"):
            runtime = _match_runtime(source)
            if runtime:
                found = re.search(_CONTAINER_ID, source)
                ident = ident or (found.group(0) if found else None)
                if not any(s.name == f"mount:{runtime}" for s in signals):
                    where = f"{source} on {mount_point}"
                    signals.append(Signal(f"mount:{runtime}", "/proc/self/mountinfo", where))
                kind = kind or runtime
    return kind, ident


def _from_cgroup(text: str) -> tuple[str | None, str | None]:
    for line in text.splitlines():
        path = line.split(":", 2)[-1]
        runtime = _match_runtime(path)
        if runtime:
            found = re.search(_CONTAINER_ID, path)
            return runtime, found.group(0) if found else None
    return None, None


def _match_runtime(text: str) -> str | None:
    for name, markers in _RUNTIME_MARKERS:
        if any(marker in text for marker in markers):
            return name
    return None


def _wsl(env: Mapping[str, str], files: ContextFiles, signals: list[Signal]) -> bool:
    seen = False
    for var in ("WSL_DISTRO_NAME", "WSL_INTEROP"):
        if env.get(var):
            signals.append(Signal("wsl", var, env[var] if var == "WSL_DISTRO_NAME" else ""))
            seen = True
    if files.proc_version and "microsoft" in files.proc_version.lower():
        signals.append(Signal("wsl", "/proc/version", "microsoft kernel"))
        seen = True
    return seen


def ci_provider(env: Mapping[str, str]) -> str | None:
    """The CI provider's name as `facts.context.ci` gives it (`"CI"` when only CI=true says so), or None
    outside CI."""
    return _ci(env, [])


def _ci(env: Mapping[str, str], signals: list[Signal]) -> str | None:
    for var, provider in CI_PROVIDERS:
        if env.get(var) and env[var].lower() not in ("0", "false"):
            signals.append(Signal("ci", var, provider))
            return provider
    if env.get("CI", "").lower() in ("1", "true", "yes"):
        signals.append(Signal("ci", "CI", "unknown provider"))
        return "CI"
    return None
