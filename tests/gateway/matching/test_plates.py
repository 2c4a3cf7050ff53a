"""PlateMatcher: rules, expiry, filters, index updates, and agreement with a brute-force scan."""

from __future__ import annotations

import random
import string
import threading
from datetime import UTC, datetime, timedelta

import pytest

from gateway.matching.plates import PlateEntryRef, PlateMatcher, fuzzy_limit, has_doubt
from shared.plate_grammar import plate_distance

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SURE = [0.99] * 8


def _m(*entries: PlateEntryRef, threshold: float = 1.0) -> PlateMatcher:
    m = PlateMatcher(threshold)
    m.rebuild(entries)
    return m


def _rules(hits: list) -> dict[str, str]:
    return {h.entry_id: h.rule for h in hits}


def test_exact_match_on_normalised_text_including_cyrillic_input() -> None:
    m = _m(PlateEntryRef("e1", "w1", "аа 1234 вв"))
    hits = m.match("AA-1234-BB", now=NOW)
    assert [(h.entry_id, h.rule, h.distance, h.pattern) for h in hits] == [("e1", "exact", 0.0, "AA1234BB")]


def test_question_mark_is_exactly_one_character() -> None:
    m = _m(PlateEntryRef("w", "w1", "AA12??BB"))
    assert _rules(m.match("AA1299BB", now=NOW)) == {"w": "wildcard"}
    assert m.match("AA129BB", now=NOW) == []
    assert m.match("AA12999BB", now=NOW) == []
    assert m.match("AB1299BB", now=NOW) == []


def test_star_matches_any_run_including_empty() -> None:
    m = _m(PlateEntryRef("s", "w1", "KA*BB"), PlateEntryRef("t", "w1", "*7777*"))
    assert _rules(m.match("KA1234BB", now=NOW)) == {"s": "wildcard"}
    assert _rules(m.match("KABB", now=NOW)) == {"s": "wildcard"}
    assert _rules(m.match("AA7777XX", now=NOW)) == {"t": "wildcard"}
    assert m.match("KA1234BC", now=NOW) == []


def test_fuzzy_confusions_are_cheaper_than_other_substitutions() -> None:
    m = _m(PlateEntryRef("e1", "w1", "BC0001AI"))
    (hit,) = m.match("BCO001AI", now=NOW)  # O read for 0
    assert (hit.rule, hit.distance) == ("fuzzy", pytest.approx(0.3))
    (hit,) = m.match("8C0001A1", now=NOW)  # two strong confusions
    assert hit.rule == "fuzzy" and hit.distance == pytest.approx(0.6)
    (hit,) = m.match("BC0001AK", now=NOW)  # one ordinary substitution: exactly the threshold
    assert hit.distance == pytest.approx(1.0)
    assert m.match("BC0002AK", now=NOW) == []  # two ordinary substitutions


def test_a_short_plate_matches_fuzzily_through_look_alikes_only() -> None:
    """One ordinary edit is an eighth of a standard plate but a quarter of a personalised BOSS."""
    m = _m(PlateEntryRef("boss", "w1", "BOSS"), PlateEntryRef("std", "w1", "BC0001AI"))
    for other in ("ROSS", "BOS", "BOSSA"):
        assert m.match(other, now=NOW) == [], other
    (hit,) = m.match("B0SS", now=NOW)  # O read for 0: still the wanted plate
    assert (hit.entry_id, hit.rule) == ("boss", "fuzzy")
    assert _rules(m.match("BC0001AK", now=NOW)) == {"std": "fuzzy"}  # a standard plate keeps its edit
    assert _rules(_m(PlateEntryRef("boss", "w1", "BOSS"), threshold=2.0).match("ROSS", now=NOW)) == {}


def test_threshold_is_configurable_and_zero_disables_fuzzy() -> None:
    entry = PlateEntryRef("e1", "w1", "BC0001AI")
    assert _m(entry, threshold=0).match("BCO001AI", now=NOW) == []
    assert _m(entry, threshold=0.5).match("BC0001AK", now=NOW) == []
    assert _rules(_m(entry, threshold=0.5).match("BCO001AI", now=NOW)) == {"e1": "fuzzy"}
    assert _rules(_m(entry, threshold=2.0).match("BC0002AK", now=NOW)) == {"e1": "fuzzy"}


