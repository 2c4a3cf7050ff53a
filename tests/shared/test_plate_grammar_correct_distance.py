"""Positional confusion correction and the confusion-aware distance."""

from __future__ import annotations

import heapq
import itertools
import random
import sys
import time
from types import SimpleNamespace

import pytest

from shared.plate_grammar import CONFUSABLE, REGIONS, PlateFormat, correct, parse, plate_distance

F = PlateFormat


def best(text: str, **kw: object) -> tuple[str, PlateFormat, bool]:
    p = correct(text, **kw)[0]  # type: ignore[arg-type]
    return p.text, p.format, p.valid


# --- digit -> letter in letter positions of the current format --------------------------------


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("0A1234BB", "OA1234BB"),  # prefix, first letter
        ("A01234BB", "AO1234BB"),  # prefix, second letter
        ("8C1234HH", "BC1234HH"),
        ("1A1234BB", "IA1234BB"),
        ("4A1234BB", "AA1234BB"),
        ("7T1234BB", "TT1234BB"),
        ("AA12340B", "AA1234OB"),  # series letters
        ("AA1234B0", "AA1234BO"),
        ("AA12348B", "AA1234BB"),
        ("AA1234B8", "AA1234BB"),
        ("AA1234X1", "AA1234XI"),
        ("AA12347A", "AA1234TA"),
        ("KA1234A4", "KA1234AA"),
        ("AQ1234BB", "AO1234BB"),  # Q is no plate letter
        ("AD1234BB", "AO1234BB"),
        ("AA1234BR", "AA1234BP"),
        ("AA1234FE", "AA1234EE"),
        ("AA1234GA", "AA1234CA"),
        ("AA1234HN", "AA1234HH"),
    ],
)
def test_letter_positions(read: str, fixed: str) -> None:
    assert best(read) == (fixed, F.CURRENT, True)


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("AAO234BB", "AA0234BB"),
        ("AA1O34BB", "AA1034BB"),
        ("AA12D4BB", "AA1204BB"),
        ("AA123QBB", "AA1230BB"),
        ("AAI234BB", "AA1234BB"),
        ("AA1L34BB", "AA1134BB"),
        ("AA12B4BB", "AA1284BB"),
        ("AA123SBB", "AA1235BB"),
        ("AAZ234BB", "AA2234BB"),
        ("AA1G34BB", "AA1634BB"),
        ("AA1A34BB", "AA1434BB"),
        ("AA1T34BB", "AA1734BB"),
        ("AA12З4BB", "AA1234BB"),  # Cyrillic Ze
        ("AA12Б4BB", "AA1264BB"),  # Cyrillic Be
        ("AAOI34BB", "AA0134BB"),  # two fixes in an 8-character plate
    ],
)
def test_digit_positions(read: str, fixed: str) -> None:
    assert best(read) == (fixed, F.CURRENT, True)


@pytest.mark.parametrize(
    ("read", "fixed", "fmt"),
    [
        ("O1KA1234", "01KA1234", F.TRANSIT),
        ("11K41234", "11KA1234", F.TRANSIT),
        ("11KAI234", "11KA1234", F.TRANSIT),
        ("TICP5140", "T1CP5140", F.TRANSIT),
        ("I2345KA", "12345KA", F.LEGACY_1995),
        ("1234SKA", "12345KA", F.LEGACY_1995),
        ("12345K4", "12345KA", F.LEGACY_1995),
        ("11I2345KA", "1112345KA", F.LEGACY_1995),
        ("CDPO01", "CDP001", F.DIPLOMATIC),
        ("0P002123", "DP002123", F.DIPLOMATIC),
        ("DPO02123", "DP002123", F.DIPLOMATIC),
        ("5004456", "S004456", F.DIPLOMATIC),
        ("I234A5", "1234A5", F.MILITARY),
        ("1234AS", "1234A5", F.MILITARY),
        ("AA12342A", "AA1234ZA", F.ELECTRIC),  # a Z series read as 2
        ("AAI234YA", "AA1234YA", F.ELECTRIC),
        ("AA1234YP", "AA1234YP", F.ELECTRIC),
    ],
)
def test_other_formats(read: str, fixed: str, fmt: PlateFormat) -> None:
    assert best(read) == (fixed, fmt, True)


