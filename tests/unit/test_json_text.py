"""JSON columns: one shared encoder gives exactly what the handlers wrote before, Chinese
text readable, dates and ids as text wherever they sit."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from projections.platform.tables import json_text
from projections.roster.roster import _plain

SAMPLES = [
    {
        "name": "张三",
        "birth_date": date(1960, 1, 2),
        "ids": [UUID(int=7), UUID(int=8)],
        "nested": {"at": datetime(2021, 1, 1, tzinfo=UTC), "none": None, "pair": (1, 2)},
        "ratio": 1.5,
        "flag": True,
    },
    {},
    ["困难", 'quote"', "back\\slash", 3],
]


@pytest.mark.parametrize("value", SAMPLES)
def test_json_text_equals_dumping_the_plain_value(value: object) -> None:
    assert json_text(value) == json.dumps(_plain(value), ensure_ascii=False)


def test_anything_else_is_refused_as_json_dumps_would() -> None:
    with pytest.raises(TypeError):
        json_text({"odd": {1, 2}})
