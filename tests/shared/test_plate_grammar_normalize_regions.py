"""Normalisation and the region table of the Ukrainian plate grammar."""

from __future__ import annotations

import pytest

from shared.plate_grammar import REGIONS, REGIONS_1995, PlateFormat, Region, normalize, parse
from shared.plate_grammar.normalize import PLATE_LETTERS
from shared.plate_grammar.regions import E_SERIES

ONLINE_EN, ONLINE_UK = "Nationwide series: ", "Загальнодержавна серія: "
CYR = "АВСЕНІКМОРТХ"
LAT = "ABCEHIKMOPTX"


@pytest.mark.parametrize(("cyr", "lat"), list(zip(CYR, LAT, strict=True)))
def test_each_cyrillic_lookalike_maps_to_latin(cyr: str, lat: str) -> None:
    assert normalize(cyr) == lat
    assert normalize(cyr.lower()) == lat
    assert normalize(lat.lower()) == lat


def test_plate_letters_are_the_twelve() -> None:
    assert set(LAT) == PLATE_LETTERS
    assert len(PLATE_LETTERS) == 12


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AA 1234 BB", "AA1234BB"),
        ("AA-1234-BB", "AA1234BB"),
        ("aa.1234.bb", "AA1234BB"),
        ("  AA\t1234\nBB  ", "AA1234BB"),
        ("AA_1234/BB", "AA1234BB"),
        ("(AA) 1234 «BB»", "AA1234BB"),
        ("АА 1234 ВВ", "AA1234BB"),
        ("аа1234вв", "AA1234BB"),
        ("Аa 1234 Вb", "AA1234BB"),
        ("ＡＡ１２３４ＢＢ", "AA1234BB"),  # full-width forms
        ("КА·0001·ОО", "KA0001OO"),
        ("123-45 КА", "12345KA"),
        ("ЇХ", "IX"),  # Ї folds to I
        ("Й1", "Й1"),  # Й is no look-alike: kept
        ("КА 7777 УВ", "KA7777YB"),  # an electric series' Y, typed as Cyrillic У
        ("КА 7777 ТУ", "KA7777TY"),  # an electric taxi's TY
        ("КА 7777 ВУ", "KA7777BУ"),  # У anywhere else is no plate letter: kept
        ("У 123", "У123"),
        ("Ж 123", "Ж123"),  # other Cyrillic letters kept
        ("b ab 1234", "BAB1234"),  # foreign plate kept, upper-cased
        ("W-12345", "W12345"),
        ("", ""),
        (" - . ", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("text", ["AA1234BB", "KA0001OO", "1112345KA", "CDP001", "BAB1234"])
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


def test_every_region_has_four_prefixes_and_nationwide() -> None:
    by_name: dict[str, list[str]] = {}
    for code, region in REGIONS.items():
        assert region.code == code
        by_name.setdefault(region.name_en, []).append(code)
    assert len(REGIONS_1995) == 27
    # 24 oblasts, Crimea, Kyiv, Sevastopol + nationwide II + the two online series' pairs
    assert len(by_name) == 30
    for name, codes in by_name.items():
        nationwide = name.startswith("Nationwide series")
        assert len(codes) == ((2 if ":" in name else 1) if nationwide else 4), name
    assert len(REGIONS) == 27 * 4 + 1 + 4


def test_prefixes_use_only_plate_letters_but_the_online_series_d() -> None:
    for code in REGIONS:
        assert len(code) == 2
        if code in E_SERIES:
            assert "D" in code and set(code) <= PLATE_LETTERS | {"D"}, code
        else:
            assert set(code) <= PLATE_LETTERS, code
    assert sorted(E_SERIES) == ["DC", "DI", "ED", "PD"]


@pytest.mark.parametrize(
    ("typed", "text", "series"),
    [
        ("DI 1234 AA", "DI1234AA", "Diia"),
        ("ДІ 1234 АА", "DI1234AA", "Diia"),  # the D typed in Cyrillic
        ("рд 0001 вн", "PD0001BH", "Diia"),
        ("ЕД-5555-ЕК", "ED5555EK", "electronic cabinet"),
        ("DC 7777 XX", "DC7777XX", "electronic cabinet"),
        ("ДІ 1234 УА", "DI1234YA", "Diia"),  # an electric vehicle's: both typed in Cyrillic
    ],
)
def test_online_registration_series(typed: str, text: str, series: str) -> None:
    p = parse(typed)
    assert p.text == text and p.valid and p.region is not None
    assert p.format in (PlateFormat.CURRENT, PlateFormat.ELECTRIC)
    assert series in p.region.name_en and p.region.name_uk.startswith("Загальнодержавна серія")


@pytest.mark.parametrize("typed", ["АД1234АА", "Д1234АА", "ДІМА", "ДЕ1234АА"])
def test_cyrillic_d_stays_cyrillic_outside_an_online_series_prefix(typed: str) -> None:
    assert "Д" in normalize(typed)


@pytest.mark.parametrize(
    ("code", "name_en", "name_uk"),
    [
        ("AA", "Kyiv City", "м. Київ"),
        ("KA", "Kyiv City", "м. Київ"),
        ("TT", "Kyiv City", "м. Київ"),
        ("TA", "Kyiv City", "м. Київ"),
        ("AI", "Kyiv Oblast", "Київська область"),
        ("KI", "Kyiv Oblast", "Київська область"),
        ("TI", "Kyiv Oblast", "Київська область"),
        ("ME", "Kyiv Oblast", "Київська область"),
        ("BC", "Lviv Oblast", "Львівська область"),
        ("HC", "Lviv Oblast", "Львівська область"),
        ("CC", "Lviv Oblast", "Львівська область"),
        ("BH", "Odesa Oblast", "Одеська область"),
        ("OO", "Odesa Oblast", "Одеська область"),
        ("AX", "Kharkiv Oblast", "Харківська область"),
        ("XX", "Kharkiv Oblast", "Харківська область"),
        ("AE", "Dnipropetrovsk Oblast", "Дніпропетровська область"),
        ("PP", "Dnipropetrovsk Oblast", "Дніпропетровська область"),
        ("AK", "Autonomous Republic of Crimea", "Автономна Республіка Крим"),
        ("CH", "Sevastopol City", "м. Севастополь"),
        ("IH", "Sevastopol City", "м. Севастополь"),
        ("AH", "Donetsk Oblast", "Донецька область"),
        ("TH", "Donetsk Oblast", "Донецька область"),
        ("TM", "Zhytomyr Oblast", "Житомирська область"),
        ("BX", "Khmelnytskyi Oblast", "Хмельницька область"),
        ("CE", "Chernivtsi Oblast", "Чернівецька область"),
        ("CB", "Chernihiv Oblast", "Чернігівська область"),
        ("CA", "Cherkasy Oblast", "Черкаська область"),
        ("II", "Nationwide series", "Загальнодержавна серія"),
        ("DI", f"{ONLINE_EN}registered through Diia", f"{ONLINE_UK}реєстрація через «Дію»"),
        ("PD", f"{ONLINE_EN}registered through Diia", f"{ONLINE_UK}реєстрація через «Дію»"),
        ("ED", f"{ONLINE_EN}driver's electronic cabinet", f"{ONLINE_UK}електронний кабінет водія"),
        ("DC", f"{ONLINE_EN}driver's electronic cabinet", f"{ONLINE_UK}електронний кабінет водія"),
    ],
)
def test_known_prefixes(code: str, name_en: str, name_uk: str) -> None:
    assert REGIONS[code] == Region(code, name_uk, name_en)


@pytest.mark.parametrize("code", ["HP", "IC", "AD", "ZZ", "OI", "XB", "KK7", "DD", "DA", "ID", "CD"])
def test_not_region_prefixes(code: str) -> None:
    assert code not in REGIONS


@pytest.mark.parametrize("code", sorted(REGIONS))
def test_every_prefix_parses_latin_and_cyrillic(code: str) -> None:
    latin = parse(f"{code} 4321 AX")
    assert latin.format is PlateFormat.CURRENT
    assert latin.valid
    assert latin.region == REGIONS[code]
    cyr = code.translate(str.maketrans(LAT, CYR))
    cyrillic = parse(f"{cyr}4321АХ")
    assert cyrillic == latin
    lower = parse(f"{cyr.lower()} 4321 ах")
    assert lower == latin


@pytest.mark.parametrize(
    ("num", "name_en"),
    [
        ("01", "Autonomous Republic of Crimea"),
        ("10", "Kyiv Oblast"),
        ("11", "Kyiv City"),
        ("14", "Lviv Oblast"),
        ("27", "Sevastopol City"),
    ],
)
def test_numeric_1995_codes(num: str, name_en: str) -> None:
    assert REGIONS_1995[num].name_en == name_en
    assert REGIONS_1995[num].code == num


def test_numeric_names_match_letter_names() -> None:
    letter_names = {r.name_en for r in REGIONS.values()}
    assert {r.name_en for r in REGIONS_1995.values()} <= letter_names