def test_best_rule_per_entry_and_order() -> None:
    m = _m(
        PlateEntryRef("exact", "w1", "AA1234BB"),
        PlateEntryRef("wild", "w1", "AA12??BB"),
        PlateEntryRef("fuzzy", "w1", "AA1234B8"),
    )
    hits = m.match("AA1234BE", candidates=["AA1234BB"], now=NOW)
    assert [(h.entry_id, h.rule) for h in hits] == [
        ("exact", "exact"),
        ("wild", "wildcard"),
        ("fuzzy", "fuzzy"),
    ]
    assert [h.matched_text for h in hits] == ["AA1234BB", "AA1234BB", "AA1234BE"]


def test_a_reading_that_is_an_entrys_plate_matches_no_other_entry_fuzzily() -> None:
    # read off a rendered diplomatic plate CDP087 approaching a camera: exactly its plate, its 0 unsure
    unsure = [0.99, 0.92, 1.0, 0.75, 0.45, 0.98]
    own, other = PlateEntryRef("own", "w1", "CDP087"), PlateEntryRef("other", "w2", "CDP187")
    wild, twin = PlateEntryRef("wild", "w1", "CDP0??"), PlateEntryRef("twin", "w2", "CDP087")
    m = _m(own, other, wild, twin)
    found = _rules(m.match("CDP087", now=NOW, char_confidences=unsure))
    assert found == {"own": "exact", "twin": "exact", "wild": "wildcard"}  # the plate on two lists: both
    # without an entry of its plate, the same reading is a misreading of the other one
    assert _rules(_m(other).match("CDP087", now=NOW, char_confidences=unsure)) == {"other": "fuzzy"}
    assert _rules(_m(other).match("CDP087", now=NOW)) == {"other": "fuzzy"}
    # a wildcard hit is not a plate read: fuzzy hits stay
    assert _rules(_m(other, wild).match("CDP087", now=NOW)) == {"other": "fuzzy", "wild": "wildcard"}
    # a likely next-best reading that is another entry's plate still matches it exactly
    found = _rules(m.match("CDP087", candidates=["CDP187"], now=NOW, char_confidences=unsure))
    assert found == {"own": "exact", "twin": "exact", "wild": "wildcard", "other": "exact"}


def test_candidates_are_matched_and_primary_reading_wins_ties() -> None:
    m = _m(PlateEntryRef("e1", "w1", "AA1234BB"))
    (hit,) = m.match("AA1284BB", candidates=["AA1234BB"], now=NOW)
    assert (hit.rule, hit.matched_text) == ("exact", "AA1234BB")


def test_next_best_readings_match_fuzzily_only_where_the_reading_leaves_doubt() -> None:
    m = _m(PlateEntryRef("e1", "w1", "AA1234BB"), PlateEntryRef("w", "w1", "KA12??CE"))
    # without per-character confidences a next-best reading matches exactly or by a wildcard only
    assert m.match("AA1284BC", candidates=["AA1284BB"], now=NOW) == []
    assert _rules(m.match("KA9934CE", candidates=["KA1299CE"], now=NOW)) == {"w": "wildcard"}
    assert _rules(m.match("AA1284BB", now=NOW)) == {"e1": "fuzzy"}  # the reading itself still does
    # with them, by the reading's confidence where the next-best reading differs from the entry
    unsure_fifth = [0.99] * 4 + [0.6] + [0.99] * 3
    found = m.match("AA1284BC", candidates=["AA1284BB"], now=NOW, char_confidences=unsure_fifth)
    assert [(h.entry_id, h.rule, h.matched_text) for h in found] == [("e1", "fuzzy", "AA1284BB")]
    assert m.match("AA1284BC", candidates=["AA1284BB"], now=NOW, char_confidences=SURE) == []
    # a next-best reading of another length is judged by the reading's least sure character
    assert m.match("AA1284BC", candidates=["AA124BB"], now=NOW, char_confidences=SURE) == []
    assert [
        h.rule for h in m.match("AA1284BC", candidates=["AA124BB"], now=NOW, char_confidences=unsure_fifth)
    ] == ["fuzzy"]


