"""The note `doctor exec` prints before compose's `run` (or the `up` it starts first): what compose
does to the images before the command runs.

Compose readies the image of the service and of each service its `depends_on` starts along (through
others too), each as its `pull_policy` says (docker/compose v2 pkg/compose/pull.go `mustPull`,
build.go `build`; compose-go's `GetPullPolicy`), whether or not that service's container is up:

- `always`: pulled on every run, even when the engine has it;
- `daily`, `weekly`, `every_<duration>`: pulled when absent, or when the engine tagged its copy
  longer ago than that (a copy whose tag time the engine does not record counts as older);
- `missing`, `if_not_present`, none, or a word compose does not know: pulled when absent;
- `never`: never pulled; `build`: built on every run. A service with `build:` is built where its
  image is still absent after that (a failed pull of it is a warning); one without stops the run
  at "No such image".

`run --build` (doctor's run of a service whose code no bind mount brings) sets `build` on every one
of those services that has `build:`: the dependencies' images are rebuilt too. Compose pulls only an
image a service names (`image:`): one with `build:` alone is built, never pulled. A pull that fails
stops the run unless the service can build its image.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from doctor.host import Host
from doctor.model import Unavailable, and_list, record
from doctor.project import Project
from doctor.project.types import Service, started_before


class Does(enum.Enum):
    """What compose does with one service's image before the run."""

    PULL = "pull"
    BUILD = "build"
    STOPS = "stops"  # absent, and its policy lets compose neither pull nor build it: "No such image"
    MAY = "may"  # the engine could not say whether it has the image: compose may pull or build it


@record
class Step:
    """What compose does first with the image of `service`; `there`: whether the engine has the image
    (None: not asked, where the policy decides alone); `why`: the policy or option that decides where
    the image's absence does not (`pull_policy: always`, `run --build`), else ""."""

    service: Service
    image: str
    does: Does
    there: bool | None = False
    why: str = ""

    @property
    def fails_offline(self) -> bool:
        """A pull that stops the run when it fails: the service cannot build the image instead."""
        return self.does is Does.PULL and self.service.build is None


# compose-go's GetPullPolicy: every other word is `missing`
_FIXED = frozenset({"always", "never", "build", "missing", "if_not_present"})
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400,
          "w": 604800}


def pull_policy(written: str | None) -> tuple[str, timedelta | None]:
    """(the policy compose follows for `pull_policy: written`, how old a copy it pulls again for a
    refresh): `daily` is ("refresh", 1 day), `every_12h` ("refresh", 12 hours), `if_not_present` and
    a word compose does not know ("missing", None)."""
    if written in _FIXED:
        return ("missing" if written == "if_not_present" else str(written)), None
    if written in ("daily", "weekly"):
        return "refresh", timedelta(days=1 if written == "daily" else 7)
    period = _duration(written[6:]) if written and written.startswith("every_") else None
    return ("refresh", period) if period is not None else ("missing", None)


def _duration(text: str) -> timedelta | None:
    """`1h30m`, `2d`, `1w` as go-str2duration reads them (compose's every_<duration>), None if malformed
    (compose rejects the file: no run starts)."""
    seconds, at = 0.0, 0
    while at < len(text):
        start = at
        while at < len(text) and (text[at].isdigit() or text[at] == "."):
            at += 1
        number = text[start:at]
        unit = next((u for u in sorted(_UNITS, key=len, reverse=True) if text.startswith(u, at)), None)
        if not number.strip(".") or number.count(".") > 1 or unit is None:
            return None
        seconds += float(number) * _UNITS[unit]
        at += len(unit)
    return timedelta(seconds=seconds) if text else None


def image_of(project: Project, service: Service) -> str:
    """The image compose runs the service from: its `image:`, else the one its `build:` makes; "" for none."""
    if service.image:
        return service.image
    return f"{project.compose.project_name}-{service.name}" if service.build is not None else ""


def reference(image: str) -> str:
    """`image` as the engine lists it: `:latest` where it names no tag or digest."""
    return image if "@" in image or ":" in image.rsplit("/", 1)[-1] else f"{image}:latest"


