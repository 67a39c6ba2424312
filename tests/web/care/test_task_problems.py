"""The task list reads its association's problems by the association's index
(``association_problems``): the same rows, in the same order, as the district's problem list
filtered to that association and state."""

from __future__ import annotations

from typing import Any

from projections.campaign.inspections import (
    INSPECTIONS_PROJECTION,
    association_problems,
    problems,
)
from projections.engine.replay import load_live
from service.application.tasks import OPEN_PROBLEMS
from tests.web.care.world import CareWorld
from tests.web.world import DISTRICT

EVERY_STATE = ("open", "escalated", "rectified")


def listed(every: list[dict[str, Any]], association: str, states: tuple[str, ...]) -> list[Any]:
    """The district's list cut to one association and some states, without the reviews."""
    return [
        {k: v for k, v in p.items() if k != "review"}
        for p in every
        if p["association_id"] == association and p["state"] in states
    ]


def test_an_associations_problems_are_the_district_list_cut_to_it(
    care_screens_world: CareWorld,
) -> None:
    world = care_screens_world.world
    db = world.app.extensions["canxie"].runtime.db
    every = problems(load_live(db, DISTRICT, [INSPECTIONS_PROJECTION]))
    own = association_problems(db, DISTRICT, world.association_id, EVERY_STATE)
    assert len(own) == len(care_screens_world.problem_ids)
    for association in (world.association_id, world.other_association_id):
        for states in (OPEN_PROBLEMS, EVERY_STATE, ("rectified",)):
            found = association_problems(db, DISTRICT, association, states)
            assert found == listed(every, association, states), (association, states)
    assert association_problems(db, DISTRICT, world.association_id, ()) == []
