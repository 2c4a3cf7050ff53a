"""Service mechanics over real HTTP with a gated stand-in recognizer: readiness gating, exact
admission accounting, the 500 body. (Results on real models: test_api_plates.py / test_api_faces.py.)"""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pytest
from svc_helpers import LiveServer, assert_error, encode, synthetic_frame, wait_ready

from recognizers.service.config import RecognizerServiceSettings
from recognizers.service.main import create_app
from shared.schemas import FaceDetection

pytestmark = pytest.mark.network


class GatedFaces:
    """Blocks inside analyze() until the test opens the gate; counts who is inside."""

    pack_name = "gated"
    embedding_dim = 4

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.inside = 0
        self.lock = threading.Lock()
        self.fail = False

    def analyze(self, image: np.ndarray, embeddings: bool = True) -> list[FaceDetection]:
        with self.lock:
            self.inside += 1
        try:
            if not self.gate.wait(20):
                raise TimeoutError("gate never opened")
            if self.fail:
                raise RuntimeError("model exploded")
            return []
        finally:
            with self.lock:
                self.inside -= 1


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def metric(client: httpx.Client, line_start: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no metric {line_start}")


@pytest.fixture
def gated() -> tuple[GatedFaces, LiveServer, httpx.Client]:
    fake = GatedFaces()
    settings = RecognizerServiceSettings(max_concurrency=1, max_queue=1, retry_after_s=2, warmup_runs=1)
    server = LiveServer(create_app("faces", settings, recognizer=fake)).start()
    client = httpx.Client(base_url=server.url, timeout=30)
    yield fake, server, client
    fake.gate.set()
    client.close()
    server.stop()


def test_not_ready_until_warm_up_finishes(gated) -> None:
    fake, _, client = gated
    wait_until(lambda: fake.inside == 1)  # warm-up is running and held
    assert client.get("/healthz").status_code == 200
    body = assert_error(client.get("/readiness"), 503, "model_not_ready")
    assert "Модель" in body["detail_uk"]
    assert client.get("/readiness").headers["Retry-After"] == "2"
    early = client.post("/v1/recognize", content=encode(".jpg", synthetic_frame()))
    assert_error(early, 503, "model_not_ready")
    assert early.headers["Retry-After"] == "2"
    assert metric(client, 'varta_recognizer_ready{kind="faces"}') == 0
    fake.gate.set()
    wait_ready(client)
    assert client.get("/readiness").json()["model_pack"] == "gated"
    assert metric(client, 'varta_recognizer_ready{kind="faces"}') == 1


def test_saturation_answers_503_at_once_and_queue_is_bounded(gated) -> None:
    fake, _, client = gated
    fake.gate.set()
    wait_ready(client)
    fake.gate.clear()
    image = encode(".jpg", synthetic_frame())
    with ThreadPoolExecutor(2) as pool:
        running = pool.submit(client.post, "/v1/recognize", content=image)
        wait_until(lambda: fake.inside == 1)
        queued = pool.submit(client.post, "/v1/recognize", content=image)
        wait_until(lambda: metric(client, 'varta_recognizer_in_flight{kind="faces"}') == 2)
        started = time.monotonic()
        refused = client.post("/v1/recognize", content=image)
        assert time.monotonic() - started < 1.0  # refused at once, not queued
        assert_error(refused, 503, "overloaded")
        assert refused.headers["Retry-After"] == "2"
        assert fake.inside == 1  # the queued request waits for the single worker
        fake.gate.set()
        assert running.result().status_code == 200
        assert queued.result().status_code == 200
    assert metric(client, 'varta_recognizer_in_flight{kind="faces"}') == 0
    requests = 'varta_recognizer_requests_total{kind="faces",route="/v1/recognize",status="%s"}'
    assert metric(client, requests % 503) == 1
    assert metric(client, requests % 200) == 2


def test_a_failing_model_gives_a_500_error_body(gated) -> None:
    fake, _, client = gated
    fake.gate.set()
    wait_ready(client)
    fake.fail = True
    response = client.post("/v1/recognize", content=encode(".png", synthetic_frame()))
    assert_error(response, 500, "internal_error")
    fake.fail = False
    assert client.post("/v1/recognize", content=encode(".png", synthetic_frame())).status_code == 200


def test_unknown_route_and_method_are_error_bodies(gated) -> None:
    _, _, client = gated
    assert_error(client.get("/v2/nothing"), 404, "not_found")
    assert_error(client.get("/v1/recognize"), 405, "method_not_allowed")


def test_missing_model_refuses_to_start(tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    """The real face recognizer over an empty model cache: startup fails with the fix in the log."""
    settings = RecognizerServiceSettings.model_validate({"faces": {"models_dir": str(tmp_path)}})
    server = LiveServer(create_app("faces", settings))
    with pytest.raises(RuntimeError, match="failed to start"):
        server.start(timeout=30)
    server.stop()
    assert not server.server.started and server.exit_code == 3
    assert "varta models pull" in caplog.text and "cannot start" in caplog.text


def _stalled_upload(port: int) -> socket.socket:
    """A request that promises 100,000 bytes of body and sends three, then keeps its connection open."""
    sock = socket.create_connection(("127.0.0.1", port))
    head = (
        "POST /v1/recognize HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n"
    )
    sock.sendall(head.encode() + b"\xff\xd8\xff")
    return sock


def _answer(sock: socket.socket) -> str:
    """What the server sent back on ``sock``, headers and the whole JSON body."""
    sock.settimeout(10)
    data = b""
    while not data.rstrip().endswith(b"}"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def test_stalled_uploads_time_out_and_free_their_places() -> None:
    """Admitted requests hold the few places; one whose body never arrives is answered 408 once
    ``body_timeout_s`` passes, so a handful of stalled clients cannot lock the service out."""
    fake = GatedFaces()
    fake.gate.set()
    settings = RecognizerServiceSettings(
        max_concurrency=1, max_queue=1, retry_after_s=1, warmup_runs=1, body_timeout_s=1.0
    )
    server = LiveServer(create_app("faces", settings, recognizer=fake)).start()
    client = httpx.Client(base_url=server.url, timeout=30)
    stalled: list[socket.socket] = []
    try:
        wait_ready(client)
        stalled = [_stalled_upload(server.port) for _ in range(2)]
        wait_until(lambda: metric(client, 'varta_recognizer_in_flight{kind="faces"}') == 2)
        image = encode(".jpg", synthetic_frame())
        assert_error(client.post("/v1/recognize", content=image), 503, "overloaded")
        answers = [_answer(s) for s in stalled]  # after about a second
        assert all(a.startswith("HTTP/1.1 408") and "body_timeout" in a for a in answers), answers
        assert all("Тіло запиту" in a for a in answers)
        wait_until(lambda: metric(client, 'varta_recognizer_in_flight{kind="faces"}') == 0)
        assert client.post("/v1/recognize", content=image).status_code == 200
    finally:
        for s in stalled:
            s.close()
        client.close()
        server.stop()


def test_a_client_that_leaves_mid_upload_is_no_server_error(gated, caplog: pytest.LogCaptureFixture) -> None:
    fake, server, client = gated
    fake.gate.set()
    wait_ready(client)
    sock = _stalled_upload(server.port)
    wait_until(lambda: metric(client, 'varta_recognizer_in_flight{kind="faces"}') == 1)
    sock.close()
    wait_until(lambda: metric(client, 'varta_recognizer_in_flight{kind="faces"}') == 0)
    requests = 'varta_recognizer_requests_total{kind="faces",route="/v1/recognize",status="%s"}'
    wait_until(lambda: 'status="499"' in client.get("/metrics").text)
    assert metric(client, requests % 499) == 1
    assert 'status="500"' not in client.get("/metrics").text
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