@pytest.mark.parametrize(
    ("read", "chars", "hit"),
    [
        ("AA1284BB", SURE, False),  # 8 read surely where 3 is printed: another car
        ("AA1284BB", [0.99] * 4 + [0.7] + [0.99] * 3, True),  # ... read unsure: may be the wanted one
        ("AA1234B8", SURE, True),  # B/8 look alike: a sure 8 may still be a B
        ("AA12348B", SURE, True),  # two look-alikes (B/8 both ways)
        ("AA123BB", [0.99] * 7, False),  # a character missed, every other read surely
        ("AA123BB", [0.99] * 6 + [0.8], True),  # ... one of them unsure
        ("AA1284BB", [0.99] * 3, True),  # not one confidence per character: as without any
    ],
)
def test_a_fuzzy_hit_needs_doubt_where_the_reading_differs(read: str, chars: list[float], hit: bool) -> None:
    m = _m(PlateEntryRef("e1", "w1", "AA1234BB"))
    found = m.match(read, now=NOW, char_confidences=chars)
    assert [h.rule for h in found] == (["fuzzy"] if hit else [])
    assert has_doubt(read, chars, "AA1234BB") is hit


def test_sure_readings_still_match_exactly_and_by_wildcard() -> None:
    m = _m(PlateEntryRef("e1", "w1", "CDP182"), PlateEntryRef("w", "w1", "CDP1??"))
    assert _rules(m.match("CDP182", now=NOW, char_confidences=[1.0] * 6)) == {"e1": "exact", "w": "wildcard"}
    assert _rules(m.match("CDP192", now=NOW, char_confidences=[1.0] * 6)) == {"w": "wildcard"}


def test_expired_entries_never_match_and_naive_times_are_utc() -> None:
    m = _m(
        PlateEntryRef("old", "w1", "AA1234BB", valid_until=NOW - timedelta(seconds=1)),
        PlateEntryRef("naive", "w1", "AA1234BB", valid_until=datetime(2030, 1, 1)),
        PlateEntryRef("wild_old", "w1", "AA12??BB", valid_until=NOW - timedelta(days=1)),
    )
    assert [h.entry_id for h in m.match("AA1234BB", now=NOW)] == ["naive"]
    assert m.match("AA1234BB", now=datetime(2031, 1, 1, tzinfo=UTC)) == []
    # at valid_until itself the entry is gone, as a person entry is (``drop_expired_face_hits``)
    assert m.match("AA1234BB", now=datetime(2030, 1, 1, tzinfo=UTC)) == []


def test_watchlist_filter() -> None:
    m = _m(PlateEntryRef("a", "w1", "AA1234BB"), PlateEntryRef("b", "w2", "AA1234BB"))
    assert [h.entry_id for h in m.match("AA1234BB", watchlist_ids=["w2"], now=NOW)] == ["b"]
    assert m.match("AA1234BB", watchlist_ids=[], now=NOW) == []


def test_add_replace_remove_through_overlay_and_compaction() -> None:
    m = PlateMatcher(1.0, overlay_limit=3)
    m.rebuild([PlateEntryRef("a", "w1", "AA1234BB")])
    m.add(PlateEntryRef("b", "w1", "KA0001AA"))
    assert _rules(m.match("KAO001AA", now=NOW)) == {"b": "fuzzy"}
    m.add(PlateEntryRef("a", "w1", "AA9999BB"))  # replace: the old pattern must stop matching
    assert m.match("AA1234BB", now=NOW) == []
    assert _rules(m.match("AA9999BB", now=NOW)) == {"a": "exact"}
    m.remove("b")
    assert m.match("KA0001AA", now=NOW) == []
    for i in range(10):  # forces the overlay to fold into the base
        m.add(PlateEntryRef(f"n{i}", "w1", f"AA{str(i) * 4}XX"))
    assert len(m) == 11
    assert _rules(m.match("AA7777XX", now=NOW)) == {"n7": "exact"}
    assert m.match("KA0001AA", now=NOW) == []


def test_bad_patterns_are_refused_with_the_entry_id() -> None:
    with pytest.raises(ValueError, match="e9"):
        PlateMatcher().rebuild([PlateEntryRef("e9", "w", "*")])
    with pytest.raises(ValueError, match=r"e8.*at least 2"):
        PlateMatcher().add(PlateEntryRef("e8", "w", "?-?"))


def test_entries_are_matched_in_the_normal_form_people_and_searches_get() -> None:
    """The matcher and the API bring a typed entry to one form (``gateway.matching.patterns``): a
    Cyrillic online-series prefix in a wildcard is the Latin one the camera reads."""
    m = _m(PlateEntryRef("e1", "w", "аа 12?? вв"), PlateEntryRef("e2", "w", "ед 48?? ка"))
    assert _rules(m.match("AA1234BB", now=NOW)) == {"e1": "wildcard"}
    assert _rules(m.match("ED4812KA", now=NOW)) == {"e2": "wildcard"}


