"""The kind of operation a document runs, which decides whether it may be re-sent."""

from __future__ import annotations

import pytest

from nextschool._operation_type import is_mutation

CASES = [
    ("mutation Logout($t: String!) { logout(refreshToken: $t) }", None, True),
    ("\nquery Students { students { id } }", "Students", False),
    ("{ students { id } }", None, False),
    ("# mutation in a comment\n{ visitStats { total } }", None, False),
    ('# a comment\nmutation { logout(refreshToken: "x") }', None, True),
    ('fragment F on Student { id }\nmutation M { logout(refreshToken: "x") }', "M", True),
    ("fragment F on Student { id }\nquery Q { students { ...F } }", None, False),
    ('query Q($s: String = "mutation M {") { students(search: $s) { id } }', "Q", False),
    ('query Q { students(search: """\nmutation {\n""") { id } }', None, False),
    ('query A { visitStats { total } } mutation B { logout(refreshToken: "x") }', "A", False),
    ('query A { visitStats { total } } mutation B { logout(refreshToken: "x") }', "B", True),
    # Which one runs is not said: treated as a mutation, never re-sent.
    ('query A { visitStats { total } } mutation B { logout(refreshToken: "x") }', None, True),
    ("query mutation { visitStats { total } }", "mutation", False),
    ("query Q @include(if: true) { visitStats { total } }", None, False),
]


@pytest.mark.parametrize(("document", "operation_name", "expected"), CASES)
def test_is_mutation(document: str, operation_name: str | None, expected: bool) -> None:
    assert is_mutation(document, operation_name) is expected
