"""Helpers for the chart tests: running helm and validating rendered objects.

Kept apart from conftest.py so test modules can import them by name.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

import kubernetes_validate
import kubernetes_validate.utils as kv_utils
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "canxie"
INSTALL_SCRIPT = REPO / "helm" / "tools" / "install-helm.sh"
VALUES_DIR = CHART / "ci"

# The value sets every test runs against: helm/canxie/ci/<name>-values.yaml.
VALUE_SETS = ("defaults", "autoscaling", "existing-secret", "hooks-off")

# Kubernetes versions the chart supports (Chart.yaml kubeVersion and the README).
KUBE_VERSIONS = ("1.29", "1.30", "1.31", "1.32", "1.33")

# Custom resources of operators the chart can use. kubernetes-validate has no schema for
# them; every other kind without a schema (unknown or removed API) is an error.
ALLOWED_CUSTOM_KINDS = {
    ("keda.sh/v1alpha1", "ScaledObject"),
    ("keda.sh/v1alpha1", "TriggerAuthentication"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
}
ALLOWED_CUSTOM_GROUPS = {"keda.sh", "monitoring.coreos.com"}

RELEASE = "city"
NAMESPACE = "canxie"


def values_file(name: str) -> Path:
    return VALUES_DIR / f"{name}-values.yaml"


def run_helm(helm: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(helm), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(REPO / ".tools"),
            "HELM_CACHE_HOME": str(REPO / ".tools" / "helm-cache"),
            "HELM_CONFIG_HOME": str(REPO / ".tools" / "helm-config"),
            "HELM_DATA_HOME": str(REPO / ".tools" / "helm-data"),
        },
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"helm {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def template_args(
    values: Sequence[str] = (), sets: Sequence[str] = (), extra: Sequence[str] = ()
) -> list[str]:
    args = ["template", RELEASE, str(CHART), "--namespace", NAMESPACE]
    for path in values:
        args += ["-f", str(path)]
    for item in sets:
        args += ["--set", item]
    return [*args, *extra]


def parse_documents(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def render(helm: Path, values: Sequence[str] = (), sets: Sequence[str] = ()) -> list[dict]:
    return parse_documents(run_helm(helm, *template_args(values, sets)).stdout)


def group_of(api_version: str) -> str:
    return api_version.split("/")[0] if "/" in api_version else ""


@functools.cache
def _schema_contents(filename: str, desired_version: str):
    return _original_schema_contents(filename, desired_version)


# kubernetes-validate reads its JSON schemas from disk on every call (the definitions of
# one version are 1.4 MB); caching them keeps the whole matrix to a few seconds.
_original_schema_contents = kv_utils.schema_contents
kv_utils.schema_contents = _schema_contents


def describe(obj: dict) -> str:
    meta = obj.get("metadata") or {}
    return f"{obj.get('apiVersion')} {obj.get('kind')}/{meta.get('name')}"


def validation_errors(obj: dict, version: str) -> list[str]:
    """Problems of one object against Kubernetes `version`, strict: [] when it is valid.

    Unlike kubernetes-validate's command line, which only warns, a kind without a schema
    (an unknown kind, a typo in apiVersion or an API removed in that version) is an error,
    unless it is one of the operator resources in ALLOWED_CUSTOM_KINDS.
    """
    try:
        kubernetes_validate.validate(obj, version, strict=True)
    except kubernetes_validate.ValidationError as exc:
        path = ".".join(str(p) for p in exc.path) or "(root)"
        return [f"{describe(obj)} invalid for Kubernetes {version}: {path}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        key = (obj.get("apiVersion"), obj.get("kind"))
        if key in ALLOWED_CUSTOM_KINDS:
            return custom_resource_errors(obj)
        if group_of(str(obj.get("apiVersion"))) in ALLOWED_CUSTOM_GROUPS:
            return [f"{describe(obj)}: not a known kind of its operator ({exc.message})"]
        return [f"{describe(obj)}: no schema for Kubernetes {version} ({exc.message})"]
    except kubernetes_validate.InvalidSchemaError as exc:
        return [f"{describe(obj)}: {exc.message}"]
    return []


def custom_resource_errors(obj: dict) -> list[str]:
    """Minimal structure checks of the operator resources (no schema is shipped for them)."""
    errors = []
    meta = obj.get("metadata") or {}
    if not meta.get("name"):
        errors.append(f"{describe(obj)}: metadata.name missing")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [*errors, f"{describe(obj)}: spec missing"]
    kind = obj["kind"]
    if kind == "ScaledObject":
        target = spec.get("scaleTargetRef") or {}
        if not target.get("name"):
            errors.append(f"{describe(obj)}: spec.scaleTargetRef.name missing")
        triggers = spec.get("triggers")
        if not triggers or not all(isinstance(t, dict) and t.get("type") for t in triggers):
            errors.append(f"{describe(obj)}: spec.triggers must list typed triggers")
        for trigger in triggers or []:
            for key, value in (trigger.get("metadata") or {}).items():
                if not isinstance(value, str):
                    errors.append(f"{describe(obj)}: trigger metadata {key} must be a string")
        for key in ("minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod"):
            if key in spec and (not isinstance(spec[key], int) or spec[key] < 0):
                errors.append(f"{describe(obj)}: spec.{key} must be a whole number >= 0")
    elif kind == "TriggerAuthentication":
        refs = spec.get("secretTargetRef")
        if not refs or not all({"parameter", "name", "key"} <= set(r) for r in refs):
            errors.append(f"{describe(obj)}: secretTargetRef needs parameter, name and key")
    elif kind == "ServiceMonitor":
        if not (spec.get("selector") or {}).get("matchLabels"):
            errors.append(f"{describe(obj)}: spec.selector.matchLabels missing")
        if not spec.get("endpoints"):
            errors.append(f"{describe(obj)}: spec.endpoints missing")
    return errors


def validate_all(objects: Iterable[dict], versions: Sequence[str] = KUBE_VERSIONS) -> list[str]:
    errors: list[str] = []
    for version in versions:
        for obj in objects:
            errors += validation_errors(obj, version)
    return errors
