"""Liveness route, owned by the golden path.

Probes and the deployment gate call it, so its path and response shape stay
the same across services.
"""

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "service": "${{ values.name }}"}
