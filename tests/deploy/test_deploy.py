"""Deployment files: Compose validates, secrets have no defaults, k8s manifests match the API schemas."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "VARTA_POSTGRES_PASSWORD": "test-pg",
    "VARTA_QDRANT_API_KEY": "test-qdrant",
    "VARTA_METRICS_TOKEN": "test-metrics-token-0123",
}
COMPOSE_SERVICES = {"gateway", "plates", "faces", "qdrant", "postgres"}


def _compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail("docker-compose is not installed (scripts/system-deps.sh installs it)")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VARTA_")}
    return subprocess.run(
        [exe, "-f", str(ROOT / "docker-compose.yml"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_compose_config_is_valid_with_secrets() -> None:
    res = _compose("config", env=SECRETS)
    assert res.returncode == 0, res.stderr
    cfg = yaml.safe_load(res.stdout)
    assert set(cfg["services"]) >= COMPOSE_SERVICES
    for name in COMPOSE_SERVICES:
        assert "healthcheck" in cfg["services"][name], f"{name} has no health check"
    gw = cfg["services"]["gateway"]
    assert gw["environment"]["VARTA_PLATES_URL"] == "http://plates:8000"
    assert gw["environment"]["VARTA_QDRANT_API_KEY"] == "test-qdrant"
    assert gw["environment"]["VARTA_METRICS_TOKEN"] == "test-metrics-token-0123"
    assert "gateway-data:/var/lib/varta" in " ".join(str(v) for v in gw["volumes"]) or gw["volumes"]


def test_no_compose_service_runs_as_root_or_keeps_a_capability() -> None:
    cfg = yaml.safe_load(_compose("config", env=SECRETS).stdout)
    for name in COMPOSE_SERVICES:
        service = cfg["services"][name]
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
    assert cfg["services"]["postgres"]["user"] == "999:999"  # the image's postgres user
    assert cfg["services"]["qdrant"]["image"].endswith("-unprivileged")  # Qdrant's uid-1000 build
    for name in ("gateway", "plates", "faces"):  # their images switch to their own user (uid 10001)
        text = (ROOT / {"gateway": "gateway"}.get(name, f"recognizers/{name}") / "Dockerfile").read_text()
        assert "--uid 10001" in text and "\nUSER varta" in text, name


def test_every_image_copies_the_files_its_package_build_reads() -> None:
    """``pip install .`` in an image reads the README and the licence file pyproject names: a Dockerfile
    that copies only the sources fails at build time, which no engine here would show."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = {"pyproject.toml", project["readme"], *project["license-files"]}
    dockerfiles = sorted(ROOT.glob("*/Dockerfile")) + sorted(ROOT.glob("*/*/Dockerfile"))
    assert dockerfiles
    for path in dockerfiles:
        lines = path.read_text().splitlines()
        install = next(i for i, line in enumerate(lines) if "pip install ." in line)
        copied = {word for line in lines[:install] if line.startswith("COPY ") for word in line.split()[1:-1]}
        assert needed <= copied, f"{path.relative_to(ROOT)} does not copy {sorted(needed - copied)}"


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_start_without_each_secret(missing: str) -> None:
    env = {k: v for k, v in SECRETS.items() if k != missing}
    res = _compose("config", "-q", env=env)
    assert res.returncode != 0
    assert missing in res.stderr


def test_every_service_has_a_dockerfile() -> None:
    cfg = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, svc in cfg["services"].items():
        if "build" in svc:
            assert (ROOT / svc["build"]["dockerfile"]).is_file(), name


def _k8s_files() -> list[Path]:
    kust = yaml.safe_load((ROOT / "k8s" / "kustomization.yaml").read_text())
    return [ROOT / "k8s" / r for r in kust["resources"]]


