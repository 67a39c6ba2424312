"""WSGI entry point for gunicorn: ``gunicorn service.wsgi:app``."""

from service.app import create_app
from service.http.metrics import share_between_processes
from workers.settings import Settings

# gunicorn's worker processes count requests into one shared folder, so /metrics adds them up.
share_between_processes(Settings.from_environ())
app = create_app()