@pytest.mark.parametrize("code", sorted(REGIONS))
def test_every_prefix_survives_a_digit_confusion(code: str) -> None:
    assert best(f"{code}12O4KX") == (f"{code}1204KX", F.CURRENT, True)


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("0I1234AA", "DI1234AA"),  # the online series' D read as a zero or an O
        ("OI1234AA", "DI1234AA"),
        ("P01234AA", "PD1234AA"),
        ("0C1234AA", "DC1234AA"),
    ],
)
def test_online_series_d_read_as_a_round_glyph(read: str, fixed: str) -> None:
    assert best(read) == (fixed, F.CURRENT, True)


def test_a_d_where_no_online_series_has_one_is_an_o() -> None:
    assert best("AD1234BB") == ("AO1234BB", F.CURRENT, True)  # Zakarpattia's AO
    assert [p.text for p in correct("EO1234AA")][:2] == ["EO1234AA", "ED1234AA"]  # both exist: as read first


# --- what must NOT happen ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["AA1234BB", "KA0001OO", "OO0000OO", "II1111II", "BB8888BB", "1112345KA", "11KA1234", "CDP001", "1234A5"],
)
def test_valid_text_is_left_alone(text: str) -> None:
    out = correct(text)
    assert out[0] == parse(text)
    assert out[0].corrections == 0 and out[0].cost == 0.0
    assert len(out) == 1


def test_letters_in_letter_slots_and_digits_in_digit_slots_never_change() -> None:
    # O and 0 both appear, each where it belongs: nothing is swapped
    assert best("OO0000OO") == ("OO0000OO", F.CURRENT, True)
    assert best("BB8888BB") == ("BB8888BB", F.CURRENT, True)
    assert best("II1111II") == ("II1111II", F.CURRENT, True)


@pytest.mark.parametrize(
    "text",
    [
        "HP1234BB",  # valid shape, unknown prefix: no letter-to-letter guessing
        "AZ1234BB",  # Z has no plate-letter twin
        "AA1234SS",  # S is not a plate letter, 5 belongs to digits only
        "AAXX34BB",  # X is no digit look-alike
        "AAOOOOBB",  # four fixes: too many for eight characters
        "CDPOO1",  # two fixes: too many for six characters
        "W12345",
        "STOP",
        "GOOD LUCK",
        "SUZUKI",
        "B AB 1234",
        "",
    ],
)
def test_no_plate_is_invented(text: str) -> None:
    out = correct(text)
    assert len(out) == 1
    assert out[0] == parse(text)


def test_unknown_reading_is_kept_after_candidates() -> None:
    out = correct("AA12348B")
    assert [(p.text, p.format, p.valid) for p in out] == [
        ("AA1234BB", F.CURRENT, True),
        ("AA12348B", F.UNKNOWN, False),
    ]
    assert out[0].corrections == 1
    assert out[0].cost == pytest.approx(CONFUSABLE[("8", "B")])


def test_structured_reading_beats_personalised_one() -> None:
    out = correct("KA1234B8")
    assert out[0].text == "KA1234BB" and out[0].format is F.CURRENT


def test_personalised_plate_kept() -> None:
    out = correct("TAXI")
    assert [(p.text, p.format, p.valid) for p in out] == [("TAXI", F.PERSONALISED, True)]


def test_cheaper_fix_ranks_first() -> None:
    # position 5 reads 'S' (S/5 medium); position 2 reads 'O' (O/0 strong)
    out = correct("AAO23SBB")
    assert out[0].text == "AA0235BB"
    assert out[0].corrections == 2
    assert out[0].cost == pytest.approx(CONFUSABLE[("O", "0")] + CONFUSABLE[("S", "5")])


