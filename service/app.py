"""The Flask application factory."""

from __future__ import annotations

import re
import uuid
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.middleware.proxy_fix import ProxyFix

from service.admin import districts_api as districts
from service.admin import users_api as users
from service.association import api as associations
from service.association import lifecycle_api, training_api
from service.campaign import api as campaign_api
from service.campaign import inspections_api
from service.care import evaluations_api, groups_api, needs_api, visits_api
from service.compliance import api as compliance_api
from service.divisions import api as divisions_api
from service.http import health
from service.http.access import Action, Target, rule
from service.http.auth import PAGES_BLUEPRINT, FailedAuthLimiter, authorize_request
from service.http.context import Services
from service.http.json_provider import ApiJSONProvider
from service.http.logs import configure_logging
from service.http.metrics import init_app as init_metrics
from service.http.problems import PROBLEM_JSON, ProblemError, register_problem_handlers
from service.http.schemas import ProblemSchema
from service.ledger import api as audit
from service.roster import api as roster_api
from service.web.setup import init_web
from workers.inprocess import in_process_projector
from workers.runtime import Runtime
from workers.settings import Settings
from workers.wakeups import Wakeups, celery_wakeups

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MAX_BODY_BYTES = 1024 * 1024
#: Longest path and query the app answers; gunicorn reads request lines up to 8190 bytes
#: (``limit_request_line`` in service/cli/server.py), so up to there the refusal is problem+json.
MAX_URI_BYTES = 4096

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


#: The API's blueprints (flask-smorest, under /api/v1).
API_BLUEPRINTS = (
    districts.blp,
    associations.blp,
    health.blp,
    audit.blp,
    users.blp,
    compliance_api.blp,
    groups_api.blp,
    needs_api.blp,
    visits_api.blp,
    evaluations_api.blp,
    roster_api.blp,
    divisions_api.blp,
    lifecycle_api.blp,
    training_api.blp,
    inspections_api.blp,
    campaign_api.blp,
)


class ProblemApi(Api):
    """flask-smorest's Api documenting problem+json as the error body."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """The shared error responses (and ``default``) are problem+json too."""
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not 100 <= status < 200 and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def _wakeups(runtime: Runtime) -> Wakeups:
    if runtime.settings.embedded:
        return in_process_projector(runtime)
    return celery_wakeups(runtime.settings)


def create_app(settings: Settings | None = None, *, provision: bool | None = None) -> Flask:
    """Build the app for the configured store; provision the catalog when embedded.

    Hosted deployments provision with ``canxie provision`` (a Helm hook) before serving.
    """
    settings = settings or Settings.from_environ()
    configure_logging(settings)
    runtime = Runtime.open(settings)
    if provision if provision is not None else settings.embedded:
        runtime.tenancy.provision()

    app = Flask("canxie", static_folder=None)
    app.config.update(
        API_TITLE="canxie",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_SORT_KEYS=False,
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    app.json = ApiJSONProvider(app)
    api = ProblemApi(app)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    register_problem_handlers(app)
    app.extensions["canxie"] = Services(runtime=runtime, wakeups=_wakeups(runtime))
    app.extensions["canxie_auth_limiter"] = FailedAuthLimiter()
    if settings.trusted_proxies:
        # The client's address from X-Forwarded-For, as set by that many proxies in front.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    app.before_request(_before_request)
    app.before_request(authorize_request)
    app.after_request(_after_request)
    app.add_url_rule("/api/v1", "api_index", _index)
    init_web(app, runtime)
    init_metrics(app, runtime)
    return app


def _before_request() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    if _target_length() > MAX_URI_BYTES:
        raise ProblemError(
            414, "uri-too-long", f"the path and query must not exceed {MAX_URI_BYTES} bytes"
        )
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    json_only = request.blueprint != PAGES_BLUEPRINT  # the pages take forms
    if (
        request.method in {"POST", "PUT", "PATCH"}
        and has_body
        and json_only
        and not request.is_json
    ):
        raise ProblemError(415, "unsupported-media-type", "send the body as application/json")


def _target_length() -> int:
    """Bytes of the request target as sent (gunicorn's RAW_URI, else path and query)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return len(raw.encode("latin-1", "replace"))
    query = request.environ.get("QUERY_STRING", "")
    path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    return len(path) + (len(query) + 1 if query else 0)


def _after_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = getattr(g, "request_id", "")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@rule(Action.PUBLIC, Target.NONE)
def _index() -> dict[str, Any]:
    """Where to start: the API's entry points."""
    return {
        "name": "canxie",
        "description": "村（社区）残协工作记录 / records of village and community disabled "
        "persons' associations",
        "openapi": "/api/v1/openapi.json",
        "districts": "/api/v1/districts",
        "health": "/api/v1/health",
    }
