"""The API's blueprint class: error responses are documented as problem+json."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from flask_smorest import Blueprint

from service.problems import PROBLEM_JSON


class ApiBlueprint(Blueprint):
    """flask-smorest's Blueprint whose 4xx/5xx alternative responses are problem+json."""

    def alt_response(
        self, status_code: int | str | HTTPStatus, *, content_type: str | None = None,
        **kwargs: Any,
    ) -> Callable[..., Any]:
        """Document another response; errors default to ``application/problem+json``."""
        if content_type is None and str(status_code)[:1] in {"4", "5"}:
            content_type = PROBLEM_JSON
        return super().alt_response(status_code, content_type=content_type, **kwargs)