# --- char_alternatives -------------------------------------------------------------------------


def _alts(text: str, extra: dict[int, list[tuple[str, float]]]) -> list[list[tuple[str, float]]]:
    return [extra.get(i, [(c, 0.99)]) for i, c in enumerate(text)]


def test_alternatives_pick_the_valid_reading() -> None:
    # top read 'AD1234BB' is invalid; OCR's second choice at position 1 is 'C' -> AC (Volyn)
    alts = _alts("AD1234BB", {1: [("D", 0.6), ("C", 0.3), ("0", 0.1)]})
    out = correct("AD1234BB", alts)
    assert out[0].text == "AC1234BB" and out[0].region == REGIONS["AC"]
    assert out[0].corrections == 1
    assert any(p.text == "AO1234BB" for p in out)  # D->O by confusion is a candidate too


def test_alternatives_outweigh_confusion_when_evidence_is_strong() -> None:
    alts = _alts("AA12348B", {6: [("8", 0.5), ("H", 0.45), ("B", 0.05)]})
    out = correct("AA12348B", alts)
    assert out[0].text == "AA1234HB"


def test_alternatives_give_next_best_valid_readings() -> None:
    alts = _alts("KA1234OO", {5: [("4", 0.7), ("1", 0.3)]})
    out = correct("KA1234OO", alts)
    assert [p.text for p in out[:2]] == ["KA1234OO", "KA1231OO"]
    assert out[0].cost == 0.0 and out[1].cost > 0.0


def test_alternatives_aligned_to_raw_text_with_separators() -> None:
    raw = "AD 1234 BB"
    alts = [[(c, 0.99)] for c in raw]
    alts[1] = [("D", 0.6), ("C", 0.4)]
    out = correct(raw, alts)
    assert out[0].text == "AC1234BB"


def test_alternatives_of_wrong_length_are_ignored() -> None:
    out = correct("AA12348B", [[("A", 1.0)]] * 3)
    assert out[0].text == "AA1234BB"


def test_cyrillic_alternatives_are_normalised() -> None:
    alts = _alts("AD1234BB", {1: [("D", 0.5), ("с", 0.5)]})
    assert correct("AD1234BB", alts)[0].text == "AC1234BB"


def test_lines_hint_passes_through() -> None:
    out = correct("AA12348B", lines=2)
    assert out[0].lines == 2 and out[-1].lines == 2


def test_top_k_limits_candidates() -> None:
    alts = [[(c, 0.25) for c in "0123"] for _ in range(4)]
    text = "AA0000BB"
    full = [[(c, 0.99)] for c in text[:2]] + alts + [[(c, 0.99)] for c in text[6:]]
    out = correct(text, full, top_k=3)
    assert len(out) == 3
    assert all(p.valid for p in out)


# --- plate_distance ------------------------------------------------------------------------------

PLATES = ["AA1234BB", "AA1234B8", "KA0001OO", "KAOOO1OO", "BC5678HP", "1112345KA", "CDP001", "TAXI", "", "A"]


def test_zero_on_equal_and_on_equal_normalised() -> None:
    for p in PLATES:
        assert plate_distance(p, p) == 0.0
    assert plate_distance("АА 1234 ВВ", "aa-1234-bb") == 0.0


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(PLATES, 2)))
def test_symmetry_and_positive(a: str, b: str) -> None:
    d = plate_distance(a, b)
    assert d == plate_distance(b, a)
    assert d > 0.0


