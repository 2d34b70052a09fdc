"""Whether a Prefect server is configured and answers - checked without importing Prefect (which
costs a second or more), so that a one-off `intake process` only pays for Prefect when it records,
and `intake serve` / `intake automations` refuse at once (exit 3, one line saying how to set it)
instead of falling back to a temporary server that is thrown away when they stop."""

from __future__ import annotations

import os
import sys

from models.errors import ConfigError

HEALTH_TIMEOUT_SECONDS = 2.0
HOW_TO_SET = "start one (`prefect server start`) and set PREFECT_API_URL, e.g. export PREFECT_API_URL=http://127.0.0.1:4200/api"


def _answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url.rstrip('/')}/health", timeout=HEALTH_TIMEOUT_SECONDS).status_code == 200
    except httpx.HTTPError:
        return False


def prefect_server_answers() -> bool:
    """Whether PREFECT_API_URL names a Prefect server that answers its health check (no server
    configured: False - a one-off run is not worth a temporary server)."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        return False
    if _answers(url):
        return True
    print(f"intake: the Prefect server at {url} does not answer: the run is not recorded", file=sys.stderr)
    return False


def require_prefect_server(command: str) -> str:
    """The API URL of the Prefect server `command` needs; ConfigError (exit 3) when PREFECT_API_URL is
    not set or names a server that does not answer."""
    url = os.environ.get("PREFECT_API_URL", "").strip()
    if not url:
        raise ConfigError(f"`intake {command}` needs a Prefect server: {HOW_TO_SET}")
    if not _answers(url):
        raise ConfigError(f"`intake {command}`: no Prefect server answers at PREFECT_API_URL={url}: {HOW_TO_SET}")
    return url
