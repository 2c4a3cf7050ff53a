"""Region codes of Ukrainian plates.

Letter prefixes of the 2004/2015 format (DSTU 4278): the 2004 codes, the 2013
codes (A->K, B->H, C->I) and the two further series issued since 2021 when the
older ones ran out (e.g. Kyiv AA, KA, TT, TA). Sources cross-checked: the
English and Ukrainian Wikipedia articles "Vehicle registration plates of
Ukraine", the DSTU 4278 2013 amendment as reported in the press, and the
``uk_UA`` automotive provider of the Faker library (whose Latin transliteration
was mapped back to the look-alike letters; its duplicate "TM" for Donetsk is
the Cyrillic "ТН"). Two-digit codes are the 1995-2004 numeric region codes,
still printed on 1995-format plates and on transit plates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    code: str
    name_uk: str
    name_en: str


# (name_uk, name_en, 1995 numeric code, letter prefixes: 2004, 2013, 2021 a, 2021 b)
_TABLE: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Автономна Республіка Крим", "Autonomous Republic of Crimea", "01", ("AK", "KK", "TK", "MK")),
    ("Вінницька область", "Vinnytsia Oblast", "02", ("AB", "KB", "MM", "OK")),
    ("Волинська область", "Volyn Oblast", "03", ("AC", "KC", "CM", "TC")),
    ("Дніпропетровська область", "Dnipropetrovsk Oblast", "04", ("AE", "KE", "PP", "MI")),
    ("Донецька область", "Donetsk Oblast", "05", ("AH", "KH", "TH", "MH")),
    ("Житомирська область", "Zhytomyr Oblast", "06", ("AM", "KM", "TM", "MB")),
    ("Закарпатська область", "Zakarpattia Oblast", "07", ("AO", "KO", "MT", "MO")),
    ("Запорізька область", "Zaporizhzhia Oblast", "08", ("AP", "KP", "TP", "MP")),
    ("Івано-Франківська область", "Ivano-Frankivsk Oblast", "09", ("AT", "KT", "TO", "XC")),
    ("Київська область", "Kyiv Oblast", "10", ("AI", "KI", "TI", "ME")),
    ("м. Київ", "Kyiv City", "11", ("AA", "KA", "TT", "TA")),
    ("Кіровоградська область", "Kirovohrad Oblast", "12", ("BA", "HA", "XA", "EA")),
    ("Луганська область", "Luhansk Oblast", "13", ("BB", "HB", "EE", "EB")),
    ("Львівська область", "Lviv Oblast", "14", ("BC", "HC", "CC", "EC")),
    ("Миколаївська область", "Mykolaiv Oblast", "15", ("BE", "HE", "XE", "XH")),
    ("Одеська область", "Odesa Oblast", "16", ("BH", "HH", "OO", "EH")),
    ("Полтавська область", "Poltava Oblast", "17", ("BI", "HI", "XI", "EI")),
    ("Рівненська область", "Rivne Oblast", "18", ("BK", "HK", "XK", "EK")),
    ("Сумська область", "Sumy Oblast", "19", ("BM", "HM", "XM", "EM")),
    ("Тернопільська область", "Ternopil Oblast", "20", ("BO", "HO", "XO", "EO")),
    ("Харківська область", "Kharkiv Oblast", "21", ("AX", "KX", "XX", "EX")),
    ("Херсонська область", "Kherson Oblast", "22", ("BT", "HT", "XT", "ET")),
    ("Хмельницька область", "Khmelnytskyi Oblast", "23", ("BX", "HX", "OX", "PX")),
    ("Черкаська область", "Cherkasy Oblast", "24", ("CA", "IA", "OA", "PA")),
    ("Чернігівська область", "Chernihiv Oblast", "25", ("CB", "IB", "OB", "PB")),
    ("Чернівецька область", "Chernivtsi Oblast", "26", ("CE", "IE", "OE", "PE")),
    ("м. Севастополь", "Sevastopol City", "27", ("CH", "IH", "OH", "PH")),
)

_NATIONWIDE = Region("II", "Загальнодержавна серія", "Nationwide series")
_DIIA = ("Загальнодержавна серія: реєстрація через «Дію»", "Nationwide series: registered through Diia")
_E_CABINET = (
    "Загальнодержавна серія: електронний кабінет водія",
    "Nationwide series: driver's electronic cabinet",
)
#: the nationwide series of vehicles registered online (since 2023), tied to no region
E_SERIES: dict[str, Region] = {
    code: Region(code, *names)
    for code, names in (("DI", _DIIA), ("PD", _DIIA), ("ED", _E_CABINET), ("DC", _E_CABINET))
}
#: letters a current plate's prefix may hold beyond the 12 look-alikes: the Latin D of ``E_SERIES``
E_SERIES_LETTERS = frozenset("D")


def _build() -> tuple[dict[str, Region], dict[str, Region]]:
    letters: dict[str, Region] = {}
    numeric: dict[str, Region] = {}
    for name_uk, name_en, num, prefixes in _TABLE:
        numeric[num] = Region(num, name_uk, name_en)
        for code in prefixes:
            if code in letters:  # pragma: no cover - guarded by tests too
                raise ValueError(f"duplicate region prefix {code}")
            letters[code] = Region(code, name_uk, name_en)
    letters[_NATIONWIDE.code] = _NATIONWIDE
    letters.update(E_SERIES)
    return letters, numeric


_LETTERS, _NUMERIC = _build()

#: Letter prefix (Latin look-alike form) -> Region: every prefix of the table, II and ``E_SERIES``.
REGIONS: dict[str, Region] = _LETTERS
#: 1995-2004 two-digit region code ("01".."27") -> Region.
REGIONS_1995: dict[str, Region] = _NUMERIC


def region_for_prefix(prefix: str) -> Region | None:
    return REGIONS.get(prefix)


def region_for_number(code: str) -> Region | None:
    return REGIONS_1995.get(code)
