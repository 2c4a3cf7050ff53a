"""Format identification, validation, display and plausibility."""

from __future__ import annotations

import pytest

from shared.plate_grammar import (
    REGIONS,
    REGIONS_1995,
    ParsedPlate,
    PlateFormat,
    can_start,
    format_display,
    is_plausible,
    normalize,
    parse,
    same_plate_star_patterns,
    same_plate_texts,
)

F = PlateFormat


@pytest.mark.parametrize(
    ("text", "fmt", "region_en"),
    [
        # current 2004/2015
        ("AA 1234 BB", F.CURRENT, "Kyiv City"),
        ("KA 0001 OO", F.CURRENT, "Kyiv City"),
        ("TT 9999 XX", F.CURRENT, "Kyiv City"),
        ("BC 5678 HP", F.CURRENT, "Lviv Oblast"),
        ("II 0123 AA", F.CURRENT, "Nationwide series"),
        ("ВН 7777 ЕК", F.CURRENT, "Odesa Oblast"),
        ("ах 0000 ах", F.CURRENT, "Kharkiv Oblast"),
        # electric vehicles: a Latin Y (since 2022) or Z (2020-2022) series, taxis TV/TW/TY/TZ
        ("AA 1234 YA", F.ELECTRIC, "Kyiv City"),
        ("ВС 0042 YX", F.ELECTRIC, "Lviv Oblast"),
        ("КА 7777 УВ", F.ELECTRIC, "Kyiv City"),  # the Y typed as Cyrillic У
        ("AX 1000 ZE", F.ELECTRIC, "Kharkiv Oblast"),
        ("AA 5555 TZ", F.ELECTRIC, "Kyiv City"),
        ("AA 5555 TV", F.ELECTRIC, "Kyiv City"),
        ("АА 5555 ТУ", F.ELECTRIC, "Kyiv City"),  # a taxi's TY typed in Cyrillic
        ("АА 5555 ТВ", F.CURRENT, "Kyiv City"),  # Cyrillic В is the plate letter B, not the V of TV
        ("AA 5555 TA", F.CURRENT, "Kyiv City"),  # a T series of plate letters is an ordinary one
        # 1995-2004
        ("123-45 KA", F.LEGACY_1995, None),
        ("000-01 AA", F.LEGACY_1995, None),
        ("11 123-45 KA", F.LEGACY_1995, "Kyiv City"),
        ("14 987-65 ВС", F.LEGACY_1995, "Lviv Oblast"),
        ("01 555-55 KP", F.LEGACY_1995, "Autonomous Republic of Crimea"),
        # transit: small region number, two letters, four digits
        ("11 KA 1234", F.TRANSIT, "Kyiv City"),
        ("27 ОН 0001", F.TRANSIT, "Sevastopol City"),
        ("02 AB 4567", F.TRANSIT, "Vinnytsia Oblast"),
        # transit of a kind of temporary registration: a letter and a digit instead of the region number
        ("т1 CP 5140", F.TRANSIT, None),
        ("T3 АА 0001", F.TRANSIT, None),
        # diplomatic
        ("CDP 001", F.DIPLOMATIC, None),
        ("DP 002 123", F.DIPLOMATIC, None),
        ("CC 301 007", F.DIPLOMATIC, None),
        ("S 004 456", F.DIPLOMATIC, None),
        ("D 210 001", F.DIPLOMATIC, None),
        # military (Armed Forces, black plates)
        ("1234 A5", F.MILITARY, None),
        ("0001 Б2", F.MILITARY, None),
        ("9876 Д0", F.MILITARY, None),
        # personalised (individual) plates
        ("TAXI", F.PERSONALISED, None),
        ("BOSS", F.UNKNOWN, None),  # S is no plate letter
        ("МАМА", F.PERSONALISED, None),
        ("ЖУК777", F.PERSONALISED, None),
        ("KOT 1", F.PERSONALISED, None),
        ("ПАПА 01", F.PERSONALISED, None),
    ],
)
def test_valid_formats(text: str, fmt: PlateFormat, region_en: str | None) -> None:
    p = parse(text)
    assert p.format is fmt, p
    assert p.valid is (fmt is not F.UNKNOWN)
    assert (p.region.name_en if p.region else None) == region_en
    assert p.lines == 1


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("HP 1234 BB", F.CURRENT),  # no such region prefix (excluded in 2013)
        ("IC 1234 BB", F.CURRENT),
        ("AD 1234 BB", F.CURRENT),  # D only in the online series' prefixes (DI, PD, ED, DC)
        ("DD 1234 BB", F.CURRENT),
        ("AA 1234 BD", F.UNKNOWN),  # ... never in the series
        ("AA 12345 BB", F.UNKNOWN),  # five digits
        ("AA 123 BB", F.UNKNOWN),  # three digits
        ("AA 1234 B", F.UNKNOWN),  # series cut
        ("A 1234 BB", F.UNKNOWN),
        ("AA 1234 BBB", F.UNKNOWN),
        ("AA 1234 ZZ", F.UNKNOWN),
        ("AA 12З4 BB", F.UNKNOWN),  # Cyrillic Ze among the digits
        ("AA1234", F.UNKNOWN),  # top line only
        ("1234BB", F.UNKNOWN),
        ("99 123-45 KA", F.LEGACY_1995),  # no region 99
        ("28 123-45 KA", F.LEGACY_1995),
        ("123-45 KZ", F.UNKNOWN),
        ("00 KA 1234", F.TRANSIT),  # no region 00
        ("31 KA 1234", F.TRANSIT),
        ("TT KA 1234", F.UNKNOWN),  # a transit plate's lettered prefix is T and a digit
        ("CDP 000", F.DIPLOMATIC),  # mission 000 does not exist
        ("DP 000 123", F.DIPLOMATIC),
        ("CDP 0011", F.UNKNOWN),
        ("XDP 001", F.UNKNOWN),
        ("1234 55", F.UNKNOWN),
        ("1234 Z5", F.UNKNOWN),  # the military letter is a plate letter or Cyrillic
        ("1234 AB", F.UNKNOWN),
        ("A1", F.UNKNOWN),  # too short for anything
        ("AA1234YY", F.UNKNOWN),  # an electric series is Y or Z then a plate letter
        ("AA1234VA", F.UNKNOWN),  # V only follows the T of an electric taxi
        ("AA1234TQ", F.UNKNOWN),
        ("ZZ1234YA", F.UNKNOWN),  # no region ZZ, and Z is no plate letter
        ("AAAAAAAAA", F.UNKNOWN),  # too long for a personalised plate
        ("123456", F.UNKNOWN),  # digits only
        ("", F.UNKNOWN),
    ],
)
def test_invalid_near_misses(text: str, fmt: PlateFormat) -> None:
    p = parse(text)
    assert p.format is fmt, p
    assert not p.valid
    assert p.region is None


