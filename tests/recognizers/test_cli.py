"""`varta recognize` and `varta recognizer serve` as a person or a script runs them: real processes."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("VARTA_SHARED_DATA") or REPO.parent / "shared" / "data")
_SCRIPT = Path(sys.executable).parent / "varta"  # the installed console script, as people run it
VARTA = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "varta.cli"]


def shared_file(relative: str) -> Path:
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"shared test data absent: {path} (set VARTA_SHARED_DATA)")
    return path


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VARTA, *args], capture_output=True, text=True, timeout=180, env={**os.environ, **(env or {})}
    )


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_recognize_plates_jsonl_with_a_bad_file(tmp_path: Path) -> None:
    eu1, eu8 = (
        shared_file("plates_eu_openalpr/images/eu1.jpg"),
        shared_file("plates_eu_openalpr/images/eu8.jpg"),
    )
    truncated = tmp_path / "cut.jpg"
    truncated.write_bytes(eu1.read_bytes()[:20000])
    result = run("recognize", "plates", str(eu1), str(truncated), str(tmp_path / "absent.jpg"), str(eu8))
    assert result.returncode == 1, result.stderr  # some files failed
    records = lines(result.stdout)
    assert [r["file"] for r in records] == [str(eu1), str(truncated), str(tmp_path / "absent.jpg"), str(eu8)]
    assert "M5XSX" in {p["text"] for p in records[0]["plates"]}
    assert records[1]["error"]["code"] == "corrupt_image" and records[1]["error"]["detail"]
    assert records[2]["error"]["code"] == "file_not_found"
    assert "WSQ3021" in {p["text"] for p in records[3]["plates"]}
    assert "plates" not in records[1] and "error" not in records[0]


def test_recognize_plates_all_good_exits_zero_and_roi(tmp_path: Path) -> None:
    eu1 = shared_file("plates_eu_openalpr/images/eu1.jpg")
    result = run("recognize", "plates", "--roi", "0,0,250,200", str(eu1))
    assert result.returncode == 0, result.stderr
    assert "M5XSX" not in {p["text"] for p in lines(result.stdout)[0]["plates"]}
    assert run("recognize", "plates", "--roi", "1,2", str(eu1)).returncode == 2


def test_recognize_roi_outside_the_image_is_the_service_code(tmp_path: Path) -> None:
    eu1, eu8 = (
        shared_file("plates_eu_openalpr/images/eu1.jpg"),
        shared_file("plates_eu_openalpr/images/eu8.jpg"),
    )
    result = run("recognize", "plates", "--roi", "5000,5000,10,10", str(eu1), str(eu8))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    first, second = lines(result.stdout)
    assert first["error"] == {
        "code": "roi_outside_image",
        "detail": "The region of interest lies outside the 1000x750 image.",
        "detail_uk": "Область інтересу лежить поза зображенням 1000x750.",
    }
    assert second["file"] == str(eu8) and second["error"]["code"] == "roi_outside_image"


def _limit_address_space() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4_000_000 * 1024, 4_000_000 * 1024))  # as `ulimit -v 4000000`


def test_recognize_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    """A 3 GB (sparse) file is refused by its size: not read into memory, and the batch goes on."""
    eu1 = shared_file("plates_eu_openalpr/images/eu1.jpg")
    big = tmp_path / "big.jpg"
    with big.open("wb") as f:
        f.truncate(3 * 1024**3)
    started = time.monotonic()
    result = subprocess.run(
        [*VARTA, "recognize", "plates", str(big), str(eu1)],
        capture_output=True, text=True, timeout=180, preexec_fn=_limit_address_space,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    first, second = lines(result.stdout)
    assert first["error"]["code"] == "image_too_large_bytes"
    assert str(3 * 1024**3) in first["error"]["detail"] and "20971520" in first["error"]["detail_uk"]
    assert "M5XSX" in {p["text"] for p in second["plates"]}
    assert time.monotonic() - started < 120


class _CountingEngine:
    """Stands in for a loaded engine: what ``_recognize_file`` hands it, and nothing else."""

    kind = "plates"

    def __init__(self, max_bytes: int) -> None:
        from recognizers.common.limits import ImageLimits

        self.limits = ImageLimits(max_bytes=max_bytes)
        self.seen: list[int] = []

    def process(self, data: bytes, params: object, submitted: float) -> None:
        self.seen.append(len(data))
        raise AssertionError("an over-limit file reached the engine")


def test_an_over_limit_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from recognizers.cli import _recognize_file

    engine = _CountingEngine(max_bytes=1000)
    over = tmp_path / "over.jpg"
    over.write_bytes(b"\xff" * 1001)
    record = _recognize_file(engine, over, None, False)
    assert record["error"]["code"] == "image_too_large_bytes" and engine.seen == []
    assert "1001" in record["error"]["detail"] and "1000" in record["error"]["detail_uk"]


def test_the_size_check_holds_for_files_without_a_size(tmp_path: Path) -> None:
    """A pipe reports no size: at most limit + 1 bytes are read, then it is refused."""
    import threading

    from recognizers.cli import _recognize_file

    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)

    def write() -> None:
        with contextlib.suppress(BrokenPipeError), fifo.open("wb") as f:
            f.write(b"\xff" * 5000)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    engine = _CountingEngine(max_bytes=1000)
    record = _recognize_file(engine, fifo, None, False)
    writer.join(timeout=10)
    assert record["error"]["code"] == "image_too_large_bytes" and engine.seen == []
    assert "limit of 1000 bytes" in record["error"]["detail"]


def test_recognize_faces_with_and_without_embeddings() -> None:
    one = shared_file("faces_face_recognition_examples/test/alex_lacamoire1.jpg")
    plain = run("recognize", "faces", str(one))
    assert plain.returncode == 0, plain.stderr
    (record,) = lines(plain.stdout)
    assert record["file"] == str(one) and len(record["faces"]) == 1
    assert "embedding" not in record["faces"][0]
    with_vectors = run("recognize", "faces", "--embeddings", str(one))
    (record,) = lines(with_vectors.stdout)
    assert len(record["faces"][0]["embedding"]) == 128 == record["embedding_dim"]


def test_recognize_without_models_says_how_to_fix(tmp_path: Path) -> None:
    result = run("recognize", "faces", "x.jpg", env={"VARTA_MODELS_DIR": str(tmp_path)})
    assert result.returncode == 3
    assert "varta models pull" in result.stderr and result.stdout == ""


def test_recognizer_serve_refuses_a_bad_setting_in_one_bilingual_line() -> None:
    result = run("recognizer", "serve", "plates", env={"VARTA_RECOGNIZER__PORT": "70000"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip() == (
        "varta recognizer: error: setting VARTA_RECOGNIZER__PORT must be <= 65535, got '70000' "
        "/ помилка: налаштування VARTA_RECOGNIZER__PORT має бути не більше 65535, отримано '70000'"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.network
def test_serve_faces_as_its_own_process() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [*VARTA, "recognizer", "serve", "faces", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, status = time.monotonic() + 90, None
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            while time.monotonic() < deadline and status != 200:
                try:
                    status = client.get("/readiness").status_code
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                time.sleep(0.05)
            assert status == 200
            data = shared_file("faces_face_recognition_examples/test/obama1.jpg").read_bytes()
            response = client.post("/v1/recognize", content=data, headers={"content-type": "image/jpeg"})
            assert response.status_code == 200 and len(response.json()["faces"]) == 1
            assert client.post("/v1/recognize", content=b"").json()["error"] == "empty_image"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.network
def test_serve_refuses_to_start_without_models(tmp_path: Path) -> None:
    result = run(
        "recognizer", "serve", "plates", "--port", str(free_port()), env={"VARTA_MODELS_DIR": str(tmp_path)}
    )
    assert result.returncode == 3
    assert "cannot start" in result.stderr and "varta models pull" in result.stderr
    assert "не запускається" in result.stderr and "Як виправити" in result.stderr  # and in Ukrainian


@pytest.mark.slow  # the memory figure runs the real recognizers in a child process
def test_bench_aggregation_last_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The aggregator alone (the parts' own figures are tested with the parts): merge, required keys
    as null when a part did not measure them, peers merged, memory and machine, JSON as the last line."""
    from recognizers.bench import cli as bench_cli

    monkeypatch.setattr(
        bench_cli,
        "_plates",
        lambda shared, n: {
            "plates": {"eu_exact_read": 0.96, "n_rendered": n},
            "peers": {"tesseract": {"x": 1}},
        },
    )

    def faces_without_data(shared: Path) -> dict:
        raise FileNotFoundError(f"pairs not found under {shared}")

    monkeypatch.setattr(bench_cli, "_faces", faces_without_data)
    code = bench_cli.main(["--shared-data", "/nonexistent-varta-data", "--n-rendered", "7"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0  # no data is a skip, not a failure
    assert "shared data not found at /nonexistent-varta-data" in out[0]
    result = json.loads(out[-1])
    assert result["plates"]["eu_exact_read"] == 0.96 and result["plates"]["n_rendered"] == 7
    assert result["plates"]["ms_per_frame_1080p"] is None
    assert (
        result["faces"]["lfw5_tar_at_far_0.001"] is None and result["faces"]["ms_per_face_embedding"] is None
    )
    assert result["peers"] == {"tesseract": {"x": 1}}
    assert result["machine"]["cores"] >= 1 and result["machine"]["python"]
    assert set(result["machine"]["cpu_identity"]) == {"vendor", "family", "model", "mhz", "simd"}
    # the headline memory figure is a fresh process running both real recognizers, not this one
    rss = result["peak_rss_mb_detail"]
    assert result["peak_rss_mb"] == rss["recognizers_process"]
    assert 100 < rss["recognizers_process"] < 4000 and rss["bench_process"] > 10
    assert result["shared_data"] is None and "errors" not in result
    assert "not measured: faces.lfw5_verification_accuracy" in out
