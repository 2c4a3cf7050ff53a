"""A region of interest 'x,y,w,h' as a camera or an API caller writes it."""

from __future__ import annotations

import pytest

from shared.schemas import BBox


def test_four_ascii_integers_make_a_box() -> None:
    assert BBox.parse_csv(" 0, 360 ,1280,360") == BBox(x=0, y=360, w=1280, h=360)


@pytest.mark.parametrize(
    "text",
    [
        "1,2,3",  # three parts
        "1,2,3,4,",  # a trailing comma
        "-1,2,3,4",  # negative
        "1.5,2,3,4",  # not whole
        "a,2,3,4",
        "١,2,3,4",  # an Arabic-Indic one: str.isdigit() says yes, a box in pixels says no
        "１,2,3,4",  # a full-width one
        "1,2,0,4",  # no width
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        BBox.parse_csv(text)
