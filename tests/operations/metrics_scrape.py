"""Reading ``/metrics`` the way Prometheus does, in the tests."""

from __future__ import annotations

import re

import requests

SAMPLE = re.compile(
    r'^(?P<name>[a-zA-Z_:][\w:]*)(?:\{(?P<labels>(?:[^"}]|"(?:[^"\\]|\\.)*")*)\})? '
    r"(?P<value>\S+)$"
)
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition: (name, labels) -> value."""
    found = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        labels = frozenset(LABEL.findall(match["labels"] or ""))
        found[(match["name"], labels)] = float(match["value"])
    return found


def scrape(base: str, token: str | None = None) -> dict[tuple[str, frozenset], float]:
    """GET /metrics and parse it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.get(f"{base}/metrics", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    return samples(response.text)


def value(found: dict, name: str, **labels: str) -> float | None:
    """One sample's value, None if absent."""
    return found.get((name, frozenset(labels.items())))


def by_label(found: dict, name: str, label: str) -> dict[str, float]:
    """Samples of one metric keyed by one label."""
    return {dict(labels)[label]: v for (n, labels), v in found.items() if n == name}