@pytest.mark.parametrize(
    "text",
    [
        "B AB 1234",  # looks like a personalised plate? B, A are plate letters: see below
        "M-AB 1234",
        "AB-123-CD",
        "WX 12 ABC",
        "SK 123 AB",
        "1-ABC-123",
        "ZG 1234-AB",
        "Привіт світ",
        "STOP",
        "Z9",
    ],
)
def test_foreign_or_unknown_text_is_kept_normalised(text: str) -> None:
    p = parse(text)
    if p.format is not F.UNKNOWN:
        # only text written entirely in the plate alphabet can be personalised
        assert p.format is F.PERSONALISED
        assert all(c.isdigit() or c in "ABCEHIKMOPTX" for c in p.text)
    else:
        assert not p.valid
    assert p.text == normalize(text)
    assert len(p.text) == sum(ch.isalnum() for ch in text)
    assert p.text  # never dropped


def test_unknown_result_shape() -> None:
    assert parse("W-12345") == ParsedPlate(text="W12345", format=F.UNKNOWN, region=None, valid=False)


@pytest.mark.parametrize("code", sorted(REGIONS))
def test_every_prefix_in_two_line_layout(code: str) -> None:
    p = parse(f"{code}0042KX", lines=2)
    assert p.valid and p.format is F.CURRENT and p.lines == 2 and p.region == REGIONS[code]


def test_lines_default_and_hint() -> None:
    assert parse("AA1234BB").lines == 1
    assert parse("1234A5", lines=2).lines == 2
    assert parse("W-12345", lines=2) == ParsedPlate("W12345", F.UNKNOWN, None, False, 2)


def test_enum_values() -> None:
    assert F.UNKNOWN.value == "unknown"
    assert F("current") is F.CURRENT
    assert {f.value for f in F} == {
        "current",
        "electric",
        "legacy_1995",
        "transit",
        "diplomatic",
        "military",
        "personalised",
        "unknown",
    }


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("aa1234bb", "AA 1234 BB"),
        ("КА 0001 ОО", "KA 0001 OO"),
        ("12345KA", "123-45 KA"),
        ("1112345KA", "11 123-45 KA"),
        ("11KA1234", "11 KA 1234"),
        ("т1 ср 5140", "T1 CP 5140"),
        ("CDP001", "CDP 001"),
        ("DP002123", "DP 002 123"),
        ("S004456", "S 004 456"),
        ("1234A5", "1234 A5"),
        ("TAXI", "TAXI"),
        ("W-12345", "W12345"),
        ("HP1234BB", "HP 1234 BB"),
        ("AA1234YA", "AA 1234 YA"),
    ],
)
def test_format_display(text: str, display: str) -> None:
    assert format_display(parse(text)) == display
    assert format_display(text) == display


