"""Service settings come from VARTA_RECOGNIZER__* and embed the recognizers' own settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from recognizers.service.config import RecognizerServiceSettings


def test_defaults() -> None:
    s = RecognizerServiceSettings()
    assert (s.host, s.max_concurrency, s.max_queue, s.max_bytes) == ("127.0.0.1", 2, 4, 20 * 1024 * 1024)
    assert s.port_for("plates") == 8001 and s.port_for("faces") == 8002
    assert s.limits.max_pixels == s.max_pixels


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARTA_RECOGNIZER__PORT", "9100")
    monkeypatch.setenv("VARTA_RECOGNIZER__MAX_CONCURRENCY", "3")
    monkeypatch.setenv("VARTA_RECOGNIZER__MAX_QUEUE", "0")
    monkeypatch.setenv("VARTA_RECOGNIZER__MAX_BYTES", "1000")
    monkeypatch.setenv("VARTA_RECOGNIZER__PLATES__DET_LONG_SIDE", "800")
    monkeypatch.setenv("VARTA_FACES__DET_MAX_SIDE", "960")
    s = RecognizerServiceSettings()
    assert s.port_for("faces") == 9100 and s.max_concurrency == 3 and s.max_queue == 0
    assert s.limits.max_bytes == 1000
    assert s.plates.det_long_side == 800
    assert s.faces.det_max_side == 960


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARTA_RECOGNIZER__MAX_CONCURRENCY", "0")
    with pytest.raises(ValidationError):
        RecognizerServiceSettings()
    with pytest.raises(ValidationError):
        RecognizerServiceSettings(unknown_knob=1)  # type: ignore[call-arg]