@pytest.mark.parametrize(("a", "b"), sorted({tuple(sorted(k)) for k in CONFUSABLE}))
def test_every_confusion_pair_is_cheaper_than_other_substitution(a: str, b: str) -> None:
    base = "AA1234BB"
    d_conf = plate_distance(f"X{a}X", f"X{b}X", assume_normalized=True)
    assert 0.0 < d_conf < 1.0
    assert d_conf == CONFUSABLE[(a, b)] == CONFUSABLE[(b, a)]
    assert plate_distance(base, base[:3] + "9" + base[4:]) == 1.0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("AA1234BB", "AA1234B8", 0.3),
        ("AA1234BB", "AA1234BC", 1.0),
        ("AA1234BB", "AA12348B", 0.3),
        ("KA0001OO", "KAOOO1OO", 0.9),
        ("AA1234BB", "AA234BB", 1.0),  # deletion
        ("AA1234BB", "AA11234BB", 1.0),  # insertion
        ("AA1234BB", "", 8.0),
        ("AA1234BB", "BB1234AA", 4.0),
        ("AA1234BB", "AA1234", 2.0),
        ("ABC", "CBA", 2.0),
        ("AA1234BB", "AA1234ВВ", 0.0),  # Cyrillic in one of them
        ("AA12S4BB", "AA1254BB", 0.5),
        ("MM5326XC", "NN5326XC", 1.0),  # M/N, alike on a small plate (two: 0.5 each)
    ],
)
def test_known_distances(a: str, b: str, expected: float) -> None:
    assert plate_distance(a, b) == pytest.approx(expected)


def test_triangle_inequality_on_random_plates() -> None:
    rng = random.Random(7)
    alphabet = "ABCEHIKMOPTX0123456789SDZ"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(5, 9))) for _ in range(25)]
    for a, b, c in itertools.combinations(texts, 3):
        assert plate_distance(a, c) <= plate_distance(a, b) + plate_distance(b, c) + 1e-9


def test_early_exit_is_consistent() -> None:
    rng = random.Random(11)
    alphabet = "ABCEHIKMOPTX0123456789"
    for _ in range(300):
        a = "".join(rng.choice(alphabet) for _ in range(8))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(6, 10)))
        exact = plate_distance(a, b)
        for limit in (0.0, 0.3, 1.0, 2.5, 10.0):
            bounded = plate_distance(a, b, max_distance=limit)
            if exact <= limit:
                assert bounded == pytest.approx(exact)
            else:
                assert bounded > limit


def test_early_exit_on_length_gap_and_speed() -> None:
    assert plate_distance("AA1234BB", "A", max_distance=1.0) > 1.0
    a, b = "AA1234BB", "XX9876OO"
    n = 5000
    t0 = time.perf_counter()
    for _ in range(n):
        plate_distance(a, b, assume_normalized=True)
    full = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(n):
        plate_distance(a, b, max_distance=1.0, assume_normalized=True)
    bounded = (time.perf_counter() - t0) / n
    assert full < 200e-6  # about 20 us on the 2-core CI machine; generous bound
    assert bounded < full


# --- format priors: rare formats need stronger evidence -------------------------------------------


def test_priors_order_formats_by_how_common_they_are() -> None:
    from shared.plate_grammar.formats import FORMAT_PRIOR

    assert FORMAT_PRIOR[F.CURRENT] == 0.0
    assert FORMAT_PRIOR[F.CURRENT] < FORMAT_PRIOR[F.LEGACY_1995] < FORMAT_PRIOR[F.TRANSIT]
    assert FORMAT_PRIOR[F.TRANSIT] < FORMAT_PRIOR[F.DIPLOMATIC] == FORMAT_PRIOR[F.MILITARY]
    assert all(FORMAT_PRIOR[f] >= 0 for f in F)
    assert parse("1234A5").prior == FORMAT_PRIOR[F.MILITARY]


def _clear_alts(text: str, sure: float = 0.95) -> list[list[tuple[str, float]]]:
    """OCR alternatives that saw each character clearly, with a faint unrelated runner-up."""
    return [[(c, sure), ("X" if c != "X" else "K", 0.01)] for c in text]


