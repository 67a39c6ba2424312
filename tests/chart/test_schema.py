"""values.schema.json: bad values are refused by helm, with a message naming the field."""

from __future__ import annotations

import json
import re

import pytest

from tests.chart import kube

DEFAULTS = str(kube.values_file("defaults"))


def refused(helm, values=(), sets=(), extra=()):
    proc = kube.run_helm(helm, *kube.template_args(values, sets, extra), check=False)
    assert proc.returncode != 0, f"helm accepted {sets or values}:\n{proc.stdout[:2000]}"
    assert not proc.stdout.strip(), "nothing may be rendered when values are refused"
    return proc.stderr


def field(path: str) -> re.Pattern:
    """The field as Helm 4 ('/web/replicas') or Helm 3 ('web.replicas') names it."""
    parts = path.split(".")
    return re.compile("/".join(parts) + "|" + r"\.".join(parts))


def test_schema_is_draft_07():
    schema = json.loads((kube.CHART / "values.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_missing_database_and_broker_without_existing_secret(any_helm):
    message = refused(any_helm)
    assert "values don't meet the specifications of the schema" in message
    assert field("database.url").search(message), message
    assert field("broker.url").search(message), message


def test_missing_database_only(any_helm):
    message = refused(any_helm, sets=["broker.url=amqp://u:p@mq:5672/"])
    assert field("database.url").search(message), message
    assert not field("broker.url").search(message), message


def test_existing_secret_needs_no_urls(any_helm):
    proc = kube.run_helm(any_helm, *kube.template_args(sets=["existingSecret=my-secret"]))
    assert "kind: Deployment" in proc.stdout


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("web.replicas=-1", "web.replicas"),
        ("worker.replicas=-3", "worker.replicas"),
        ("worker.autoscaling.keda.minReplicaCount=-1", "worker.autoscaling.keda.minReplicaCount"),
        ("web.autoscaling.minReplicas=0", "web.autoscaling.minReplicas"),
        ("worker.concurrency=0", "worker.concurrency"),
        ("web.gunicorn.workers=0", "web.gunicorn.workers"),
    ],
)
def test_negative_or_zero_counts_are_refused(any_helm, setting, path):
    message = refused(any_helm, [DEFAULTS], [setting])
    assert field(path).search(message), message
    assert re.search(r"minimum|greater than or equal", message), message


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("web.replicas=two", "web.replicas"),
        ("worker.concurrency=many", "worker.concurrency"),
        ("migrations.hook.enabled=maybe", "migrations.hook.enabled"),
        ("config.sweepSeconds=soon", "config.sweepSeconds"),
        ("config.trustedProxies=one", "config.trustedProxies"),
        ("service.port=http", "service.port"),
    ],
)
def test_wrong_types_are_refused(any_helm, setting, path):
    message = refused(any_helm, [DEFAULTS], [setting])
    assert field(path).search(message), message
    assert re.search(r"type|want", message, re.IGNORECASE), message


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("beat.replicas=2", "beat"),  # beat is always exactly one replica
        ("replicas=3", ""),  # a typo at the top level
        ("web.replica=3", "web"),
        ("config.logFormat=xml", "config.logFormat"),
        ("database.url=mysql://x", "database.url"),
        ("broker.url=http://mq", "broker.url"),
        ("config.extraEnv.CANXIE_SIGNING_KEY=oops", "config.extraEnv.CANXIE_SIGNING_KEY"),
        ("config.trustedProxies=-1", "config.trustedProxies"),
        ("image.pullPolicy=Sometimes", "image.pullPolicy"),
    ],
)
def test_other_bad_values_are_refused(any_helm, setting, path):
    message = refused(any_helm, [DEFAULTS], [setting])
    if path:
        assert field(path).search(message), message


def test_lint_refuses_bad_values(any_helm):
    proc = kube.run_helm(
        any_helm, "lint", "--strict", str(kube.CHART), "--set", "web.replicas=-1", check=False
    )
    assert proc.returncode != 0
    assert field("web.replicas").search(proc.stdout + proc.stderr)


def test_templates_fail_clearly_even_without_the_schema(helm):
    # --skip-schema-validation (Helm >= 3.16): the templates still refuse to render a
    # Secret without a database URL, with a message that says what to set.
    message = refused(helm, extra=["--skip-schema-validation"])
    assert "set database.url" in message and "existingSecret" in message, message
