"""`asylon serve`: the production web server (gunicorn) with Asylon's settings.

Threads in a few processes (gthread): pages mostly wait on the database. A request that runs
past the timeout is ended and its worker replaced; long work is a task for `asylon worker`,
never a request. Each process is recycled after a few thousand requests (with jitter, so they
do not all restart at once). Static files are served by WhiteNoise inside Django; behind a TLS
proxy (docs/deploy.md) the proxy's X-Forwarded-Proto is trusted from 127.0.0.1 only.

Each worker process, once it has loaded Django, moves the objects loaded so far out of the
garbage collector's sight (`gc.freeze`): they live as long as the process, and a full
collection that walks them all (about 200,000) took 0.3 s on a 2-core camp server, a stall
that could fall inside a transaction holding the audit chain's lock, making every writer wait.

Every option has an environment variable, for the systemd unit:
ASYLON_BIND (127.0.0.1:8000), ASYLON_WEB_WORKERS (2 × CPUs + 1, at most 9), ASYLON_WEB_THREADS
(4), ASYLON_WEB_TIMEOUT (60 s).
"""

from __future__ import annotations

import gc
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

ACCESS_TEXT = '"%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
ACCESS_JSON = (
    '{"logger": "access", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(b)s", '
    '"ms": %(M)s, "request_id": "%({x-request-id}o)s"}'
)


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def freeze_loaded_objects(worker: Any) -> None:
    """gunicorn's post_worker_init hook: the modules, settings and URLconf loaded so far stay
    for the process's life; the collector stops walking them (module docstring)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - load every app's routes now, so they are frozen too
    gc.collect()
    gc.freeze()


def options(bind: str, workers: int, threads: int, timeout: int) -> dict[str, Any]:
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "limit_request_line": 8190,
        "forwarded_allow_ips": "127.0.0.1",
        "accesslog": "-",
        "errorlog": "-",
        # Path without the query string (a search's query names a person) and no client address;
        # the request's id joins the line to the application's own log lines (core/logs.py).
        "access_log_format": ACCESS_JSON if settings.ASYLON_LOG_FORMAT == "json" else ACCESS_TEXT,
        "control_socket_disable": True,
        "post_worker_init": freeze_loaded_objects,
    }


class Command(BaseCommand):
    help = "Serve Asylon with gunicorn (production settings; see docs/deploy.md)."

    def add_arguments(self, parser) -> None:
        env = os.environ.get
        parser.add_argument("--bind", default=env("ASYLON_BIND", "127.0.0.1:8000"), help="Address:port to listen on.")
        parser.add_argument("--workers", type=int, default=int(env("ASYLON_WEB_WORKERS", default_workers())))
        parser.add_argument("--threads", type=int, default=int(env("ASYLON_WEB_THREADS", 4)))
        parser.add_argument("--timeout", type=int, default=int(env("ASYLON_WEB_TIMEOUT", 60)))

    def handle(self, *args, bind: str, workers: int, threads: int, timeout: int, **opts) -> None:
        from django.core.servers.basehttp import get_internal_wsgi_application
        from gunicorn.app.base import BaseApplication

        application = get_internal_wsgi_application()  # settings.WSGI_APPLICATION, as runserver loads it

        chosen = options(bind, workers, threads, timeout)

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in chosen.items():
                    if key in self.cfg.settings:
                        self.cfg.set(key, value)

            def load(self):
                return application

        Server().run()
