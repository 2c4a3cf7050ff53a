"""Pydantic's English-only errors, worded in English and Ukrainian."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Annotated, Any, Literal

import pytest
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shared.validation_uk import describe, describe_all, field_name


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fps: float = Field(default=2.0, gt=0, le=30)
    quality: int = Field(default=80, ge=30)
    name: str = Field(default="x", min_length=1, max_length=5)
    kind: Literal["plates", "persons"] = "plates"
    at: datetime | None = None
    aware: AwareDatetime | None = None
    tags: list[str] = Field(default_factory=list, max_length=2)
    flag: bool = False


def errors(**values: Any) -> list[Any]:
    with pytest.raises(ValidationError) as exc:
        Form(**values)
    return exc.value.errors()


@pytest.mark.parametrize(
    ("values", "en", "uk"),
    [
        ({"fps": 0}, "must be > 0", "має бути більше за 0"),
        ({"fps": 31}, "must be <= 30", "має бути не більше 30"),
        ({"quality": 5}, "must be >= 30", "має бути не менше 30"),
        ({"quality": "many"}, "must be a whole number", "має бути цілим числом"),
        ({"fps": "fast"}, "must be a number", "має бути числом"),
        ({"name": ""}, "must have at least 1 characters", "має мати не менше 1 символів"),
        ({"name": "abcdef"}, "must have at most 5 characters", "має мати не більше 5 символів"),
        ({"kind": "cars"}, "must be one of 'plates' or 'persons'", "має бути одним із: 'plates' або"),
        ({"at": "yesterday"}, "must be a date and time", "має бути датою й часом"),
        ({"aware": "2026-11-26T08:00:00"}, "needs a time zone", "потрібен часовий пояс"),
        ({"tags": ["a", "b", "c"]}, "must have at most 2 items", "має містити щонайбільше 2 елементів"),
        ({"flag": "maybe"}, "must be true or false", "має бути true або false"),
        ({"colour": "red"}, "unknown field (not allowed here)", "невідоме поле (тут не дозволене)"),
    ],
)
def test_each_error_is_worded_in_both_languages(values: dict[str, Any], en: str, uk: str) -> None:
    got_en, got_uk = describe(errors(**values)[0])
    assert got_en.startswith(en) and got_uk.startswith(uk)
    assert "Input should" not in got_uk and "Field required" not in got_uk


def test_an_error_without_a_ukrainian_wording_keeps_the_english_beside_a_ukrainian_sentence() -> None:
    en, uk = describe({"type": "something_new", "msg": "Value error, odd input"})
    assert en == "odd input" and uk == "недійсне значення (odd input)"


def test_field_names_drop_the_request_part_and_show_list_indexes() -> None:
    assert field_name(("body", "cameras", 0, "fps")) == "cameras[0].fps"
    assert field_name(("query", "limit")) == "limit"
    assert field_name(()) == ""


def test_the_first_error_names_its_field() -> None:
    field, en, uk = describe_all(errors(quality=1, fps=0))
    assert field == "fps" and en == "fps: must be > 0" and uk == "fps: має бути більше за 0"
    assert describe_all([]) == ("", "request: invalid", "запит: недійсний")


@pytest.mark.parametrize(
    ("annotation", "value", "en", "uk"),
    [
        (time, "25:00", "must be a time of day", "має бути часом доби, ГГ:ХХ"),
        (time, "08:00:60", "must be a time of day", "має бути часом доби"),
        (time, "08:00+25:00", "must be a time of day", "має бути часом доби"),
        (time, [8], "must be a time of day", "має бути часом доби"),
        (Annotated[str, Field(max_length=9)], "\ud800", "must be valid Unicode text", "текстом Юнікоду"),
        (int, "9" * 5000, "is too long a number", "задовге число"),
        (Annotated[float, Field(allow_inf_nan=False)], float("inf"), "must be a finite number", "скінченним"),
    ],
)
def test_times_text_and_numbers_are_worded_without_english_in_ukrainian(
    annotation: Any, value: Any, en: str, uk: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        TypeAdapter(annotation).validate_python(value)
    got_en, got_uk = describe(exc.value.errors()[0])
    assert got_en.startswith(en) and uk in got_uk, (got_en, got_uk)
    assert not re.search(r"(?<![\w'])[A-Za-z]{2,}(?![\w'])", got_uk), got_uk
