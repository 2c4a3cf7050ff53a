"""Argument types and settings refusals shared by the ``varta`` commands."""

from __future__ import annotations

import argparse

import pytest
from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.cli_args import error_line, int_in, settings_error_lines
from shared.validation_uk import invalid


class _Knobs(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VARTA_TEST_KNOBS__", env_nested_delimiter="__")

    class Inner(BaseModel):
        depth: int = Field(default=1, ge=1)

    size: int = Field(default=1, le=10)
    inner: Inner = Field(default_factory=Inner)
    low: int = 0
    high: int = 1

    @model_validator(mode="after")
    def _ordered(self) -> _Knobs:
        if self.low > self.high:
            raise invalid("low must not exceed high", "low не може перевищувати high")
        return self


def test_int_in_bounds_and_wording() -> None:
    parse = int_in(1, 65535)
    assert parse("1") == 1 and parse("65535") == 65535
    for text, en, uk in [
        ("0", "must be from 1 to 65535, got 0", "має бути від 1 до 65535, отримано 0"),
        ("x", "must be a whole number, got 'x'", "має бути цілим числом"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError) as exc:
            parse(text)
        assert en in str(exc.value) and uk in str(exc.value)


def test_settings_errors_name_the_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARTA_TEST_KNOBS__SIZE", "11")
    monkeypatch.setenv("VARTA_TEST_KNOBS__INNER__DEPTH", "0")
    with pytest.raises(ValidationError) as exc:
        _Knobs()
    assert settings_error_lines("varta x", exc.value) == [
        error_line(
            "varta x",
            "setting VARTA_TEST_KNOBS__SIZE must be <= 10, got '11'",
            "налаштування VARTA_TEST_KNOBS__SIZE має бути не більше 10, отримано '11'",
        ),
        error_line(
            "varta x",
            "setting VARTA_TEST_KNOBS__INNER__DEPTH must be >= 1, got '0'",
            "налаштування VARTA_TEST_KNOBS__INNER__DEPTH має бути не менше 1, отримано '0'",
        ),
    ]


def test_a_check_across_settings_is_worded_by_its_validator() -> None:
    with pytest.raises(ValidationError) as exc:
        _Knobs(low=5, high=1)
    assert settings_error_lines("varta x", exc.value) == [
        "varta x: error: settings: low must not exceed high "
        "/ помилка: налаштування: low не може перевищувати high"
    ]
