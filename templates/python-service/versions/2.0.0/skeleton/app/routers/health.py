"""Liveness and readiness routes, owned by the golden path.

Probes and the deployment gate call them, so their paths and response shapes
stay the same across services.
"""

from fastapi import APIRouter, Response, status

router = APIRouter(tags=["health"])

_ready = True


def set_ready(value: bool) -> None:
    """Marks the service as (not) ready to take traffic, e.g. while draining."""
    global _ready
    _ready = value


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "service": "${{ values.name }}"}


@router.get("/readyz")
def readyz(response: Response) -> dict[str, bool]:
    if not _ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"ready": _ready}
