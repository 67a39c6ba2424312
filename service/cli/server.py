"""Serving the app with gunicorn from ``canxie serve``."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from workers.settings import Settings


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn with the app built in each worker process (after the fork)."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Pass our options to gunicorn."""
        for key, value in self.options.items():
            if key in self.cfg.settings:  # older gunicorns lack e.g. the control socket
                self.cfg.set(key, value)

    def load(self) -> Any:
        """Build the app in the worker; provisioning already ran in the parent."""
        from service.app import create_app
        from service.http.metrics import share_between_processes

        share_between_processes(self.settings)  # /metrics adds up every worker's counts
        return create_app(self.settings, provision=False)


def serve(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    """Run until stopped; SIGTERM drains requests for up to 30 seconds."""
    options = {
        "bind": f"{host}:{port}",
        # Embedded: one process, because the projector thread and SQLite live in it.
        "workers": 1 if settings.embedded else workers,
        "threads": threads,
        "worker_class": "gthread",
        "graceful_timeout": 30,
        "timeout": 60,
        # gunicorn's own limit (4094 by default) answers HTML; at its maximum the app refuses
        # a path and query over MAX_URI_BYTES itself, as problem+json.
        "limit_request_line": 8190,
        # JSON logs: the app writes each request as a JSON line itself (with its request id).
        "accesslog": None if settings.log_format == "json" else "-",
        "control_socket_disable": True,  # one shared socket path would clash between servers
        # Path without the query string: queries may carry names or reasons.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s',
    }
    Server(settings, options).run()
