"""What a refused request must answer: problem+json of the expected type naming the field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar


class Refusal(Protocol):
    """A request that must be refused, and how."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def problem(self) -> str: ...
    @property
    def field(self) -> str | None: ...


R = TypeVar("R", bound=Refusal)

Answer = tuple[int, str]
"""The status and problem type a refusal must answer with."""
VALIDATION: Answer = (422, "validation")
INVALID: Answer = (422, "invalid-value")
NOT_FOUND: Answer = (404, "not-found")
INVARIANT: Answer = (409, "invariant-violated")
CONFLICT: Answer = (409, "conflict")


@dataclass(frozen=True)
class Bad:
    """A request that must be refused."""

    name: str
    method: str
    path: str
    body: Any
    status: int
    problem: str
    field: str | None = None
    raw: bool = False  # send ``body`` as is, not as JSON
    content_type: str = "application/json"


def at(path: str, *rows: tuple[str, Any, Answer, str | None]) -> list[Bad]:
    """Refused POSTs to one path, a row each: the case's name, its body, the answer, the field.

    One row a case keeps a catalogue of refusals readable as a table.
    """
    return [Bad(name, "POST", path, body, *answer, field) for name, body, answer, field in rows]


def reads(*rows: tuple[str, str, Answer, str | None]) -> list[Bad]:
    """Refused GETs, a row each: the case's name, its path, the answer, the field."""
    return [Bad(name, "GET", path, None, *answer, field) for name, path, answer, field in rows]


def answer_of(response: Any) -> tuple[int, str | None, dict[str, Any]]:
    """Status, content type and problem body of a ``requests`` or Flask test-client response."""
    if hasattr(response, "get_json"):
        problem = response.get_json(silent=True) or {}
    else:
        problem = response.json() if response.content else {}
    return response.status_code, response.headers.get("Content-Type"), problem


class Catalogue:
    """The refusals of one test, gathered from the parts that build them, in the order defined.

    A part registers itself, so none can be written and left out of the run.
    """

    def __init__(self) -> None:
        self.parts: list[Callable[[dict[str, Any]], list[Bad]]] = []

    def part(
        self, build: Callable[[dict[str, Any]], list[Bad]]
    ) -> Callable[[dict[str, Any]], list[Bad]]:
        """Register ``build``, which makes some refusals from the test's values."""
        self.parts.append(build)
        return build

    def cases(self, values: dict[str, Any]) -> list[Bad]:
        """Every refusal, built from ``values``."""
        return [bad for build in self.parts for bad in build(values)]


def refusal_failures(
    cases: Iterable[R], send: Callable[[R], Any], *, titled: bool = False
) -> list[str]:
    """Send every case; what was wrong with each answer (nothing: each refused as it must be).

    ``titled``: each problem also carries a title and the request's id.
    """
    failures = []
    for bad in cases:
        status, content_type, problem = answer_of(send(bad))
        got = (status, content_type, problem.get("type"), problem.get("field"))
        want = (
            bad.status,
            "application/problem+json",
            f"urn:canxie:problem:{bad.problem}",
            bad.field,
        )
        if got != want:
            failures.append(f"{bad.name}: got {got}, want {want}: {problem.get('detail')}")
        elif titled and not (problem.get("title") and problem.get("request_id")):
            failures.append(f"{bad.name}: problem lacks title or request_id")
    return failures
