"""Foreign plates: O/0 and I/1 settled by the European letter/digit layout a reading fits."""

from __future__ import annotations

import pytest

from shared.plate_grammar.foreign import LAYOUTS, MAX_SWAPS, fit_foreign, without_country_code


@pytest.mark.parametrize(
    ("read", "settled"),
    [
        ("BA3020Z", "BA302OZ"),  # Slovakia LL DDD LL: the 6th character is a letter
        ("BA2681M", "BA268IM"),
        ("LMO10BE", "LM010BE"),  # ... and the 3rd a digit
        ("AB1O3CD", "AB103CD"),  # France/Italy, same layout
        ("B1O2ABC", "B102ABC"),  # Romania, Bucharest L DDD LLL (two swaps)
        ("ABC1O0", "ABC100"),  # Hungary/Moldova LLL DDD
        ("1234BC0", "1234BCO"),  # Spain DDDD LLL
        ("0X12ABC", "OX12ABC"),  # Romania counties / UK LL DD LLL
    ],
)
def test_a_look_alike_takes_the_kind_its_layout_wants(read: str, settled: str) -> None:
    assert fit_foreign(read) == settled


@pytest.mark.parametrize(
    "read",
    [
        "OY09FEU",  # fits LL DD LLL as read: never touched
        "BA302OZ",  # already right
        "ABC123",
        "W0RLD",  # no layout of that length
        "ABCDEFGH",
        "1O1O1O1",  # would need more than two swaps
        "0O0O0O",  # LLL DDD would need 4 swaps
        "BA3Z20Z",  # Z/2 is not a swap this settles
        "AB12OCD",  # fits LL DD LLL as read (also LL DDD LL with a swap): left alone
        "",
    ],
)
def test_texts_that_fit_as_read_or_fit_nothing_are_unchanged(read: str) -> None:
    assert fit_foreign(read) == read


def test_the_fewest_swaps_win() -> None:
    # LL DDD LL with one swap (O->0), LL DD LLL with two (O->0, 1->I)
    assert fit_foreign("AB1O1CD") == "AB101CD"


def test_layouts_that_disagree_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import shared.plate_grammar.foreign as foreign

    # two made-up layouts, each fitting "OO" with one swap but wanting different texts
    monkeypatch.setattr(foreign, "LAYOUTS", (("LD", "a"), ("DL", "b")))
    assert fit_foreign("OO") == "OO"
    assert fit_foreign("O1") == "O1"  # fits LD as read
    assert fit_foreign("I0") == "I0"  # fits LD as read; DL would need two swaps


def test_layouts_are_well_formed() -> None:
    assert MAX_SWAPS == 2
    for layout, where in LAYOUTS:
        assert set(layout) <= {"L", "D"} and 6 <= len(layout) <= 7 and where
    assert len({layout for layout, _ in LAYOUTS}) == len(LAYOUTS)


@pytest.mark.parametrize(
    ("read", "plate"),
    [
        ("SRK867AD", "RK867AD"),  # the "SK" under the EU stars read as an S (Slovakia, LL DDD LL)
        ("FRK708A1", "RK708AI"),  # ... and the rest's I/1 settled by its layout
        ("DB123ABC", "B123ABC"),  # Romania (Bucharest), L DDD LLL
    ],
)
def test_a_country_code_read_as_the_first_letter_is_dropped(read: str, plate: str) -> None:
    assert without_country_code(read) == plate


@pytest.mark.parametrize(
    "read",
    [
        "RK867AD",  # fits a layout as read: nothing to drop
        "ABCD123",  # Hungary since 2022 as read, though "BCD123" would fit Hungary until 2022
        "1RK867AD",  # a digit is not a country code
        "XYZ12345",  # neither the text nor the rest fits a layout
        "S",
    ],
)
def test_texts_that_fit_or_whose_rest_fits_nothing_keep_their_first_letter(read: str) -> None:
    assert without_country_code(read) is None
