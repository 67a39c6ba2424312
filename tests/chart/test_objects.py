"""Assertions on the objects the chart renders."""

from __future__ import annotations

import base64
import re

import pytest
import yaml

from tests.chart import kube

SECRET_KEYS = {
    "CANXIE_DATABASE_URL",
    "CANXIE_BROKER_URL",
    "CANXIE_BOOTSTRAP_TOKEN",
    "CANXIE_ENCRYPTION_KEY",
    "CANXIE_SIGNING_KEY",
    "CANXIE_METRICS_TOKEN",
}
HOOK = "helm.sh/hook"
FULLNAME = f"{kube.RELEASE}-canxie"
PING = "celery -A workers inspect ping -d celery@$HOSTNAME --timeout 10"


def objects_of(objects, kind, name=None):
    found = [o for o in objects if o["kind"] == kind]
    if name is not None:
        found = [o for o in found if o["metadata"]["name"] == name]
    return found


def one(objects, kind, name):
    found = objects_of(objects, kind, name)
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def deployment(objects, component):
    return one(objects, "Deployment", f"{FULLNAME}-{component}")


def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def container(workload, name):
    containers = {c["name"]: c for c in pod_spec(workload)["containers"]}
    return containers[name]


def workloads(objects):
    return [o for o in objects if o["kind"] in ("Deployment", "Job")]


def load_values(value_set):
    return yaml.safe_load(kube.values_file(value_set).read_text())


def secret_strings(value_set):
    """The secret values a value set holds (connection URLs and keys)."""
    values = load_values(value_set)
    found = [
        (values.get("database") or {}).get("url"),
        (values.get("broker") or {}).get("url"),
        *((values.get("secrets") or {}).values()),
    ]
    strings = {s for s in found if s}
    # The passwords inside the URLs must not leak on their own either.
    for url in list(strings):
        match = re.match(r"^[a-z+]+://[^:]+:([^@]+)@", url)
        if match:
            strings.add(match.group(1))
    return strings


