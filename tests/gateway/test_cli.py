"""``varta serve`` and ``varta admin`` refuse bad arguments and settings in one bilingual line, rc 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.cli import admin_main
from varta.cli import main as varta

_SCRIPT = Path(sys.executable).parent / "varta"
VARTA = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "varta.cli"]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A real process (``serve`` must never get as far as listening here); a dev environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VARTA_")}
    return subprocess.run(
        [*VARTA, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, "VARTA_ENVIRONMENT": "dev", **env},
    )


def refusal(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    return stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--port", "70000"],
        ["serve", "--port", "0"],
        ["recognizer", "serve", "plates", "--port", "70000"],
        ["recognizer", "serve", "faces", "--port", "-1"],
    ],
)
def test_a_port_out_of_range_is_an_argument_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        varta(argv)
    assert exc.value.code == 2
    line = refusal(capsys.readouterr().err)
    assert "argument --port: must be from 1 to 65535" in line and "має бути від 1 до 65535" in line


def test_serve_with_a_file_as_data_dir(tmp_path: Path) -> None:
    a_file = tmp_path / "data"
    a_file.write_text("not a folder")
    result = run("serve", "--data-dir", str(a_file), "--port", "1", "--log-level", "warning")
    assert result.returncode == 2
    line = refusal(result.stderr)
    assert line.startswith("varta serve: error: the data directory")
    assert "is not a folder" in line and "не є текою" in line


def test_serve_refuses_a_bad_port_setting(tmp_path: Path) -> None:
    result = run("serve", "--data-dir", str(tmp_path), "--log-level", "warning", VARTA_PORT="70000")
    assert result.returncode == 2
    line = refusal(result.stderr)
    assert "setting VARTA_PORT must be <= 65535, got '70000'" in line
    assert "налаштування VARTA_PORT має бути не більше 65535" in line


def test_serve_refuses_a_bad_inprocess_recognizer_setting(tmp_path: Path) -> None:
    result = run(
        "serve", "--data-dir", str(tmp_path), "--port", "1", "--log-level", "warning",
        VARTA_PLATES__DET_LONG_SIDE="wide",
    )  # fmt: skip
    assert result.returncode == 2
    line = refusal(result.stderr)
    assert "setting VARTA_PLATES__DET_LONG_SIDE must be a whole number, got 'wide'" in line
    assert "має бути цілим числом" in line


@pytest.mark.parametrize("below", ["", "sub/deeper"])
def test_admin_with_a_file_as_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], below: str
) -> None:
    monkeypatch.setenv("VARTA_ENVIRONMENT", "dev")
    a_file = tmp_path / "data"
    a_file.write_text("not a folder")
    data_dir = a_file / below if below else a_file
    assert admin_main(["--data-dir", str(data_dir), "migrate"]) == 2
    line = refusal(capsys.readouterr().err)
    assert line.startswith(f"varta admin: error: the data directory {data_dir} is not a folder")
    assert f"каталог даних {data_dir} не є текою" in line
    assert (f"in {a_file}, which is a file" in line) == bool(below)


def test_admin_names_each_bad_setting_by_its_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VARTA_ENVIRONMENT", "dev")
    monkeypatch.setenv("VARTA_PORT", "abc")
    monkeypatch.setenv("VARTA_LIMITS__MAX_REPORT_VIDEO_S", "-1")
    assert admin_main(["--data-dir", str(tmp_path), "migrate"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []
    assert err.splitlines() == [
        "varta admin: error: setting VARTA_PORT must be a whole number, got 'abc' / "
        "помилка: налаштування VARTA_PORT має бути цілим числом, отримано 'abc'",
        "varta admin: error: setting VARTA_LIMITS__MAX_REPORT_VIDEO_S must be > 0, got '-1' / "
        "помилка: налаштування VARTA_LIMITS__MAX_REPORT_VIDEO_S має бути більше за 0, отримано '-1'",
    ]


@pytest.mark.parametrize(
    ("argv", "en", "uk"),
    [
        (["create-key", "--role", "police"], "a police key needs an organisation", "потребує організації"),
        (["create-key", "--role", "camera", "--camera", "ghost"], "camera 'ghost' not found", "не знайдено"),
        (["audit-verify", "--anchor", "7:abc"], "an anchor is ID:HASH", "якір має вигляд ID:HASH"),
    ],
)
def test_admin_refuses_a_bad_key_or_anchor_in_one_bilingual_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    en: str,
    uk: str,
) -> None:
    monkeypatch.setenv("VARTA_ENVIRONMENT", "dev")
    assert admin_main(["--data-dir", str(tmp_path), *argv]) == 2
    line = refusal(capsys.readouterr().err)
    assert line.startswith(f"varta admin {argv[0]}: error: ") and en in line, line
    assert " / помилка: " in line and uk in line


def test_recognize_refuses_a_bad_recognizer_setting() -> None:
    result = run("recognize", "plates", "x.jpg", VARTA_RECOGNIZER__PLATES__DET_LONG_SIDE="x")
    assert result.returncode == 2 and result.stdout == ""
    line = refusal(result.stderr)
    assert line.startswith("varta recognize: error: setting VARTA_RECOGNIZER__PLATES__DET_LONG_SIDE")
    assert "має бути цілим числом" in line
