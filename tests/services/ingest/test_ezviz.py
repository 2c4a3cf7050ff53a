"""EZVIZ Open Platform client against a local fake that follows the documented shapes and codes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from ingest_fake_ezviz import FakeEzviz, serve
from ingest_rtsp_server import free_port

from services.ingest import cli
from services.ingest.config import EzvizAccount, EzvizCloudSource
from services.ingest.metrics import CameraHealth, HealthState, IngestMetrics
from services.ingest.sources.ezviz import EzvizClient, EzvizError, EzvizSnapshotReader

TOKEN = "/api/lapp/token/get"
CAPTURE = "/api/lapp/device/capture"


@pytest.fixture
def fake() -> Iterator[FakeEzviz]:
    img = np.full((120, 160, 3), 90, np.uint8)
    cv2.putText(img, "EZVIZ", (10, 70), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2)
    jpeg = cv2.imencode(".jpg", img)[1].tobytes()
    f = FakeEzviz("appkey-1", "app-secret-1", jpeg)
    server = serve(f, free_port())
    yield f
    server.shutdown()
    server.server_close()


def account(fake: FakeEzviz, secret: str = "app-secret-1", renew_before_s: float = 3600) -> EzvizAccount:
    acc = EzvizAccount(
        name="council",
        api_url=fake.base,
        app_key="appkey-1",
        app_secret_env="X",
        renew_before_s=renew_before_s,
        timeout_s=5,
    )
    from pydantic import SecretStr

    acc._app_secret = SecretStr(secret)
    return acc


def reader(client: EzvizClient, serial: str = "BD0000001") -> tuple[EzvizSnapshotReader, CameraHealth]:
    health = CameraHealth("ez", IngestMetrics())
    src = EzvizCloudSource(type="ezviz_cloud", account="council", device_serial=serial)
    return EzvizSnapshotReader("ez", src, client, health), health


def test_capture_fetches_token_once_and_decodes_picture(fake: FakeEzviz) -> None:
    client = EzvizClient(account(fake))
    r, health = reader(client)
    frames = [r.read(5) for _ in range(3)]
    assert all(f is not None and f.image.shape == (120, 160, 3) for f in frames)
    assert fake.codes(TOKEN) == ["200"] and fake.codes(CAPTURE) == ["200"] * 3
    assert health.state == HealthState.STREAMING
    sent = next(form for path, form, _ in fake.calls if path == CAPTURE)
    assert (
        sent["deviceSerial"] == "BD0000001"
        and sent["channelNo"] == "1"
        and sent["accessToken"].startswith("at.")
    )


def test_token_renewed_before_expiry(fake: FakeEzviz) -> None:
    fake.token_ttl_s = 2.0
    client = EzvizClient(account(fake, renew_before_s=1.0))
    client.capture("BD0000001", 1)
    first = client.access_token()
    time.sleep(1.2)  # now within renew_before_s of the expiry: renewed before use, no 10002 seen
    client.capture("BD0000001", 1)
    assert client.access_token() != first
    assert fake.codes(TOKEN) == ["200", "200"] and "10002" not in fake.codes(CAPTURE)


def test_expired_token_10002_renews_and_retries_once(fake: FakeEzviz) -> None:
    client = EzvizClient(account(fake))
    client.capture("BD0000001", 1)
    fake.revoke_all()  # the platform expired the token early
    assert client.capture("BD0000001", 1) == fake.jpeg
    assert fake.codes(CAPTURE) == ["200", "10002", "200"] and fake.codes(TOKEN) == ["200", "200"]
    # a platform that keeps refusing fresh tokens: one retry, then the error surfaces (no loop)
    fake.token_ttl_s = -1
    fake.revoke_all()
    with pytest.raises(EzvizError) as exc:
        client.capture("BD0000001", 1)
    assert exc.value.code == "10002"
    assert fake.codes(CAPTURE)[-2:] == ["10002", "10002"]


@pytest.mark.parametrize(
    ("serial", "code", "state"),
    [("OFFLINE01", "20007", HealthState.BACKOFF), ("SLOW01", "20008", HealthState.BACKOFF)],
)
def test_device_errors_back_off(fake: FakeEzviz, serial: str, code: str, state: HealthState) -> None:
    r, health = reader(EzvizClient(account(fake)), serial)
    r.close()  # the failure backoff sleep returns at once when closed
    assert r.read(5) is None
    assert health.state == state and code in (health.last_error or "")


def test_wrong_secret_10030_marks_camera_failed(fake: FakeEzviz) -> None:
    r, health = reader(EzvizClient(account(fake, secret="wrong")))
    r.close()
    assert r.read(5) is None
    assert health.state == HealthState.FAILED and "10030" in (health.last_error or "")
    assert "wrong" not in (health.last_error or "")


def test_rate_limit_is_classified(fake: FakeEzviz) -> None:
    client = EzvizClient(account(fake))
    fake.rate_limited = True
    with pytest.raises(EzvizError) as exc:
        client.capture("BD0000001", 1)
    assert exc.value.code == "10028" and exc.value.kind == "rate_limited" and not exc.value.permanent


def test_device_list_pages_and_cli(
    fake: FakeEzviz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    devices = EzvizClient(account(fake)).devices(page_size=3)
    assert [d.serial for d in devices] == [f"BD{i:07d}" for i in range(1, 8)]
    assert [d.online for d in devices][:3] == [True, True, False]
    cfg = {
        "agent": {"gateway_url": "http://127.0.0.1:1"},
        "ezviz_accounts": [
            {
                "name": "council",
                "api_url": fake.base,
                "app_key": "appkey-1",
                "app_secret_env": "VARTA_TEST_EZVIZ_SECRET",
            }
        ],
        "cameras": [
            {
                "id": "ez",
                "village": "v",
                "name": "n",
                "key_env": "VARTA_TEST_EZVIZ_SECRET",
                "source": {"type": "ezviz_cloud", "account": "council", "device_serial": "BD0000001"},
            }
        ],
    }
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg))
    monkeypatch.setenv("VARTA_TEST_EZVIZ_SECRET", "app-secret-1")
    assert cli.main(["ezviz-devices", "--config", str(path), "--account", "council"]) == 0
    out = capsys.readouterr().out
    assert "BD0000007" in out and "Camera 3" in out and "app-secret-1" not in out
    assert cli.main(["ezviz-devices", "--config", str(path), "--account", "nobody"]) == 2


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        (TOKEN, None),
        (TOKEN, ["not", "an", "object"]),
        (TOKEN, {"code": "200", "data": "oops"}),
        (CAPTURE, None),
        (CAPTURE, {"code": "200", "data": "oops"}),
        (CAPTURE, {"code": "200", "data": {"picUrl": 7}}),
    ],
)
def test_malformed_answer_is_an_error_in_health_and_retried(
    fake: FakeEzviz, path: str, answer: object
) -> None:
    fake.malformed[path] = answer
    client = EzvizClient(account(fake))
    with pytest.raises(EzvizError) as exc:
        client.capture("BD0000001", 1)
    assert exc.value.code == "49999" and not exc.value.permanent
    r, health = reader(client)
    r._backoff.initial = 0.01
    assert r.read(timeout=1) is None
    snap = health.snapshot()
    assert snap["state"] == HealthState.BACKOFF.value and "49999" in str(snap["last_error"])
    del fake.malformed[path]
    assert r.read(timeout=1) is not None and health.state == HealthState.STREAMING


def _ezviz_cli_config(tmp_path: Path, api_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    cfg = {
        "agent": {"gateway_url": "http://127.0.0.1:1"},
        "ezviz_accounts": [
            {"name": "council", "api_url": api_url, "app_key": "appkey-1", "app_secret_env": "VARTA_TEST_EZ"}
        ],
        "cameras": [
            {
                "id": "ez",
                "village": "v",
                "name": "n",
                "key_env": "VARTA_TEST_EZ",
                "source": {"type": "ezviz_cloud", "account": "council", "device_serial": "BD0000001"},
            }
        ],
    }
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg))
    monkeypatch.setenv("VARTA_TEST_EZ", "app-secret-1")
    return path


def test_device_list_cli_refused_connection_and_malformed_answer_are_one_line(
    fake: FakeEzviz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = _ezviz_cli_config(tmp_path, f"http://127.0.0.1:{free_port()}", monkeypatch)
    assert cli.main(["ezviz-devices", "--config", str(refused), "--account", "council"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot reach" in err and "не вдалося" in err
    fake.malformed["/api/lapp/device/list"] = {"code": "200", "data": "oops"}
    bad = _ezviz_cli_config(tmp_path, fake.base, monkeypatch)
    assert cli.main(["ezviz-devices", "--config", str(bad), "--account", "council"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "malformed" in err and "код 49999" in err
    assert cli.main(["ezviz-devices", "--config", str(bad), "--account", "nobody"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--account" in err and "немає" in err
