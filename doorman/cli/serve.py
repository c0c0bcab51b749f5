"""`doorman serve`: the OpenAI-compatible HTTP door, for systemd and every service on the box."""

from __future__ import annotations

import ipaddress
import signal
import socket
from typing import Annotated, Optional

import typer

from doorman.cli.context import state
from doorman.frozen import clean_stale_unpack_dirs, is_frozen


def serve(
    host: Annotated[Optional[str], typer.Option(help="Address to bind (default [server] host: 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default [server] port; 0 picks a free one).")] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve the OpenAI wire protocol; SIGTERM drains in-flight calls, then exits."""
    import uvicorn

    from doorman.api.app import DoorApp
    from doorman.api.request_log import configure_logging, log

    configure_logging(log_level)
    if is_frozen():
        for folder in clean_stale_unpack_dirs():
            log.info("removed a stale unpack folder", extra={"fields": {"path": str(folder)}})
    server_config = state.config.server
    host = host or server_config.host
    port = server_config.port if port is None else port
    door = DoorApp(state.doorman())

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    if not _loopback(host):
        log.warning("listening beyond this box", extra={"fields": {"host": host}})
    log.info("listening", extra={"fields": {"host": host, "port": bound_port}})
    config = uvicorn.Config(
        door.app(),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=server_config.grace_s,
        lifespan="on",
    )
    server = uvicorn.Server(config)

    def on_sigterm(signum, frame) -> None:
        # uvicorn drains on SIGTERM, then re-raises the signal to this handler: that is a
        # clean exit 0 for systemd. One that comes before uvicorn took the signal over
        # (nothing is in flight yet) stops at once.
        if not server.started:
            raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
    server.run(sockets=[sock])
    log.info("drained and stopped")


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