@pytest.mark.parametrize(
    ("read", "rare"),
    [
        ("1234BB", "1234B8"),  # bottom line of a two-line plate: not a military plate
        ("SG47471", "S647471"),  # a foreign plate: not diplomatic
        ("1234AO", "1234A0"),
    ],
)
def test_one_unhinted_fix_into_a_rare_format_loses_to_the_text_as_read(read: str, rare: str) -> None:
    out = correct(read, _clear_alts(read))
    assert out[0].text == read and out[0].format in (F.UNKNOWN, F.PERSONALISED)
    assert any(p.text == rare for p in out)  # still offered, as a lower candidate


def test_a_rare_format_wins_when_the_ocr_saw_the_glyph() -> None:
    alts = _clear_alts("1234BB")
    alts[5] = [("B", 0.55), ("8", 0.4)]
    assert best("1234BB", char_alternatives=alts) == ("1234B8", F.MILITARY, True)


@pytest.mark.parametrize("text", ["1234A5", "CDP001", "DP002123", "11KA1234", "12345KA"])
def test_a_rare_format_read_cleanly_still_wins(text: str) -> None:
    out = correct(text, _clear_alts(text))
    assert out[0].text == text and out[0].valid


def test_a_fix_into_a_current_plate_beats_the_same_fix_into_a_rare_format() -> None:
    # "AA1234BB" read with one unsure O/0: the current plate keeps its evidence, no format jump
    read = "AA12O4BB"
    alts = _clear_alts(read)
    alts[4] = [("O", 0.6), ("0", 0.35)]
    assert best(read, char_alternatives=alts) == ("AA1204BB", F.CURRENT, True)


def test_legacy_reading_ranks_below_an_equally_cheap_current_reading() -> None:
    from shared.plate_grammar.formats import FORMAT_PRIOR

    assert FORMAT_PRIOR[F.LEGACY_1995] > 0
    cur = correct("AA1234BB")[0]
    assert cur.format is F.CURRENT and cur.cost + cur.prior == 0.0


@pytest.mark.parametrize(
    ("read", "military"), [("023010", "0230I0"), ("831907", "8319O7"), ("187186", "1871B6")]
)
def test_digits_only_text_has_no_reading_of_its_own(read: str, military: str) -> None:
    # no plate format is all digits: the only plate this can be is the military one

    assert best(read, char_alternatives=_clear_alts(read)) == (military, F.MILITARY, True)


@pytest.mark.parametrize(
    ("read", "fixed"), [("2581900", "25819OO"), ("9023410", "90234IO"), ("8919110", "89191IO")]
)
def test_seven_character_plates_allow_two_fixes(read: str, fixed: str) -> None:
    assert best(read) == (fixed, F.LEGACY_1995, True)


@pytest.mark.parametrize(("length", "budget"), [(3, 1), (5, 1), (6, 1), (7, 2), (8, 2), (9, 2), (11, 3)])
def test_fix_budget_is_one_per_four_characters_rounded(length: int, budget: int) -> None:
    from shared.plate_grammar.formats import fix_budget

    assert fix_budget(length, 9) == budget


def test_a_template_out_of_the_fix_budget_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """``BBBBBBBB`` read with two runner-up letters everywhere needs a B -> 8 fix in each of the four digit
    slots of a current plate (budget 2): the template is not searched, where the best-first search
    used to pop its 81 letter combinations to find none."""
    module = sys.modules["shared.plate_grammar.correct"]
    pops: list[object] = []

    def counting_pop(heap: list[object]) -> object:
        pops.append(heap[0])
        return heapq.heappop(heap)

    monkeypatch.setattr(module, "heapq", SimpleNamespace(heappop=counting_pop, heappush=heapq.heappush))
    alts = [[("B", 0.9), ("E", 0.05), ("P", 0.05)]] * 8
    out = correct("BBBBBBBB", alts)
    assert [(p.text, p.format) for p in out] == [("BBBBBBBB", PlateFormat.PERSONALISED)]
    assert pops == []
    assert correct("AA1234B8")[0].text == "AA1234BB"  # within the budget: searched
    assert pops