def test_default_objects(rendered):
    objects = rendered["defaults"]
    for component in ("web", "worker", "beat"):
        deployment(objects, component)
    one(objects, "Service", f"{FULLNAME}-web")
    one(objects, "ConfigMap", f"{FULLNAME}-config")
    one(objects, "Secret", f"{FULLNAME}-secret")
    one(objects, "ServiceAccount", FULLNAME)
    one(objects, "PodDisruptionBudget", f"{FULLNAME}-web")
    one(objects, "PodDisruptionBudget", f"{FULLNAME}-worker")
    assert len(objects_of(objects, "NetworkPolicy")) == 3
    assert len(objects_of(objects, "Job")) == 1
    for kind in ("HorizontalPodAutoscaler", "ScaledObject", "ServiceMonitor", "Ingress"):
        assert not objects_of(objects, kind), kind


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_every_object_has_labels_and_a_short_name(rendered, value_set):
    for obj in rendered[value_set]:
        meta = obj["metadata"]
        assert len(meta["name"]) <= 63, meta["name"]
        labels = meta["labels"]
        assert labels["app.kubernetes.io/name"] == "canxie"
        assert labels["app.kubernetes.io/instance"] == kube.RELEASE
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/component"]


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_web_runs_gunicorn_with_probes(rendered, value_set):
    web = container(deployment(rendered[value_set], "web"), "web")
    assert web["command"] == [
        "gunicorn",
        "--bind",
        "0.0.0.0:8000",
        "--workers",
        "2",
        "--threads",
        "4",
        "--graceful-timeout",
        "30",
        "--limit-request-line",
        "8190",
        "service.wsgi:app",
    ]
    assert {"name": "http", "containerPort": 8000, "protocol": "TCP"} in web["ports"]
    for probe in ("startupProbe", "readinessProbe"):
        assert web[probe]["httpGet"] == {"path": "/api/v1/health", "port": "http"}, probe
    assert web["livenessProbe"]["httpGet"] == {"path": "/api/v1/health/live", "port": "http"}
    # Startup allows a slow first connection; liveness does not restart during startup.
    startup = web["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 60


def test_gunicorn_workers_and_threads_come_from_values(helm):
    objects = kube.render(
        helm,
        [str(kube.values_file("defaults"))],
        [
            "web.gunicorn.workers=5",
            "web.gunicorn.threads=8",
            "worker.concurrency=6",
            "config.queue=survey",
        ],
    )
    command = container(deployment(objects, "web"), "web")["command"]
    assert command[command.index("--workers") + 1] == "5"
    assert command[command.index("--threads") + 1] == "8"
    worker = container(deployment(objects, "worker"), "worker")
    assert worker["command"] == ["canxie", "worker", "--concurrency", "6", "-Q", "survey"]
    config = one(objects, "ConfigMap", f"{FULLNAME}-config")
    assert config["data"]["CANXIE_QUEUE"] == "survey"


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_worker_command_and_ping_probes(rendered, value_set):
    worker = container(deployment(rendered[value_set], "worker"), "worker")
    assert worker["command"] == ["canxie", "worker", "--concurrency", "2", "-Q", "canxie"]
    for probe in ("livenessProbe", "readinessProbe"):
        command = worker[probe]["exec"]["command"]
        # $HOSTNAME needs a shell: exec probes do not expand variables themselves.
        assert command == ["sh", "-c", PING], probe
        assert worker[probe]["timeoutSeconds"] > 10, "probe timeout must exceed --timeout 10"


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_beat_has_exactly_one_replica_and_recreate(rendered, value_set):
    beat = deployment(rendered[value_set], "beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    main = container(beat, "beat")
    assert main["command"] == ["canxie", "beat"]
    assert main["workingDir"] == "/tmp"
    # No autoscaler may ever target the beat.
    for obj in rendered[value_set]:
        if obj["kind"] in ("HorizontalPodAutoscaler", "ScaledObject"):
            assert obj["spec"]["scaleTargetRef"]["name"] != beat["metadata"]["name"]


def test_beat_can_be_turned_off(helm):
    objects = kube.render(helm, [str(kube.values_file("defaults"))], ["beat.enabled=false"])
    assert not objects_of(objects, "Deployment", f"{FULLNAME}-beat")


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_pods_are_non_root_read_only_and_drop_capabilities(rendered, value_set):
    for workload in workloads(rendered[value_set]):
        spec = pod_spec(workload)
        where = workload["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["runAsUser"] == 10001, where
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
        assert spec["automountServiceAccountToken"] is False, where
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert "emptyDir" in volumes["tmp"], where
        for c in spec.get("initContainers", []) + spec["containers"]:
            ctx = c["securityContext"]
            what = f"{where}/{c['name']}"
            assert ctx["runAsNonRoot"] is True, what
            assert ctx["readOnlyRootFilesystem"] is True, what
            assert ctx["allowPrivilegeEscalation"] is False, what
            assert ctx["capabilities"]["drop"] == ["ALL"], what
            assert "add" not in ctx["capabilities"], what
            assert ctx["seccompProfile"] == {"type": "RuntimeDefault"}, what
            assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"], what
            assert c["resources"]["requests"]["memory"], what
            assert c["resources"]["limits"]["memory"], what


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_no_secret_values_in_config_maps(rendered, value_set):
    objects = rendered[value_set]
    secrets = secret_strings(value_set)
    config_maps = objects_of(objects, "ConfigMap")
    assert config_maps
    for cm in config_maps:
        data = cm.get("data") or {}
        assert not SECRET_KEYS & set(data), cm["metadata"]["name"]
        assert data["CANXIE_LOG_FORMAT"] == "json"
        assert data["CANXIE_QUEUE"] == "canxie"
        assert data["CANXIE_SWEEP_SECONDS"].isdigit()
        for value in data.values():
            for secret in secrets:
                assert secret not in value, f"{cm['metadata']['name']} holds a secret value"
    # ... and no secret value appears in clear anywhere but inside Secret objects.
    for obj in objects:
        if obj["kind"] == "Secret":
            continue
        text = yaml.safe_dump(obj)
        for secret in secrets:
            assert secret not in text, f"{kube.describe(obj)} holds a secret value"


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_web_trusts_the_ingress_controller_s_forwarded_for(rendered, value_set):
    """Behind the ingress the client's address is in X-Forwarded-For, set by one proxy."""
    config = one(rendered[value_set], "ConfigMap", f"{FULLNAME}-config")
    assert config["data"]["CANXIE_TRUSTED_PROXIES"] == "1"


def test_trusted_proxies_come_from_values(helm):
    objects = kube.render(helm, [str(kube.values_file("defaults"))], ["config.trustedProxies=0"])
    config = one(objects, "ConfigMap", f"{FULLNAME}-config")
    assert config["data"]["CANXIE_TRUSTED_PROXIES"] == "0"


def test_secret_holds_connections_and_keys(rendered):
    secret = one(rendered["autoscaling"], "Secret", f"{FULLNAME}-secret")
    data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    values = load_values("autoscaling")
    assert data == {
        "CANXIE_DATABASE_URL": values["database"]["url"],
        "CANXIE_BROKER_URL": values["broker"]["url"],
        "CANXIE_BOOTSTRAP_TOKEN": values["secrets"]["bootstrapToken"],
        "CANXIE_ENCRYPTION_KEY": values["secrets"]["encryptionKey"],
        "CANXIE_SIGNING_KEY": values["secrets"]["signingKey"],
        "CANXIE_METRICS_TOKEN": values["secrets"]["metricsToken"],
    }
    # Empty optional keys are left out rather than set to "".
    secret = one(rendered["defaults"], "Secret", f"{FULLNAME}-secret")
    assert set(secret["data"]) == {"CANXIE_DATABASE_URL", "CANXIE_BROKER_URL"}


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_every_container_reads_the_config_map_and_secret(rendered, value_set):
    objects = rendered[value_set]
    existing = load_values(value_set).get("existingSecret")
    config_maps = {o["metadata"]["name"] for o in objects_of(objects, "ConfigMap")}
    secrets = {o["metadata"]["name"] for o in objects_of(objects, "Secret")}
    if existing:
        assert not secrets, "no Secret may be rendered when existingSecret is set"
        secrets = {existing}
    for workload in workloads(objects):
        spec = pod_spec(workload)
        for c in spec.get("initContainers", []) + spec["containers"]:
            refs = c["envFrom"]
            cm = [r["configMapRef"]["name"] for r in refs if "configMapRef" in r]
            sec = [r["secretRef"]["name"] for r in refs if "secretRef" in r]
            assert len(cm) == 1 and cm[0] in config_maps, c["name"]
            assert len(sec) == 1 and sec[0] in secrets, c["name"]


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_checksum_annotations_on_pod_templates(rendered, value_set):
    for workload in workloads(rendered[value_set]):
        annotations = workload["spec"]["template"]["metadata"]["annotations"]
        for key in ("checksum/config", "checksum/secret"):
            assert re.fullmatch(r"[0-9a-f]{64}", annotations[key]), (workload, key)


def _checksums(helm, sets):
    objects = kube.render(helm, [str(kube.values_file("defaults"))], sets)
    return {
        o["metadata"]["name"]: (
            o["spec"]["template"]["metadata"]["annotations"]["checksum/config"],
            o["spec"]["template"]["metadata"]["annotations"]["checksum/secret"],
        )
        for o in objects_of(objects, "Deployment")
    }


def test_checksums_change_with_config_and_secret(helm):
    base = _checksums(helm, [])
    config_changed = _checksums(helm, ["config.sweepSeconds=30"])
    secret_changed = _checksums(helm, ["secrets.signingKey=rotated"])
    assert set(base) == {f"{FULLNAME}-{c}" for c in ("web", "worker", "beat")}
    for name, (config_sum, secret_sum) in base.items():
        assert config_changed[name][0] != config_sum, name
        assert config_changed[name][1] == secret_sum, name
        assert secret_changed[name][0] == config_sum, name
        assert secret_changed[name][1] != secret_sum, name
    assert _checksums(helm, []) == base, "checksums must be deterministic"


def test_hooks_on_by_default(rendered):
    objects = rendered["defaults"]
    job = one(objects, "Job", f"{FULLNAME}-provision")
    annotations = job["metadata"]["annotations"]
    assert annotations[HOOK] == "pre-install,pre-upgrade"
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    provision = container(job, "provision")
    assert provision["command"] == ["canxie", "provision"]
    assert pod_spec(job)["restartPolicy"] == "Never"
    # A pre-install hook runs before the release's own objects exist: whatever the Job
    # reads is itself a hook, created before it (lower weight).
    hooks = {
        (o["kind"], o["metadata"]["name"]): o
        for o in objects
        if HOOK in (o["metadata"].get("annotations") or {})
    }
    refs = {
        ("ConfigMap", r["configMapRef"]["name"])
        for r in provision["envFrom"]
        if "configMapRef" in r
    }
    refs |= {("Secret", r["secretRef"]["name"]) for r in provision["envFrom"] if "secretRef" in r}
    refs.add(("ServiceAccount", pod_spec(job)["serviceAccountName"]))
    for ref in refs:
        assert ref in hooks, f"the hook Job uses {ref}, which is not a hook"
        weight = int(hooks[ref]["metadata"]["annotations"]["helm.sh/hook-weight"])
        assert weight < int(annotations["helm.sh/hook-weight"]), ref
    # Release objects are never hooks.
    for name in ("web", "worker", "beat"):
        assert HOOK not in (deployment(objects, name)["metadata"].get("annotations") or {})


def test_hook_with_existing_secret_reads_that_secret(rendered):
    objects = rendered["existing-secret"]
    job = one(objects, "Job", f"{FULLNAME}-provision")
    assert job["metadata"]["annotations"][HOOK] == "pre-install,pre-upgrade"
    refs = [
        r["secretRef"]["name"] for r in container(job, "provision")["envFrom"] if "secretRef" in r
    ]
    assert refs == ["canxie-connections"]
    assert pod_spec(job)["serviceAccountName"] == "canxie-runner"


def test_hooks_off_renders_a_plain_job(rendered, helm):
    objects = rendered["hooks-off"]
    for obj in objects:
        assert HOOK not in (obj["metadata"].get("annotations") or {}), kube.describe(obj)
    jobs = objects_of(objects, "Job")
    assert len(jobs) == 1
    job = jobs[0]
    assert re.fullmatch(rf"{FULLNAME}-provision-[0-9a-f]{{10}}", job["metadata"]["name"])
    assert job["metadata"]["annotations"] == {"argocd.argoproj.io/sync-wave": "-1"}
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    envs = container(job, "provision")["envFrom"]
    assert {"configMapRef": {"name": f"{FULLNAME}-config"}} in envs
    assert {"secretRef": {"name": f"{FULLNAME}-secret"}} in envs
    # A Job's pod template is immutable: a new image or config must make a new Job.
    other = kube.render(helm, [str(kube.values_file("hooks-off"))], ["image.tag=0.2.0"])
    (other_job,) = objects_of(other, "Job")
    assert other_job["metadata"]["name"] != job["metadata"]["name"]
    again = kube.render(helm, [str(kube.values_file("hooks-off"))])
    assert objects_of(again, "Job")[0]["metadata"]["name"] == job["metadata"]["name"]


@pytest.mark.parametrize("value_set", kube.VALUE_SETS)
def test_init_container_waits_for_provisioning(rendered, value_set):
    for component in ("web", "worker", "beat"):
        workload = deployment(rendered[value_set], component)
        inits = pod_spec(workload)["initContainers"]
        assert [c["name"] for c in inits] == ["wait-for-provisioning"]
        init = inits[0]
        assert init["command"][:2] == ["sh", "-c"]
        script = init["command"][2]
        assert re.search(r"until canxie provision --check; do .*sleep \d+;\s*done", script), script
        assert init["image"] == container(workload, component)["image"]


def test_provisioning_can_be_turned_off(helm):
    objects = kube.render(helm, [str(kube.values_file("defaults"))], ["migrations.enabled=false"])
    assert not objects_of(objects, "Job")
    for component in ("web", "worker", "beat"):
        assert "initContainers" not in pod_spec(deployment(objects, component))


def test_autoscaling_web_hpa(rendered):
    objects = rendered["autoscaling"]
    web = deployment(objects, "web")
    assert "replicas" not in web["spec"], "the HPA owns the replica count"
    hpa = one(objects, "HorizontalPodAutoscaler", f"{FULLNAME}-web")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": web["metadata"]["name"],
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 12)
    targets = {m["resource"]["name"]: m["resource"]["target"] for m in hpa["spec"]["metrics"]}
    assert targets == {
        "cpu": {"type": "Utilization", "averageUtilization": 70},
        "memory": {"type": "Utilization", "averageUtilization": 80},
    }


def test_autoscaling_worker_keda_on_queue_length(rendered):
    objects = rendered["autoscaling"]
    worker = deployment(objects, "worker")
    assert "replicas" not in worker["spec"], "KEDA owns the replica count"
    scaled = one(objects, "ScaledObject", f"{FULLNAME}-worker")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    assert scaled["spec"]["scaleTargetRef"]["name"] == worker["metadata"]["name"]
    assert (scaled["spec"]["minReplicaCount"], scaled["spec"]["maxReplicaCount"]) == (2, 20)
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "rabbitmq"
    assert trigger["metadata"] == {
        "protocol": "amqp",
        "queueName": "canxie",
        "mode": "QueueLength",
        "value": "50",
    }
    auth = one(objects, "TriggerAuthentication", trigger["authenticationRef"]["name"])
    assert auth["spec"]["secretTargetRef"] == [
        {"parameter": "host", "name": f"{FULLNAME}-secret", "key": "CANXIE_BROKER_URL"},
    ]


def test_keda_with_existing_secret_reads_that_secret(helm):
    objects = kube.render(
        helm,
        [str(kube.values_file("existing-secret"))],
        ["worker.autoscaling.keda.enabled=true"],
    )
    (auth,) = objects_of(objects, "TriggerAuthentication")
    assert auth["spec"]["secretTargetRef"][0]["name"] == "canxie-connections"
    assert not kube.validate_all(objects)


def test_fixed_replicas_without_autoscaling(rendered):
    objects = rendered["defaults"]
    assert deployment(objects, "web")["spec"]["replicas"] == 2
    assert deployment(objects, "worker")["spec"]["replicas"] == 2


def test_service_and_service_monitor_select_web_pods(rendered):
    objects = rendered["autoscaling"]
    web = deployment(objects, "web")
    pod_labels = web["spec"]["template"]["metadata"]["labels"]
    service = one(objects, "Service", f"{FULLNAME}-web")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] == "http" and port["name"] == "http"
    monitor = one(objects, "ServiceMonitor", f"{FULLNAME}-web")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    (endpoint,) = monitor["spec"]["endpoints"]
    assert (endpoint["port"], endpoint["path"]) == ("http", "/metrics")
    # /metrics is not public: the scrape sends the metrics token from the chart's Secret.
    secret = one(objects, "Secret", f"{FULLNAME}-secret")
    assert "CANXIE_METRICS_TOKEN" in secret["data"]
    assert endpoint["authorization"] == {
        "type": "Bearer",
        "credentials": {"name": secret["metadata"]["name"], "key": "CANXIE_METRICS_TOKEN"},
    }
    ingress = one(objects, "Ingress", f"{FULLNAME}-web")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}


