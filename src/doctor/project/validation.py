"""compose-go's validation package (v2.9.1 `validation/`): the rules it applies to the merged model
after its schema, to every service a profile may leave out too, and to top-level resources no
service uses. compose stops at the first one (`configs.app_cfg: one of file|environment|content must
be set`); doctor reports each at its line.
"""

from __future__ import annotations

from doctor.project.goscalar import stringify
from doctor.project.types import PortMapping, Problem, ProblemKind
from doctor.project.yamlload import YList, YMap

# the keys that give a config's (secret's) content; a `driver:` may bring it instead
_SOURCES = {"configs": ("file", "environment", "content"), "secrets": ("file", "environment")}


def validate(model: YMap, problems: list[Problem]) -> None:
    """Append a SCHEMA problem for each rule of compose-go's `validation.Validate` the model breaks."""
    for section, keys in _SOURCES.items():
        declared = model.get(section)
        if not isinstance(declared, YMap):
            continue
        for name, spec in declared.items():
            if isinstance(spec, YMap):
                _file_object(section[:-1], spec, keys, declared, name, problems)
    _externals(model.get("volumes"), problems)
    services = model.get("services")
    for name, service in services.items() if isinstance(services, YMap) else ():
        if isinstance(service, YMap):
            _service(name, service, problems)


def _file_object(kind: str, spec: YMap, keys: tuple[str, ...], declared: YMap, name: str,
                 problems: list[Problem]) -> None:
    """compose-go's checkFileObject, in words that name the resource (compose says `secrets.s: one of
    file|environment must be set`, whose `s: one` would read as a secret's value to the redactor), at
    the second source as written."""
    given = sorted((key for key in keys if key in spec), key=lambda key: getattr(spec.loc_of(key), "line", 0) or 0)
    if len(given) > 1:
        problems.append(Problem(ProblemKind.SCHEMA, f"{kind} {name!r} sets {' and '.join(given)}, which exclude each "
                                "other: compose reads one of them", spec.loc_of(given[1])))
    elif not given and "driver" not in spec and "external" not in spec:
        problems.append(Problem(ProblemKind.SCHEMA, f"{kind} {name!r} sets none of {'|'.join(keys)}: compose "
                                "needs one of them", declared.loc_of(name)))


def _externals(declared: object, problems: list[Problem]) -> None:
    """An `external: true` volume is the engine's: compose refuses any other key beside its name."""
    if not isinstance(declared, YMap):
        return
    for name, spec in declared.items():
        if not isinstance(spec, YMap) or stringify(spec.get("external")).lower() != "true":
            continue
        for key in spec:
            if key not in ("name", "external") and not key.startswith("x-"):
                problems.append(Problem(ProblemKind.SCHEMA, f"volume {name!r} is external and sets {key}: compose "
                                        "refuses any key but name beside external", spec.loc_of(key)))


def _service(name: str, service: YMap, problems: list[Problem]) -> None:
    """A GPU or device request may ask for a `count` or for `device_ids`, not both; a published port's
    `host_ip` must be an IP address (the short syntax's is parsed with the port)."""
    for port in service.get("ports") or ():
        if isinstance(port, PortMapping) and port.host_ip and not _is_ip(port.host_ip):
            problems.append(Problem(ProblemKind.SCHEMA, f"{name!r} publishes port {port.target} on host_ip "
                                    f"{port.host_ip!r}, which is no IP address: compose refuses it", port.location))
    deploy = service.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, YMap) else None
    reservations = resources.get("reservations") if isinstance(resources, YMap) else None
    for path, requests in (("gpus", service.get("gpus")), ("deploy.resources.reservations.devices",
                           reservations.get("devices") if isinstance(reservations, YMap) else None)):
        if not isinstance(requests, YList):
            continue
        for index, request in enumerate(requests):
            if isinstance(request, YMap) and "count" in request and "device_ids" in request:
                problems.append(Problem(ProblemKind.SCHEMA, f"{name!r} {path}[{index}] sets both count and "
                                        "device_ids, which exclude each other", requests.loc_of(index)))


def _is_ip(text: str) -> bool:
    """Go's net.ParseIP: a dotted IPv4 or an IPv6 address, no zone, no brackets."""
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return "%" not in text
