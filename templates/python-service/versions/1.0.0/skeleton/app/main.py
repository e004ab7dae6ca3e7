"""Builds the FastAPI application. Add your routers below the platform wiring."""

from fastapi import FastAPI

from app.health import router as health_router

app = FastAPI(title="${{ values.name }}")

# Platform wiring: the health route answers the load balancer and the
# Kubernetes probes. Keep it included first.
app.include_router(health_router)


# Your routes go here.
@app.get("/")
def root() -> dict[str, str]:
    return {"service": "${{ values.name }}"}