@pytest.mark.parametrize(
    "text",
    [
        "AA 1234 BB",
        "AA1234",
        "BB",
        "1234",
        "KA",
        "123-45 KA",
        "TAXI",
        "B AB 1234",
        "W 12345",
        "CDP 001",
        "ВН",
    ],
)
def test_plausible(text: str) -> None:
    assert is_plausible(text)


@pytest.mark.parametrize(
    "text",
    ["", "A", "7", "UA", "STOP", "GOOD LUCK", "AA 1234 BB 5678 CC", "Ω", "-", "www.example.com", "SUZUKI"],
)
def test_not_plausible(text: str) -> None:
    assert not is_plausible(text)


@pytest.mark.parametrize("code", sorted(REGIONS))
def test_every_region_prefix_can_start_a_plate(code: str) -> None:
    assert can_start(code) and can_start(code[0])


@pytest.mark.parametrize(
    "head",
    [
        "",
        "1", "12", "123", "1234", "1234A", "1234Б",  # 1995, military (any Cyrillic letter)
        "12A", "01AA",  # transit: 12 AA 1234
        "T1", "T1CP",  # transit: T1 CP 5140
        "CDP", "DP", "CC", "S1", "D1",  # diplomatic
        "аа", "ВН", "BH12",  # Cyrillic look-alikes; a longer head
        "TA",  # a newer Kyiv prefix
    ],
)  # fmt: skip
def test_heads_that_can_start_a_structured_plate(head: str) -> None:
    assert can_start(head)


@pytest.mark.parametrize(
    "head",
    [
        "RK", "LM", "WA", "SI", "ZZ", "EU",  # foreign letter pairs (Slovak, Polish districts)
        "TZ",  # an electric taxi's series is a suffix, no prefix
        "A1",  # one letter then a digit: no format
        "1E",  # a digit then a letter: only the military plate's fifth character is a letter
        "R", "Z", "Y",  # no format starts with these letters
        "BH1A",  # a current plate continues with four digits
    ],
)  # fmt: skip
def test_heads_that_start_no_structured_plate(head: str) -> None:
    assert not can_start(head)


def test_a_1995_plate_is_the_same_plate_with_or_without_its_region_number() -> None:
    assert same_plate_texts("0784022PE") == ("84022PE",)
    assert same_plate_texts("9984022PE") == ("84022PE",)  # a misread number still leaves the plate
    without = same_plate_texts("84022PE")
    assert without == tuple(f"{code}84022PE" for code in sorted(REGIONS_1995)) and len(without) == 27
    assert all(parse(t).format is F.LEGACY_1995 for t in without)
    for other in ("AA1234BB", "1234AO", "DP001123", "84022P", "AB345", "AB34567", "X1AB3456", ""):
        assert same_plate_texts(other) == ()


def test_a_transit_plate_is_the_same_plate_with_or_without_its_small_prefix() -> None:
    assert same_plate_texts("12AB3456") == same_plate_texts("T1AB3456") == ("AB3456",)
    without = same_plate_texts("AB3456")
    numbers = tuple(f"{code}AB3456" for code in sorted(REGIONS_1995))
    assert without == numbers + tuple(f"T{d}AB3456" for d in range(10))
    assert all(parse(t).format is F.TRANSIT and parse(t).valid for t in without)
    assert same_plate_texts("AB34??", wildcards=True) == ("??AB34??",)
    assert same_plate_texts("T?AB34??", wildcards=True) == same_plate_texts("12AB34??", wildcards=True)
    assert same_plate_texts("T?AB34??", wildcards=True) == ("AB34??",)


@pytest.mark.parametrize(
    ("pattern", "others"),
    [
        ("840*PE", (("??840*PE", F.LEGACY_1995, 9),)),  # the body typed: the plate printed with its number
        ("07840*PE", (("??07840*PE", F.LEGACY_1995, 9), ("840*PE", F.LEGACY_1995, 7))),
        ("CP5*", (("??CP5*", F.TRANSIT, 8),)),
        ("T1CP5*", (("CP5*", F.UNKNOWN, 6),)),  # a transit plate's body: no format claims it
        ("?2CP*40", (("CP*40", F.UNKNOWN, 6),)),
        ("11KA*", ()),  # KA* keeps two fixed characters: too vague; 11KA begins no body
        ("31840*PE", (("??31840*PE", F.LEGACY_1995, 9),)),  # 31 is no region's number
        ("0784*", (("??0784*", F.LEGACY_1995, 9),)),  # 84* keeps two fixed characters: too vague
        ("*840??PE", ()),  # a leading star spans both forms
        ("840??PE", ()),  # no star: same_plate_texts
    ],
)
def test_a_star_pattern_finds_the_other_form_by_format_and_length(
    pattern: str, others: tuple[tuple[str, PlateFormat, int], ...]
) -> None:
    assert same_plate_star_patterns(pattern) == others
