"""A command crosses few of our modules from route to stored event (issue 13).

Appointing an officer, registering a person and recording a visit are each sent once as a real
request (the Flask test client on the embedded store) while ``sys.setprofile`` notes every
module of ours whose Python functions run in the request's thread.  What every request shares,
the HTTP layer's auth and problem handling (``service/http/``, ``service/app.py``), is not
counted.  The same command is sent once before, untraced, so that what is counted is the
command's path and not the first request's imports and caches.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.roster.samples import person_body

REPO = Path(__file__).resolve().parents[2]
#: Our packages, whose modules are counted.
OURS = ("aggregates", "projections", "service", "workers")
#: The HTTP layer every request shares; what it runs, it runs for every request (the web
#: pages' setup installs the app-wide cookie session interface, which Flask asks on every
#: response, API ones included).
SHARED = ("service/http/", "service/app.py", "service/web/setup.py")
#: The most modules a command may cross, besides those every command crosses.
LIMIT = 6
#: What every command passes through whatever it does, counted apart like the HTTP layer's
#: shared handling: the application layer's entry (``Caller.run``/``change``), finding the
#: district's store, the clock, the provenance each event carries, the mapper every stored
#: event passes (sealing personal data, storing the provenance plain), and the wake-up after
#: the commit.  Each command is checked to cross them all,
#: so the list cannot hide what only one command does.
EVERY_COMMAND = (
    "service/application/caller.py",
    "projections/platform/tenancy.py",
    "aggregates/clock.py",
    "aggregates/provenance.py",
    "aggregates/store/personal_data.py",
    "aggregates/store/provenance_form.py",
    "workers/wakeups.py",
)
#: The scope rules, which every request's rule is decided by in the shared auth
#: (``scope.check_target``, before the route runs).  A command whose scope is named in its body,
#: as the village a person is registered in, asks the same module again on its path; like the
#: modules above it is then not counted, and each command is checked to have crossed it in the
#: shared layer, so the list cannot hide what only one command does.
SCOPE_RULES = ("service/application/scope.py",)

D = "410102"
VILLAGE = f"{D}001001"


def _ours(filename: str) -> str | None:
    """``service/roster/api.py`` for a file of our packages, else None."""
    try:
        relative = Path(filename).resolve().relative_to(REPO).as_posix()
    except ValueError:
        return None
    return relative if relative.startswith(tuple(f"{p}/" for p in OURS)) else None


@dataclass
class Crossing:
    """The modules of ours a request entered, in the order first entered: those on the
    command's path, and those run for the shared HTTP layer (by it, or beneath it)."""

    path: dict[str, None] = field(default_factory=dict)
    shared: dict[str, None] = field(default_factory=dict)
    #: Frames of ours being run, by id: whether each runs for the shared HTTP layer.
    running: dict[int, bool] = field(default_factory=dict)

    def enter(self, frame: FrameType) -> None:
        """Note the module of a function of ours, and for whom it runs."""
        module = _ours(frame.f_code.co_filename)
        if module is None:
            return
        caller = frame.f_back
        while caller is not None and id(caller) not in self.running:
            caller = caller.f_back
        shared = module.startswith(SHARED) or (caller is not None and self.running[id(caller)])
        self.running[id(frame)] = shared
        (self.shared if shared else self.path).setdefault(module, None)

    def leave(self, frame: FrameType) -> None:
        """Forget a frame that returned (its id may be reused)."""
        self.running.pop(id(frame), None)


def crossed(send: Callable[[], Any]) -> tuple[Any, Crossing]:
    """What ``send()`` returned and the modules of ours it entered."""
    crossing = Crossing()

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call":
            crossing.enter(frame)
        elif event == "return":
            crossing.leave(frame)

    sys.setprofile(profile)
    try:
        result = send()
    finally:
        sys.setprofile(None)
    return result, crossing


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


@pytest.fixture
def association(client: FlaskClient) -> str:
    """A district with one village association; returns its path."""
    _created(client.post("/api/v1/districts", json={"code": D, "name": "中原区"}))
    created = _created(
        client.post(
            f"/api/v1/districts/{D}/associations",
            json={
                "division_code": VILLAGE,
                "name": "残协",
                "township_code": VILLAGE[:9],
                "established_on": "2021-01-01",
            },
        )
    )
    return f"/api/v1/districts/{D}/associations/{created['id']}"


def _appoint(client: FlaskClient, association: str, role: str, name: str) -> Any:
    body = {"name": name, "role": role, "appointed_on": "2021-02-01"}
    return client.post(f"{association}/officers", json=body)


def _visit(client: FlaskClient, association: str, visitor: str, household: str) -> Any:
    body = {
        "household_id": household,
        "household_kind": "ordinary",
        "visited_on": "2022-01-10",
        "visitor_officer_id": visitor,
        "mode": "phone",
        "findings": "正常",
    }
    return client.post(f"{association}/visits", json=body)


def _check(command: str, crossing: Crossing) -> None:
    """Print what the command crossed, and hold it to the limit."""
    counted = [m for m in crossing.path if m not in (*EVERY_COMMAND, *SCOPE_RULES)]
    print(f"\n{command}: {len(crossing.path)} modules from route to stored event")
    for module in crossing.path:
        kind = "" if module in counted else "  (every command)"
        if module in SCOPE_RULES:
            kind = "  (every command's scope, decided in the shared auth too)"
        print(f"  {module}{kind}")
    print(f"  counted: {len(counted)}")
    print(f"  for the shared HTTP layer: {', '.join(crossing.shared)}")
    assert set(EVERY_COMMAND) <= set(crossing.path), "not crossed by every command"
    assert set(SCOPE_RULES) <= set(crossing.shared), "scope not decided by the shared auth"
    assert len(counted) <= LIMIT, counted


def test_appointing_an_officer_crosses_few_modules(client: FlaskClient, association: str) -> None:
    _created(_appoint(client, association, "chair", "王建国"))
    response, crossing = crossed(lambda: _appoint(client, association, "vice_chair", "李红"))
    _created(response)
    _check("appoint officer", crossing)


def test_registering_a_person_crosses_few_modules(client: FlaskClient, association: str) -> None:
    persons = f"/api/v1/districts/{D}/persons"
    _created(client.post(persons, json=person_body(VILLAGE, 1)))
    body = person_body(VILLAGE, 2)  # built before tracing: the sample's code is the test's
    response, crossing = crossed(lambda: client.post(persons, json=body))
    _created(response)
    _check("register person", crossing)


def test_recording_a_visit_crosses_few_modules(client: FlaskClient, association: str) -> None:
    chair = _created(_appoint(client, association, "chair", "王建国"))["officer_id"]
    _created(_visit(client, association, chair, "H-1"))
    response, crossing = crossed(lambda: _visit(client, association, chair, "H-2"))
    _created(response)
    _check("record visit", crossing)


def test_the_tracer_sees_our_modules() -> None:
    """The tracer counts a function of ours and leaves out the shared HTTP layer."""
    from aggregates.plan import in_force
    from service.http import problems

    plan, crossing = crossed(lambda: in_force(date(2021, 1, 1)))
    assert plan is not None
    assert list(crossing.path) == ["aggregates/plan.py"]
    _, crossing = crossed(lambda: problems.ProblemError(404, "not-found", "x"))
    assert list(crossing.shared) == ["service/http/problems.py"]
    assert not crossing.path