def _rand_plate(rng: random.Random) -> str:
    letters = "ABCEHIKMOPTX"
    return (
        "".join(rng.choice(letters) for _ in range(2))
        + "".join(rng.choice(string.digits) for _ in range(4))
        + "".join(rng.choice(letters) for _ in range(2))
    )


@pytest.mark.parametrize("threshold", [0.6, 1.0, 2.0])
def test_index_agrees_with_brute_force_scan(threshold: float) -> None:
    """The candidate generation must never lose a true fuzzy match (that would let a car through)."""
    rng = random.Random(7)
    plates = list({_rand_plate(rng) for _ in range(400)})
    m = _m(*(PlateEntryRef(f"e{i}", "w", p) for i, p in enumerate(plates)), threshold=threshold)
    subs = {"0": "O", "O": "0", "B": "8", "8": "B", "I": "1", "1": "I"}
    queries = []
    for p in plates[:150]:
        i = rng.randrange(len(p))
        c = subs.get(p[i], rng.choice("ABCEHIKMOPTX0123456789"))
        q = p[:i] + c + p[i + 1 :]
        if rng.random() < 0.3:
            q = q[: rng.randrange(len(q))] + q[rng.randrange(len(q)) + 1 :] if rng.random() < 0.5 else q + "7"
        queries.append(q)
    queries += [_rand_plate(rng) for _ in range(50)]
    for q in queries:
        want = {
            f"e{i}"
            for i, p in enumerate(plates)
            if plate_distance(q, p, assume_normalized=True) <= fuzzy_limit(threshold, q, p) + 1e-9
        }
        if q in plates:  # a reading that is an entry's plate matches no other one fuzzily
            want = {f"e{plates.index(q)}"}
        got = {h.entry_id for h in m.match(q, now=NOW)}
        assert got == want, q


def test_readers_see_a_consistent_index_while_a_writer_rebuilds() -> None:
    m = _m(PlateEntryRef("keep", "w", "AA1234BB"))
    stop = threading.Event()
    errors: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            if [h.entry_id for h in m.match("AA1234BB", now=NOW)] != ["keep"]:
                errors.append("lost")

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for i in range(30):
        m.rebuild(
            [PlateEntryRef("keep", "w", "AA1234BB")]
            + [PlateEntryRef(f"x{j}", "w", f"KA{j:04d}AA") for j in range(i * 20)]
        )
        m.add(PlateEntryRef(f"y{i}", "w", f"KB{i:04d}AA"))
    stop.set()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.parametrize(
    ("entry", "read", "rule", "other"),
    [
        # a 1995 plate's region number
        ("07 840-22 РЕ", "84022PE", "exact", "0784023PE"),  # the camera missed it
        ("840-22 РЕ", "0784022PE", "exact", "0784023PE"),  # the person left it out
        ("840??PE", "0784022PE", "wildcard", "0784023PE"),
        ("07840??PE", "84022PE", "wildcard", "0784023PE"),
        ("??84022PE", "84022PE", "wildcard", "0784023PE"),
        # a transit plate's prefix: the region's number, or T and a digit
        ("т1 CP 5140", "CP5140", "exact", "T1CP5149"),
        ("CP 5140", "T1CP5140", "exact", "T1CP5149"),
        ("CP 5140", "14CP5140", "exact", "T1CP5149"),
        ("CP51??", "T1CP5140", "wildcard", "T1CP5149"),
        ("T?CP5140", "CP5140", "wildcard", "T1CP5149"),
    ],
)
def test_a_plate_matches_with_or_without_its_small_prefix(
    entry: str, read: str, rule: str, other: str
) -> None:
    m = _m(PlateEntryRef("e1", "w", entry), PlateEntryRef("other", "w", other))
    hits = m.match(read, now=NOW, char_confidences=[0.99] * len(read))
    assert [(h.entry_id, h.rule, h.matched_text) for h in hits] == [("e1", rule, read)]


def test_a_1995_plate_read_with_another_region_number_is_not_the_same_plate() -> None:
    m = _m(PlateEntryRef("e1", "w", "0784022PE"))
    assert m.match("0284022PE", now=NOW, char_confidences=[0.99] * 9) == []
    assert [h.rule for h in m.match("0284022PE", now=NOW)] == ["fuzzy"]  # one edit, no confidences