def test_kustomization_lists_every_manifest() -> None:
    listed = {p.name for p in _k8s_files()}
    present = {p.name for p in (ROOT / "k8s").glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


def test_k8s_manifests_validate_against_kubernetes_schemas() -> None:
    exe = shutil.which("kubernetes-validate") or str(Path(sys.executable).parent / "kubernetes-validate")
    res = subprocess.run(
        [exe, "-k", "1.31.0", "--strict", *map(str, _k8s_files())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_k8s_workloads_have_probes_and_limits() -> None:
    for path in _k8s_files():
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc["kind"] not in ("Deployment", "StatefulSet"):
                continue
            for c in doc["spec"]["template"]["spec"]["containers"]:
                assert "readinessProbe" in c and "livenessProbe" in c, f"{path.name}:{c['name']}"
                assert "limits" in c["resources"], f"{path.name}:{c['name']}"


def test_qdrant_runs_as_a_cluster() -> None:
    docs = list(yaml.safe_load_all((ROOT / "k8s" / "qdrant.yaml").read_text()))
    sts = next(d for d in docs if d["kind"] == "StatefulSet")
    assert sts["spec"]["replicas"] >= 3
    env = {e["name"]: e.get("value") for e in sts["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["QDRANT__CLUSTER__ENABLED"] == "true"


def test_k8s_face_collection_is_replicated_across_qdrant_peers() -> None:
    cm = yaml.safe_load((ROOT / "k8s" / "configmap.yaml").read_text())["data"]
    docs = list(yaml.safe_load_all((ROOT / "k8s" / "qdrant.yaml").read_text()))
    peers = next(d for d in docs if d["kind"] == "StatefulSet")["spec"]["replicas"]
    replicas = int(cm["VARTA_QDRANT_REPLICATION_FACTOR"])
    assert 2 <= replicas <= peers  # one peer may fail
    assert int(cm["VARTA_QDRANT_WRITE_CONSISTENCY_FACTOR"]) < replicas  # writes go on with a peer down
    # every key the configmap sets is a real gateway setting (an unknown VARTA_* is silently ignored)
    from gateway.config import GatewaySettings

    fields = {f"VARTA_{name.upper()}" for name in GatewaySettings.model_fields}
    assert set(cm) <= fields


def _containers(name: str) -> list[dict]:
    docs = list(yaml.safe_load_all((ROOT / "k8s" / f"{name}.yaml").read_text()))
    workload = next(d for d in docs if d["kind"] in ("Deployment", "StatefulSet"))
    return workload["spec"]["template"]["spec"]["containers"]


def test_gateway_stays_in_service_when_a_recognizer_is_down() -> None:
    (gw,) = _containers("gateway")
    # /readiness also asks the remote recognizers: one down would take the single gateway out of the Service
    assert gw["readinessProbe"]["httpGet"]["path"] == "/healthz"
    # start-up (migrations, index rebuilds) may outlast liveness's 3 x 20 s: a startupProbe holds it off
    start = gw["startupProbe"]
    assert start["httpGet"]["path"] == "/healthz"
    assert start["periodSeconds"] * start["failureThreshold"] >= 300


def test_prometheus_may_scrape_the_annotated_recognizers() -> None:
    docs = list(yaml.safe_load_all((ROOT / "k8s" / "networkpolicy.yaml").read_text()))
    for name in ("plates", "faces"):
        docs_w = list(yaml.safe_load_all((ROOT / "k8s" / f"{name}.yaml").read_text()))
        pod = next(d for d in docs_w if d["kind"] == "Deployment")["spec"]["template"]["metadata"]
        port = int(pod["annotations"]["prometheus.io/port"])
        allowed = [
            rule
            for pol in docs
            if name in str(pol["spec"]["podSelector"])
            for rule in pol["spec"]["ingress"]
            if any("namespaceSelector" in f for f in rule["from"])
            and any(p["port"] == port for p in rule.get("ports", []))
        ]
        assert allowed, f"no policy lets the monitoring namespace reach {name}:{port}"
    gw = yaml.safe_load_all((ROOT / "k8s" / "gateway.yaml").read_text())
    pod = next(d for d in gw if d["kind"] == "Deployment")["spec"]["template"]["metadata"]
    # the gateway's /metrics needs a bearer token that annotation scraping does not send
    assert "prometheus.io/scrape" not in pod.get("annotations", {})


def _cpus(value: str) -> float:
    return float(value[:-1]) / 1000 if value.endswith("m") else float(value)


@pytest.mark.parametrize("kind", ["plates", "faces"])
def test_recognizer_threads_times_concurrency_fit_the_cpu_limit(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recognizers.service.config import RecognizerServiceSettings

    def check(env: dict[str, str], cpus: float, where: str) -> None:
        # the real settings parse the variables (an unknown name would silently do nothing)
        with monkeypatch.context() as m:
            for k in [k for k in os.environ if k.startswith("VARTA_")]:
                m.delenv(k)
            for k, v in env.items():
                m.setenv(k, v)
            s = RecognizerServiceSettings()
        threads = getattr(s, kind).threads
        assert threads is not None, f"{where}: VARTA_{kind.upper()}__THREADS unset (defaults to all cores)"
        assert threads * s.max_concurrency <= cpus, where

    (c,) = _containers(kind)
    env = {e["name"]: e["value"] for e in c["env"]}
    check(env, _cpus(str(c["resources"]["limits"]["cpu"])), f"k8s/{kind}.yaml")

    res = _compose("config", env=SECRETS)
    assert res.returncode == 0, res.stderr
    svc = yaml.safe_load(res.stdout)["services"][kind]
    check(
        {k: str(v) for k, v in svc["environment"].items()},
        float(svc["deploy"]["resources"]["limits"]["cpus"]),
        f"docker-compose.yml:{kind}",
    )


def test_k8s_every_container_is_hardened() -> None:
    for path in _k8s_files():
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc["kind"] not in ("Deployment", "StatefulSet"):
                continue
            pod = doc["spec"]["template"]["spec"]
            where = f"{path.name}:{doc['metadata']['name']}"
            assert pod["securityContext"]["runAsNonRoot"] is True, where
            assert pod["securityContext"]["runAsUser"] > 0, where
            assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
            volumes = {v["name"] for v in pod.get("volumes", [])}
            volumes |= {t["metadata"]["name"] for t in doc["spec"].get("volumeClaimTemplates", [])}
            for c in pod["containers"]:
                sc = c["securityContext"]
                assert sc["allowPrivilegeEscalation"] is False, where
                assert sc["capabilities"]["drop"] == ["ALL"], where
                assert sc["readOnlyRootFilesystem"] is True, where
                assert {m["name"] for m in c.get("volumeMounts", [])} <= volumes, where


def test_compose_varta_services_drop_capabilities() -> None:
    res = _compose("config", env=SECRETS)
    assert res.returncode == 0, res.stderr
    services = yaml.safe_load(res.stdout)["services"]
    for name in ("gateway", "plates", "faces"):
        assert services[name]["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in services[name]["security_opt"], name


def test_optional_ingress_validates_and_serves_tls_only() -> None:
    path = ROOT / "k8s" / "optional" / "ingress.yaml"
    exe = shutil.which("kubernetes-validate") or str(Path(sys.executable).parent / "kubernetes-validate")
    res = subprocess.run(
        [exe, "-k", "1.31.0", "--strict", str(path)], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stdout + res.stderr
    ing = yaml.safe_load(path.read_text())
    assert (
        ing["spec"]["tls"]
        and ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/force-ssl-redirect"]
    )
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    gw_svc = next(yaml.safe_load_all((ROOT / "k8s" / "gateway.yaml").read_text()))
    assert backend["name"] == gw_svc["metadata"]["name"]
    assert backend["port"]["number"] == gw_svc["spec"]["ports"][0]["port"]


def test_statefulsets_are_governed_by_headless_services() -> None:
    for name in ("postgres", "qdrant"):
        docs = list(yaml.safe_load_all((ROOT / "k8s" / f"{name}.yaml").read_text()))
        sts = next(d for d in docs if d["kind"] == "StatefulSet")
        svc = next(
            d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == sts["spec"]["serviceName"]
        )
        assert svc["spec"].get("clusterIP") == "None", name
