"""Builds the FastAPI application. Add your routers below the platform wiring."""

from fastapi import FastAPI

from app.logging_config import configure_logging, logger
from app.routers.health import router as health_router

configure_logging()
app = FastAPI(title="${{ values.name }}")

# Platform wiring: the health routes answer the load balancer and the
# Kubernetes probes. Keep them included first.
app.include_router(health_router)
logger.info("app_configured")


# Your routes go here.
@app.get("/")
def root() -> dict[str, str]:
    return {"service": "${{ values.name }}"}
