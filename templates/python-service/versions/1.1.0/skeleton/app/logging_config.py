"""Structured JSON logging, owned by the golden path.

Every service logs the same fields (service, level, timestamp, event) so the
log pipeline can index them.
"""

import logging
import os

import structlog


def configure_logging() -> None:
    level = getattr(logging, os.environ.get("LOG_LEVEL", "INFO").upper(), logging.INFO)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
    )
    structlog.contextvars.bind_contextvars(service="${{ values.name }}")


logger = structlog.get_logger()
