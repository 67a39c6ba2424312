"""Health: readiness names what is down; liveness only says the process answers."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from kombu import Connection

from service.http.access import Action, Target, rule
from service.http.blueprint import ApiBlueprint
from service.http.context import services
from service.http.problems import ProblemError
from service.http.schemas import Health, ProblemSchema

blp = ApiBlueprint("health", __name__, url_prefix="/api/v1/health")


def _check_broker(url: str) -> None:
    with Connection(url, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@blp.route("")
class Ready(MethodView):
    """Readiness."""

    @rule(Action.PUBLIC, Target.NONE)
    @blp.doc(security=[])
    @blp.response(200, Health)
    @blp.alt_response(503, schema=ProblemSchema, description="The store or the broker is down")
    def get(self) -> dict[str, Any]:
        """200 when the store (and, hosted, the broker) answer; 503 naming what does not."""
        runtime = services().runtime
        checks: dict[str, str] = {}
        try:
            runtime.db.ping()
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"down: {type(exc).__name__}"
        if runtime.settings.broker_url:
            try:
                _check_broker(runtime.settings.broker_url)
                checks["broker"] = "ok"
            except Exception as exc:
                checks["broker"] = f"down: {type(exc).__name__}"
        mode = runtime.settings.mode
        down = sorted(name for name, state in checks.items() if state != "ok")
        if down:
            raise ProblemError(
                503,
                "unavailable",
                f"not answering: {', '.join(down)}",
                extra={"checks": checks, "down": down, "mode": mode},
            )
        return {"status": "ok", "mode": mode, "checks": checks}


@blp.route("/live")
class Live(MethodView):
    """Liveness."""

    @rule(Action.PUBLIC, Target.NONE)
    @blp.doc(security=[])
    @blp.response(200, Health)
    def get(self) -> dict[str, Any]:
        """The process answers requests."""
        return {"status": "ok", "mode": services().runtime.settings.mode, "checks": {}}
