"""Typed engine and compose facts for checks: values, never raw engine JSON or a subprocess.

Each reads through the engine connection (short timeouts; Unavailable when it cannot look) or
asks the compose CLI once per run, so a check sees plain values and a test can fake them.
"""

from __future__ import annotations

from collections.abc import Mapping

from doctor.host.engine import EngineConnection
from doctor.lazyre import lazy

_VERSION = lazy(r"v?(\d+)\.(\d+)\.(\d+)")


def image_tags(engine: EngineConnection) -> tuple[str, ...]:
    """Every `repo:tag` the engine has locally (dangling `<none>` ones left out)."""
    images = engine.get_json("/images/json")
    return tuple(str(t) for image in images if isinstance(image, dict)
                 for t in image.get("RepoTags") or [] if "<none>" not in str(t))


def container_labels(engine: EngineConnection, container_id: str) -> Mapping[str, str]:
    """The labels of one container ({} when it has none)."""
    found = engine.get_json(f"/containers/{container_id}/json")
    labels = (found.get("Config") or {}).get("Labels") or {} if isinstance(found, dict) else {}
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def parse_compose_version(text: str) -> tuple[int, int, int] | None:
    """`Docker Compose version v2.40.3` -> (2, 40, 3)."""
    found = _VERSION.search(text)
    return (int(found[1]), int(found[2]), int(found[3])) if found else None


def compose_version(env: Mapping[str, str], timeout: float) -> tuple[int, int, int] | None:
    """The installed compose's version (`docker compose version`, else `docker-compose version`),
    found on the PATH doctor was given; None when neither answers in time. The docker CLI's
    compose plugin is asked directly when doctor can tell which one it runs (compose_probe.command).
    """
    from doctor.host import compose_cache
    from doctor.host.which import which_on

    path = env.get("PATH")
    programs = {name: which_on(name, path) for name in ("docker", "docker-compose")}
    material = compose_cache.key_material(env, programs)
    cached = compose_cache.load(env, material)
    if cached is not False:
        return cached  # type: ignore[return-value]
    found, timed_out = _ask_compose(env, timeout, programs)
    if not timed_out:  # a program that did not answer in time is asked again next run
        compose_cache.store(env, material, found)
    return found


def _ask_compose(env: Mapping[str, str], timeout: float,
                 programs: Mapping[str, str | None]) -> tuple[tuple[int, int, int] | None, bool]:
    """The version the first program gives, and whether one of them timed out."""
    from doctor.host import compose_probe

    timed_out = False
    for argv in (["docker", "compose", "version"], ["docker-compose", "version"]):
        program = programs[argv[0]]
        if program is None:
            continue
        # started first thing in this preflight (compose_probe.start_early), else run now
        probe = compose_probe.take(program, env) if argv[0] == "docker" else None
        run = probe.argv if probe is not None else (
            compose_probe.command(env, program) if argv[0] == "docker" else [program, *argv[1:]])
        while True:
            if probe is not None:
                out, status, late = compose_probe.read(probe, timeout)
                stdout, probe = (out if status == 0 else None), None
            else:
                stdout, late = _run(run, env, timeout)
            if late:  # a program that did not answer in time is asked again next run
                timed_out = True
                break
            text = compose_probe.version_text(run, stdout) if stdout is not None else ""
            if text is None:  # metadata the CLI may read otherwise: ask `docker compose version`
                run = [program, *compose_probe.ARGV]
                continue
            found = parse_compose_version(text)
            if found is not None:
                return found, False
            break
    return None, timed_out


def _run(argv: list[str], env: Mapping[str, str], timeout: float) -> tuple[str | None, bool]:
    """A program's output (None when it failed or could not start), and whether it timed out."""
    import subprocess  # not imported when the early probe answered

    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=dict(env))
    except subprocess.TimeoutExpired:
        return None, True
    except OSError:
        return None, False
    return (done.stdout if done.returncode == 0 else None), False
