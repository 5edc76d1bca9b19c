"""``run_server``: what ``claimledger serve`` calls."""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import sys

from claimledger.config import Config
from claimledger.errors import Code, ConfigError

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only loopback addresses (``localhost``, ``127.x``, ``::1``)."""
    name = host.strip("[]")
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    if name.lower() == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(name, None)
    except (socket.gaierror, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def check_bind(host: str, *, token: str | None) -> None:
    """Refuse a non-loopback address without a token.

    Raises:
        ConfigError: E401 naming the host.
    """
    if not token and not is_loopback(host):
        raise ConfigError(
            Code.E401,
            f"--host {host}",
            reason="binding a non-loopback address needs CLAIMLEDGER_TOKEN to be set",
        )


def run_server(
    *, db_url: str, config: Config, host: str | None, port: int | None, dev: bool
) -> None:
    """Serve the API and the dashboard until Ctrl-C.

    Args:
        db_url: SQLAlchemy URL of the store.
        config: The resolved configuration (``api.host``/``api.port`` are the defaults).
        host: Address to bind; ``config.api.host`` when None.
        port: Port; ``config.api.port`` when None.
        dev: Allow writes without a token.

    Raises:
        ConfigError: A non-loopback host without ``CLAIMLEDGER_TOKEN``.
    """
    import uvicorn

    from claimledger.api.app import create_app

    token = os.environ.get("CLAIMLEDGER_TOKEN") or None
    bind = host or config.api.host
    bind_port = config.api.port if port is None else port
    check_bind(bind, token=token)
    app = create_app(db_url=db_url, config=config, dev=dev, token=token)
    shown = f"[{bind}]" if ":" in bind else bind
    sys.stdout.write(f"Serving the ledger at http://{shown}:{bind_port}/ (Ctrl-C stops it)\n")
    sys.stdout.flush()
    # access_log off: uvicorn's would print query strings; ours logs paths only.
    uvicorn.run(
        app, host=bind, port=bind_port, access_log=False, log_level="warning", lifespan="on"
    )
