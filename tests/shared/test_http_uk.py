"""Framework body-parse details worded in both languages (``shared.http_uk``)."""

from __future__ import annotations

import pytest

from shared.http_uk import describe_body_error


@pytest.mark.parametrize(
    ("detail", "code", "needle_en", "needle_uk"),
    [
        ("Invalid multipart data.", "bad_multipart", "boundaries or part headers", "пошкоджені межі"),
        ("Missing boundary in multipart.", "bad_multipart", "no boundary", "немає межі"),
        ("Too many files. Maximum number of files is 1.", "bad_multipart", "at most 1 are", "щонайбільше 1"),
        ("Too many fields. Maximum number of fields is 16.", "bad_multipart", "at most 16", "щонайбільше 16"),
        ("Part exceeded maximum size of 1024KB.", "bad_multipart", "than 1024 KB", "за 1024 КБ"),
        ("Field exceeded maximum size of 1024KB.", "bad_multipart", "than 1024 KB", "за 1024 КБ"),
        (
            'The Content-Disposition header field "name" must be provided.',
            "bad_multipart",
            "no field name",
            "без name",
        ),
        (
            "Repeated Content-Disposition header in a multipart part.",
            "bad_multipart",
            "more than one Content-Disposition",
            "більше ніж один заголовок",
        ),
        ("There was an error parsing the body", "bad_body", "cannot be parsed", "неможливо розібрати"),
    ],
)
def test_known_details_are_worded_in_both_languages(
    detail: str, code: str, needle_en: str, needle_uk: str
) -> None:
    described = describe_body_error(detail)
    assert described is not None
    got_code, en, uk = described
    assert (got_code, needle_en in en, needle_uk in uk) == (code, True, True)
    assert detail not in uk  # the framework's English is not passed off as Ukrainian


@pytest.mark.parametrize("detail", ["Not Found", "Invalid multipart data and more", "", None, {"a": 1}])
def test_other_details_are_left_to_the_caller(detail: object) -> None:
    assert describe_body_error(detail) is None
