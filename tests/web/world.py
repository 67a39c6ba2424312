"""The records the browser tests start from: one district, the worker's association with a
few households (one in special hardship), a second association the worker must not see, and
accounts that sign in with passwords."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from tests import factories
from tests.factories import SEED
from tests.plugin import embedded_app
from tests.roster.samples import person_body

DISTRICT = "410102"
VILLAGE = "410102001001"
OTHER_VILLAGE = "410102001002"
#: The worker's name is the chair's: the visit form proposes that officer.
WORKER_NAME = "王芳"
#: Households of the worker's village (person sequence -> household H000n); 2 is in hardship.
OWN = range(1, 13)
OTHER = range(21, 23)
HARDSHIP = 2


@dataclass
class World:
    """What the tests find: the server's address, the logins, whose data is where."""

    url: str
    app: Flask
    association_id: str
    other_association_id: str
    logins: dict[str, str] = field(default_factory=dict)
    resident_ids: list[str] = field(default_factory=list)
    person_ids: dict[int, str] = field(default_factory=dict)

    def household(self, sequence: int) -> str:
        """The household id of person ``sequence``."""
        return f"H{sequence:04d}"

    def name(self, sequence: int) -> str:
        """The name of person ``sequence``."""
        return f"残疾人{sequence}"


def _records(app: Flask) -> tuple[str, str, list[str], dict[int, str]]:
    tenancy = app.extensions["canxie"].runtime.tenancy
    factories.district(tenancy, DISTRICT)
    own = factories.association(tenancy, VILLAGE)
    other = factories.association(tenancy, OTHER_VILLAGE)
    factories.chair(tenancy, own.id, DISTRICT, WORKER_NAME)
    factories.chair(tenancy, other.id, DISTRICT, "李强")
    ids, persons = [], {}
    for sequence, village in [*((s, VILLAGE) for s in OWN), *((s, OTHER_VILLAGE) for s in OTHER)]:
        hardship: dict[str, Any] = (
            {"special_hardship": True, "hardship_reason": "低保户，重度残疾"}
            if sequence == HARDSHIP
            else {}
        )
        persons[sequence] = str(factories.person(tenancy, village, sequence, **hardship).id)
        ids.append(str(person_body(village, sequence)["resident_id"]))
    app.extensions["canxie"].runtime.catch_up(DISTRICT)
    return str(own.id), str(other.id), ids, persons


def _accounts(app: Flask, association_id: str) -> dict[str, str]:
    """Logins: ``worker`` (own password), ``first-N`` (one-time passwords), ``officer``."""
    accounts = app.extensions["canxie"].runtime.accounts
    scope = {"district": DISTRICT, "association_id": association_id}
    logins = {"worker": "wangfang"}
    factories.person_account(
        accounts, "association_worker", login="wangfang", name=WORKER_NAME, **scope
    )
    for n in range(1, 4):
        login = f"first{n}"
        factories.person_account(
            accounts, "association_worker", login=login, one_time=True, name=WORKER_NAME, **scope
        )
        logins[f"first-{n}"] = login
    factories.person_account(
        accounts,
        "township_officer",
        login="township",
        name="乡镇专干",
        district=DISTRICT,
        township=VILLAGE[:9],
    )
    logins["township"] = "township"
    factories.person_account(accounts, "bureau_auditor", login="auditor", name="民政局审计员")
    logins["auditor"] = "auditor"
    return logins


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 (threaded), for the browser; stopped afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def build(app: Flask, url: str) -> World:
    """Make the records and accounts in ``app`` served at ``url``."""
    own, other, ids, persons = _records(app)
    return World(url, app, own, other, _accounts(app, own), ids, persons)


TOWNSHIP = VILLAGE[:9]
TOWNSHIP_NAME = "测试街道"
#: An account of a world: (login, role, the account's other fields).
Account = tuple[str, str, dict[str, Any]]


@contextmanager
def named_world(data_dir: Path, accounts: Iterable[Account]) -> Iterator[World]:
    """The browser tests' district served on its own from ``data_dir`` (its pages' changes
    leave the other tests untouched), its township and villages named in the register and
    ``accounts`` added."""
    with embedded_app(data_dir) as app, served(app) as url:
        world = build(app, url)
        runtime = app.extensions["canxie"].runtime
        records = runtime.tenancy.records(DISTRICT)
        named = ((TOWNSHIP, TOWNSHIP_NAME), (VILLAGE, "东社区"), (OTHER_VILLAGE, "西社区"))
        for code, name in named:
            records.record_division(code=code, name=name, effective_on=None, by=SEED)
        for login, role, fields in accounts:
            factories.person_account(runtime.accounts, role, login=login, **fields)
            world.logins[login] = login
        runtime.catch_up(DISTRICT)
        yield world