def image_note(project: Project, host: Host, name: str, rebuild: str | None = None) -> str | None:
    """What compose does first when it runs (or `up`s) the service, as one note: the images it pulls or
    builds (the service's own and those of the services it starts along), each as that service's
    `pull_policy` says, and those whose absence stops the run; None when it does nothing first.
    `rebuild`: why doctor's run passes `--build` (the code no bind mount brings), None without it.
    One image list answers for all of them (with the engine's short timeout; a refresh policy asks
    the engine when it tagged that image); an engine that cannot be asked is said, naming the
    services whose images it leaves in doubt: no answer is no "nothing to pull"."""
    known = {**project.compose.profiled, **project.services}  # a dependency of an inactive profile starts too
    if name not in project.services:
        return None
    along = [s for s in started_before(known, name) if s in known]
    images = {s: image for s in (name, *along) if (image := image_of(project, known[s]))}
    try:
        steps = _steps(host, known, images, rebuild is not None)
    except (Unavailable, OSError) as exc:  # unreachable, slow, refusing
        reason = exc.reason if isinstance(exc, Unavailable) else str(exc)
        decided = [step for s, image in images.items() if (step := _decided(known[s], image, rebuild is not None))]
        sure = [step for step in decided if step.does is not Does.MAY]
        doubt = [step for step in decided if step.does is Does.MAY]
        return "; ".join([*_said(name, sure, rebuild), *_unknown_note(name, doubt, reason)]) or None
    return "; ".join(_said(name, steps, rebuild)) or None


def _steps(host: Host, known: Mapping[str, Service], images: Mapping[str, str], rebuild: bool) -> list[Step]:
    """What compose does first for each service of `images`, asking the engine what it has."""
    if not images:
        return []
    present = host.images.present([reference(image) for image in images.values()])
    steps = []
    for name, image in images.items():
        there = reference(image) in present
        _, period = pull_policy(known[name].pull_policy)
        old = ""
        if there and period is not None and not (rebuild and known[name].build is not None):  # a refresh policy
            old = _older(host, image, known[name].pull_policy or "", period)
        step = _step(known[name], image, there, old, rebuild)
        if step is not None:
            steps.append(step)
    # an image another of these services pulls or builds is there for a `never` one too (compose readies
    # every image before it creates a container)
    made = {reference(s.image) for s in steps if s.does is not Does.STOPS}
    return [s for s in steps if s.does is not Does.STOPS or reference(s.image) not in made]


def _older(host: Host, image: str, policy: str, period: timedelta) -> str:
    """Why a refresh policy pulls the engine's copy of `image` again, as compose reads its tag time (a
    copy with none recorded, year 1, is older than any period); "" while it is recent."""
    facts = host.images.image(reference(image))
    tagged = facts.tagged if facts is not None else None
    if tagged is not None and tagged.year > 1:
        if datetime.now(UTC) <= tagged + period:
            return ""
        span = {"daily": "a day", "weekly": "a week"}.get(policy, policy.removeprefix("every_"))
        return f"pull_policy: {policy}, and the engine tagged its copy over {span} ago"
    return f"pull_policy: {policy}, and the engine records no tag time for its copy"


def _step(service: Service, image: str, there: bool, old: str, rebuild: bool) -> Step | None:
    """What compose does with the service's image, which the engine has (`there`) or not; `old`: why a
    refresh policy pulls the copy there again. None: nothing."""
    decided = _decided(service, image, rebuild)
    if decided is not None and decided.does is not Does.MAY:
        return Step(service, image, decided.does, there, decided.why)
    if there:  # a refresh policy's copy past its period is pulled again (a failed pull keeps it where it builds)
        return Step(service, image, Does.PULL, True, old) if old else None
    policy, _ = pull_policy(service.pull_policy)
    if policy in ("never", "build") or not service.image:
        # not pulled: built where it can be, else the run stops at "No such image"
        return Step(service, image, Does.BUILD if service.build is not None else Does.STOPS)
    return Step(service, image, Does.PULL)  # `missing` and the rest; one with build: is built if that fails


def _decided(service: Service, image: str, rebuild: bool) -> Step | None:
    """What compose does with the image whatever the engine has (a step whose `there` is None); a MAY step
    where that depends on what the engine has; None where it does nothing either way (`never` with no
    build:, whose absence stops the run)."""
    policy, _ = pull_policy(service.pull_policy)
    if rebuild and service.build is not None:
        return Step(service, image, Does.BUILD, None, "run --build")  # compose's --build: pull_policy build
    if policy == "build" and service.build is not None:
        return Step(service, image, Does.BUILD, None, "pull_policy: build")
    if policy == "always" and service.image:
        return Step(service, image, Does.PULL, None, "pull_policy: always")
    if policy in ("never", "build") and service.build is None:
        return None  # never pulled nor built: absent, it stops the run, which doctor cannot tell here
    return Step(service, image, Does.MAY, None)


