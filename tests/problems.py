"""What a refused request must answer: problem+json of the expected type naming the field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def answer_of(response: Any) -> tuple[int, str | None, dict[str, Any]]:
    """Status, content type and problem body of a ``requests`` or Flask test-client response."""
    if hasattr(response, "get_json"):
        problem = response.get_json(silent=True) or {}
    else:
        problem = response.json() if response.content else {}
    return response.status_code, response.headers.get("Content-Type"), problem


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