def test_pdbs_select_their_pods(rendered):
    objects = rendered["defaults"]
    for component in ("web", "worker"):
        pdb = one(objects, "PodDisruptionBudget", f"{FULLNAME}-{component}")
        assert pdb["apiVersion"] == "policy/v1"
        labels = deployment(objects, component)["spec"]["template"]["metadata"]["labels"]
        assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert pdb["spec"]["maxUnavailable"] == 1
    assert not objects_of(objects, "PodDisruptionBudget", f"{FULLNAME}-beat")


def test_network_policies(rendered):
    objects = rendered["autoscaling"]
    web = one(objects, "NetworkPolicy", f"{FULLNAME}-web")
    (rule,) = web["spec"]["ingress"]
    assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert rule["from"][0]["namespaceSelector"]
    closed = one(objects, "NetworkPolicy", f"{FULLNAME}-no-ingress")
    assert closed["spec"]["policyTypes"] == ["Ingress"]
    assert "ingress" not in closed["spec"], "worker, beat and provision accept nothing"
    (expr,) = closed["spec"]["podSelector"]["matchExpressions"]
    assert set(expr["values"]) == {"worker", "beat", "provision"}
    egress = one(objects, "NetworkPolicy", f"{FULLNAME}-egress")
    ports = {p["port"] for rule in egress["spec"]["egress"] for p in rule["ports"]}
    assert ports == {53, 5432, 5671, 5672}
    assert not objects_of(rendered["hooks-off"], "NetworkPolicy", f"{FULLNAME}-egress")


def test_service_account(rendered):
    sa = one(rendered["defaults"], "ServiceAccount", FULLNAME)
    assert sa["automountServiceAccountToken"] is False
    for workload in workloads(rendered["defaults"]):
        assert pod_spec(workload)["serviceAccountName"].startswith(FULLNAME)
    assert not objects_of(rendered["existing-secret"], "ServiceAccount")
    for workload in workloads(rendered["existing-secret"]):
        assert pod_spec(workload)["serviceAccountName"] == "canxie-runner"


def test_image_digest_wins_over_tag(rendered):
    values = load_values("existing-secret")
    for workload in workloads(rendered["existing-secret"]):
        for c in pod_spec(workload).get("initContainers", []) + pod_spec(workload)["containers"]:
            assert c["image"] == f"{values['image']['repository']}@{values['image']['digest']}"
    web = container(deployment(rendered["defaults"], "web"), "web")
    assert web["image"] == "canxie:0.1.0"
