"""The API's blueprint class: error responses are documented as problem+json."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

import flask
from flask_smorest import Blueprint
from marshmallow import Schema, missing
from webargs.flaskparser import FlaskParser, is_json_request

from service.http.access import Action, Target, rule
from service.http.json_body import load_json_body
from service.http.problems import PROBLEM_JSON
from service.http.schemas import ProblemSchema

F = TypeVar("F", bound=Callable[..., Any])

#: The paths under which a district's and one of its associations' resources are.
DISTRICT = "/api/v1/districts/<code>"
ASSOCIATION = f"{DISTRICT}/associations/<uuid:association_id>"
#: The problem a read answers when the caller asked for a ``min_position`` not yet reached.
BEHIND = {503: "Read model behind min_position"}


class ApiBlueprint(Blueprint):
    """flask-smorest's Blueprint whose 4xx/5xx alternative responses are problem+json."""

    def __init__(self, name: str, import_name: str, **kwargs: Any) -> None:
        """flask-smorest's Blueprint; its ``description`` (the document's tag) is, unless given,
        the first paragraph of its module's docstring, so that what a module serves is said once."""
        if "description" not in kwargs:
            doc = sys.modules[import_name].__doc__ or ""
            kwargs["description"] = " ".join(doc.split("\n\n")[0].split())
        super().__init__(name, import_name, **kwargs)

    def alt_response(
        self,
        status_code: int | str | HTTPStatus,
        *,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> Callable[..., Any]:
        """Document another response; errors default to ``application/problem+json``."""
        if content_type is None and str(status_code)[:1] in {"4", "5"}:
            content_type = PROBLEM_JSON
        return super().alt_response(status_code, content_type=content_type, **kwargs)

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """flask-smorest's ``arguments``, with a schema class made into one instance here.

        Given a class, webargs builds a new schema instance on every request (about 0.1 ms
        of a 2 ms command); loading does not change an instance, so one serves every request.
        """
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)

    def operation(
        self,
        action: Action,
        target: Target,
        schema: type[Schema],
        answer: type[Schema],
        *,
        status: int | None = None,
        location: str = "json",
    ) -> Callable[[F], F]:
        """One endpoint method declared at once: its access rule, what it loads (``schema``
        from ``location``) and its answer (201 where the answer carries an ``id``, else 200,
        unless ``status`` says).  The problems it may answer instead: :meth:`problems`."""
        if status is None:
            status = 201 if "id" in answer().fields else 200

        def decorate(view: F) -> F:
            view = self.response(status, answer)(view)
            return rule(action, target)(self.arguments(schema, location=location)(view))

        return decorate

    def writes(
        self,
        target: Target,
        body: type[Schema],
        answer: type[Schema],
        *,
        action: Action = Action.WRITE,
        status: int | None = None,
    ) -> Callable[[F], F]:
        """A command on ``target``: ``body`` from the JSON body, ``answer`` (201 with an id)."""
        return self.operation(action, target, body, answer, status=status)

    def reads(self, target: Target, query: type[Schema], answer: type[Schema]) -> Callable[[F], F]:
        """A read of ``target``: ``query`` from the query string, ``answer`` with 200."""
        return self.operation(Action.READ, target, query, answer, status=200, location="query")

    def problems(self, answers: Mapping[int, str]) -> Callable[[F], F]:
        """The problems an endpoint method may answer instead, documented (status: when)."""

        def decorate(view: F) -> F:
            for code, description in reversed(answers.items()):
                view = self.alt_response(code, schema=ProblemSchema, description=description)(view)
            return view

        return decorate


class ApiParser(FlaskParser):
    """webargs' parser, reading JSON bodies through ``load_json_body`` (depth, Unicode, numbers)."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return missing
        return load_json_body(req.get_data(cache=True))


ApiBlueprint.ARGUMENTS_PARSER = ApiParser()


# -- answers: what every route returns for a command or a page ----------------------------------


def created(saved: Any, **more: Any) -> dict[str, Any]:
    """The answer to a command that made something: its id and the log position."""
    return {"id": str(saved.id), "position": saved.position, **more}


def accepted(saved: Any) -> dict[str, Any]:
    """The answer to a command that changed something: the log position of its events."""
    return {"position": saved.position}


def page(items: list[Any], total: int, query: dict[str, Any], **more: Any) -> dict[str, Any]:
    """A page of a list, with the total and the paging asked for."""
    return {
        "items": items,
        "total": total,
        "limit": query["limit"],
        "offset": query["offset"],
        **more,
    }
