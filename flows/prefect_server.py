"""Whether a Prefect server is configured and answers - checked without importing Prefect (which
costs a second or more), so that a one-off `intake process` only pays for Prefect when it records."""

from __future__ import annotations

import os
import sys

HEALTH_TIMEOUT_SECONDS = 2.0


def prefect_server_answers() -> bool:
    """Whether PREFECT_API_URL names a Prefect server that answers its health check (no server
    configured: False - a one-off run is not worth a temporary server)."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        return False
    import httpx

    try:
        return httpx.get(f"{url.rstrip('/')}/health", timeout=HEALTH_TIMEOUT_SECONDS).status_code == 200
    except httpx.HTTPError:
        print(f"intake: the Prefect server at {url} does not answer: the run is not recorded", file=sys.stderr)
        return False
