"""helm lint --strict, helm template and strict Kubernetes validation of every value set."""

from __future__ import annotations

import copy

import pytest

from tests.chart import kube


def test_installed_helm_versions(helm, helm3):
    assert kube.run_helm(helm, "version", "--short").stdout.startswith("v4.")
    assert kube.run_helm(helm3, "version", "--short").stdout.startswith("v3.")


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_lint_strict(any_helm, value_set):
    proc = kube.run_helm(
        any_helm,
        "lint",
        "--strict",
        str(kube.CHART),
        "-f",
        str(kube.values_file(value_set)),
        "--namespace",
        kube.NAMESPACE,
    )
    assert "0 chart(s) failed" in proc.stdout


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_helm3_renders_what_helm4_renders(helm, helm3, value_set):
    args = kube.template_args([str(kube.values_file(value_set))])
    out4 = kube.run_helm(helm, *args).stdout
    out3 = kube.run_helm(helm3, *args).stdout
    assert kube.parse_documents(out3) == kube.parse_documents(out4)


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_rendered_objects_are_valid_for_every_kubernetes_version(rendered, value_set):
    objects = rendered[value_set]
    assert objects, f"{value_set}: nothing rendered"
    errors = kube.validate_all(objects)
    assert not errors, "\n".join(errors)


def test_operator_resources_are_rendered_and_checked(rendered):
    kinds = {(o["apiVersion"], o["kind"]) for o in rendered["autoscaling"]}
    assert kinds >= kube.ALLOWED_CUSTOM_KINDS


# The validator itself must catch what kubernetes-validate's command line only warns about.


def _first(objects, kind):
    return copy.deepcopy(next(o for o in objects if o["kind"] == kind))


@pytest.mark.parametrize(
    ("kind", "api_version"),
    [
        ("PodDisruptionBudget", "policy/v1beta1"),  # removed in 1.25
        ("HorizontalPodAutoscaler", "autoscaling/v2beta2"),  # removed in 1.26
        ("Deployment", "extensions/v1beta1"),  # removed long ago
        ("Deployment", "apps/v2"),  # does not exist
    ],
)
def test_validator_fails_removed_or_unknown_apis(rendered, kind, api_version):
    obj = _first(rendered["autoscaling"], kind)
    obj["apiVersion"] = api_version
    for version in kube.KUBE_VERSIONS:
        errors = kube.validation_errors(obj, version)
        assert errors and "no schema" in errors[0], errors


def test_validator_fails_unknown_kinds(rendered):
    obj = _first(rendered["defaults"], "ConfigMap")
    obj["kind"] = "ConfigMapp"
    assert kube.validation_errors(obj, "1.33")
    obj["apiVersion"], obj["kind"] = "keda.sh/v1alpha1", "ScaledJobb"
    errors = kube.validation_errors(obj, "1.33")
    assert errors and "not a known kind" in errors[0]


def test_validator_is_strict_about_unknown_fields_and_types(rendered):
    obj = _first(rendered["defaults"], "Deployment")
    obj["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    errors = kube.validation_errors(obj, "1.29")
    assert errors and "livenesProbe" in errors[0]
    obj = _first(rendered["defaults"], "Deployment")
    obj["spec"]["replicas"] = "2"
    assert kube.validation_errors(obj, "1.33")


def test_validator_checks_operator_resources(rendered):
    scaled = _first(rendered["autoscaling"], "ScaledObject")
    assert kube.validation_errors(scaled, "1.33") == []
    scaled["spec"]["triggers"][0]["metadata"]["value"] = 50
    scaled["spec"]["scaleTargetRef"] = {}
    assert len(kube.validation_errors(scaled, "1.33")) == 2
