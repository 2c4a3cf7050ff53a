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