def _said(name: str, steps: list[Step], rebuild: str | None) -> list[str]:
    """The note's parts: the service's own image, then those of the services it starts along."""
    own = next((s for s in steps if s.service.name == name), None)
    parts = [_own(own, rebuild)] if own is not None else []
    along = [s for s in steps if s.service.name != name]
    stopping = [s for s in along if s.does is Does.STOPS]
    if len(along) > len(stopping):
        parts.append(_along(name, [s for s in along if s.does is not Does.STOPS]))
    parts += [_stops(step, f"{step.service.name!r} (which {name!r} starts along)") for step in stopping]
    return parts


def _own(step: Step, rebuild: str | None) -> str:
    """The part for the service's own image."""
    subject = f"image {step.image!r} of service {step.service.name!r}"
    if step.does is Does.STOPS:
        return _stops(step, repr(step.service.name))
    if step.does is Does.BUILD and step.why == "run --build" and step.there is not False:
        # the user waits for a build of an image that is there: say so, and why doctor asks for it
        if step.there:
            return f"`run --build` rebuilds {subject} first, although the engine has it: {rebuild}"
        return f"`run --build` builds {subject} first: {rebuild}"
    if step.does is Does.BUILD:
        if step.there is False:
            return f"{subject} is not built yet: compose will build it first"
        return f"{subject} is built on every run ({step.why}): compose will {'rebuild' if step.there else 'build'} " \
               "it first"
    notes = [*([step.why] if step.there is not False else []),
             *(["which fails without registry access"] if step.fails_offline else [])]
    tail = f" ({'; '.join(notes)})" if notes else ""
    if step.there is False:
        fallback = ", and build it if that fails" if step.service.build is not None else ""
        return f"{subject} is not on the engine: compose will pull it first{fallback}{tail}"
    if step.there is None:
        return f"{subject} is pulled on every run: compose will pull it first{tail}"
    return f"{subject} is on the engine: compose will pull it again first{tail}"


def _along(name: str, steps: list[Step]) -> str:
    """The part for the images of the services `name` starts along: one is named with its reason, of
    several each says whose it is."""
    def named(step: Step) -> str:
        why = step.why
        if step.does is Does.PULL and step.there is False:  # absent: pulled whatever the policy
            why = "built if the pull fails" if step.service.build is not None else ""
        notes = [*([repr(step.service.name)] if len(steps) > 1 else []), *([why] if why else [])]
        return f"{step.image!r} ({', '.join(notes)})" if notes else repr(step.image)

    verbs = {"build": [named(s) for s in steps if s.does is Does.BUILD and s.there is not True],
             "rebuild": [named(s) for s in steps if s.does is Does.BUILD and s.there is True],
             "pull": [named(s) for s in steps if s.does is Does.PULL]}  # one there: its policy says why
    does = and_list([f"{verb} {and_list(items)}" for verb, items in verbs.items() if items])
    offline = sum(s.fails_offline for s in steps)
    fails = f" (which {'fails' if offline == 1 else 'fail'} without registry access)" if offline else ""
    return (f"{name!r} starts {and_list([repr(s.service.name) for s in steps])} along (depends_on): "
            f"compose will {does} first{fails}")


def _stops(step: Step, whose: str) -> str:
    """The part for an absent image compose neither pulls nor builds: the run stops there."""
    policy = step.service.pull_policy
    why = f"its pull_policy is {policy}" + (" and it has no build:" if policy == "build" else "")
    return (f"image {step.image!r} of {whose} is not on the engine and {why}: compose neither pulls nor builds "
            "it, so the run stops at 'No such image'")


def _unknown_note(name: str, steps: list[Step], reason: str) -> list[str]:
    """The part for the images the engine could not be asked about: whose images compose may pull or
    build first (those whose policy decides alone are said apart; `never` ones are not at stake)."""
    if not steps:
        return []
    services = [s.service for s in steps]
    does = " or ".join([*(["build"] if any(s.build is not None for s in services) else []),
                        *(["pull"] if any(s.build is None for s in services) else [])])
    whose = (f"the image of {services[0].name!r}" if len(services) == 1
             else f"the images of {and_list([repr(s.name) for s in services])}")
    along = [repr(s.name) for s in services if s.name != name]
    return [f"could not ask the engine whether it has {whose} ({reason or 'no answer'}): compose may {does} "
            f"{'it' if len(services) == 1 else 'them'} first"
            + (f" (depends_on starts {and_list(along)} along)" if along else "")]
