"""Plate entries and searches as people type them: ``gateway.matching.patterns``."""

from __future__ import annotations

import pytest

from gateway.matching.patterns import PatternError, normalize_pattern
from shared.plate_grammar import same_plate_texts


@pytest.mark.parametrize(
    ("typed", "pattern", "wildcard"),
    [
        ("аа 12?? вв", "AA12??BB", True),
        ("AA-1234.BB", "AA1234BB", False),
        ("ед 48?? ка", "ED48??KA", True),  # an online series typed in Cyrillic
        ("07 840-22 РЕ", "0784022PE", False),
        ("аа**вв", "AA*BB", True),
    ],
)
def test_typed_plates_come_to_the_grammars_normal_form(typed: str, pattern: str, wildcard: bool) -> None:
    assert normalize_pattern(typed) == (pattern, wildcard)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("", "empty"), (" - ", "empty"), ("A" * 17, "longer than 16"), ("A??", "3 fixed"), ("7", "too short")],
)
def test_unusable_plates_are_refused_in_both_languages(typed: str, says: str) -> None:
    with pytest.raises(PatternError, match=says) as err:
        normalize_pattern(typed)
    assert err.value.detail_uk


@pytest.mark.parametrize(
    ("pattern", "same"),
    [
        ("0784022PE", ("84022PE",)),
        ("840??PE", ("??840??PE",)),
        ("07840??PE", ("840??PE",)),
        ("??84022PE", ("84022PE",)),
        ("AA12??BB", ()),
        ("AA1234BB", ()),
        ("*22PE", ()),  # a star already spans the number
        ("1234?O", ()),  # a military plate
        ("T1CP51??", ("CP51??",)),  # a transit plate with or without its small prefix
        ("??CP5140", ("CP5140",)),
        ("CP51??", ("??CP51??",)),
    ],
)
def test_a_plate_is_searched_with_and_without_its_small_prefix(pattern: str, same: tuple[str, ...]) -> None:
    assert same_plate_texts(pattern, wildcards=True) == same


def test_a_1995_plate_typed_without_its_number_is_searched_under_every_region_number() -> None:
    same = same_plate_texts("84022PE", wildcards=True)
    assert len(same) == 27 and same[0] == "0184022PE" and all(s.endswith("84022PE") for s in same)


def test_a_transit_plate_typed_without_its_prefix_is_searched_under_every_prefix() -> None:
    same = same_plate_texts("CP5140", wildcards=True)
    assert len(same) == 37 and same[0] == "01CP5140" and same[-1] == "T9CP5140"
