"""`docker compose up 2>&1 | doctor why` on awesome-compose's nginx-flask-mongo
(tests/replay/awesome-compose-nginx-flask-mongo) when `web`'s `command: /bin/bash -c "envsubst ..."` runs on an
image with no bash (`nginx:alpine`; busybox here).

Before: the engine's `Error response from daemon: failed to create shim task: ... exec: "/bin/bash": stat /bin/bash:
no such file or directory` names no container, so it went to "(all services)", though compose's progress lines show
`web` alone starting (` Container nfm-web-1  Starting`, no `Started`). Now the line is web's.
"""

from __future__ import annotations

from doctor.why.diagnose import ALL_SERVICES
from doctor.why.piped import text_symptoms
from doctor.why.signatures import BUILTIN

_RUNC = ('Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: '
         'unable to start container process: exec: "/bin/bash": stat /bin/bash: no such file or directory: unknown')
# the real `docker compose -p nfm up -d` (compose v2 on Debian's docker.io 20.10) of the copy with web on an image
# that has no bash, backend's image built before
UP = f"""\
 Network nfm_default  Creating
 Network nfm_default  Created
 Container nfm-mongo-1  Creating
 Container nfm-mongo-1  Created
 Container nfm-backend-1  Creating
 Container nfm-backend-1  Created
 Container nfm-web-1  Creating
 Container nfm-web-1  Created
 Container nfm-mongo-1  Starting
 Container nfm-mongo-1  Started
 Container nfm-backend-1  Starting
 Container nfm-backend-1  Started
 Container nfm-web-1  Starting
{_RUNC}
"""


def test_the_engine_error_after_one_unanswered_start_is_that_container_s() -> None:
    services = {"web", "backend", "mongo"}
    found = text_symptoms(UP, BUILTIN, services, ALL_SERVICES, 3)
    assert list(found) == ["web"], found
    assert found["web"][0].container == "nfm-web-1" and found["web"][0].signature is not None
    assert found["web"][0].signature.id == "entrypoint-absent"
    # two starts unanswered (compose starts independent containers at once): the engine's error is no one's
    both = UP.replace(" Container nfm-backend-1  Started\n", "")
    assert list(text_symptoms(both, BUILTIN, services, ALL_SERVICES, 3)) == [ALL_SERVICES]
    # the start answered (`Started`) before the error: it is not that container's
    answered = UP.replace(" Container nfm-web-1  Starting\n", " Container nfm-web-1  Starting\n Container nfm-web-1  "
                          "Started\n")
    assert list(text_symptoms(answered, BUILTIN, services, ALL_SERVICES, 3)) == [ALL_SERVICES]

