"""Hypothesis strategies for malformed NextSchool API answers.

Integers go well beyond what a float can hold, as JSON allows.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from email.utils import format_datetime

from hypothesis import settings
from hypothesis import strategies as st

from ._payloads import Json, template_data
from ._scripted_api import CannedResponse

BEYOND_FLOAT_RANGE = 10**400


def scaled_examples(n: int) -> int:
    """`n` examples at the default budget of 100, scaled to the loaded profile's.

    The profiles are in tests/conftest.py: "ci" (derandomised, the default) and
    "long" (random, ten times the examples).
    """
    budget: int = settings().max_examples
    return max(1, n * budget // 100)


edge_numbers = st.sampled_from(
    [
        0,
        -1,
        1,
        -86_400,
        2**31,
        2**53 + 1,
        2**64,
        BEYOND_FLOAT_RANGE,
        -BEYOND_FLOAT_RANGE,
        1e300,
        -0.0,
    ]
)
json_integers = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63),
    st.integers(min_value=-BEYOND_FLOAT_RANGE, max_value=BEYOND_FLOAT_RANGE),
    edge_numbers.filter(lambda number: isinstance(number, int)),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    json_integers,
    st.floats(),  # NaN and +-Infinity too: json.dumps writes them as NaN/Infinity
    st.text(max_size=24),
)
json_values: st.SearchStrategy[Json] = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=10,
)

# --- wrong shapes derived from a valid payload ------------------------------------


def _paths(value: Json, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _wrong_types(value: Json) -> st.SearchStrategy[Json]:
    """Values of a type the field does not have, including the classic confusions."""
    if isinstance(value, bool) or value is None:
        return st.sampled_from([0, 1, "true", [], {}, "null"])
    if isinstance(value, int):
        fractional = value + 0.5 if abs(value) < 2**53 else 0.5
        wrong = st.sampled_from([str(value), fractional, [value], {"value": value}, True])
        return st.one_of(wrong, edge_numbers)
    if isinstance(value, str):
        return st.sampled_from([0, -1, 1.5, [value], {"text": value}, False])
    if isinstance(value, list):
        return st.sampled_from([{}, {"0": value[0] if value else None}, "[]", 0, None])
    return st.sampled_from([[], [value], "{}", 0, 1.5, None, True])


@st.composite
def _mutate_once(draw: st.DrawFn, document: Json) -> Json:
    path = draw(st.sampled_from(_paths(document)))
    action = draw(st.sampled_from(["replace", "retype", "delete", "wrap", "null"]))
    if not path:
        return draw(json_values) if action == "replace" else draw(_wrong_types(document))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    current = parent[key]
    if action == "delete":
        del parent[key]
    elif action == "replace":
        parent[key] = draw(json_values)
    elif action == "retype":
        parent[key] = draw(_wrong_types(current))
    elif action == "wrap":
        parent[key] = [current]
    else:
        parent[key] = None
    return document


@st.composite
def mutated_payloads(draw: st.DrawFn, operation: str) -> Json:
    """A valid `data` payload with one to three wrong types or missing keys."""
    document: Json = copy.deepcopy(template_data(operation))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        document = draw(_mutate_once(document))
    return document


# --- GraphQL errors of every shape ---------------------------------------------------

http_dates = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(timezone.utc)
).map(lambda moment: format_datetime(moment, usegmt=True))
retry_after_text = st.one_of(
    http_dates,
    st.sampled_from(
        [
            "",
            "-1",
            "-86400",
            "0",
            " 5 ",
            "1.5",
            "1e999",
            "-1e999",
            "NaN",
            "nan",
            "inf",
            "Infinity",
            "0x10",
            "9" * 400,
            "Mon, 32 Jan 2024 25:61:61 GMT",
            "Mon, 01 Jan 0000 00:00:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 -2359",
            "Sat, 01 Jan 0001 00:00:00 +2359",
            "Wed, 21 Oct 2015 07:28:00",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)
retry_after_values = st.one_of(
    edge_numbers,
    json_integers,
    st.floats(),
    st.booleans(),
    retry_after_text,
    json_values,
)
error_codes = st.one_of(
    st.sampled_from(
        [
            "UNAUTHENTICATED",
            "FORBIDDEN",
            "RATE_LIMITED",
            "INTERNAL_SERVER_ERROR",
            "BAD_USER_INPUT",
            "GRAPHQL_VALIDATION_FAILED",
        ]
    ),
    json_values,
)
error_messages = st.one_of(
    st.sampled_from(
        ["Invalid credentials", "Invalid or expired refresh token", "Not authenticated", ""]
    ),
    json_values,
)
extensions = st.one_of(
    st.fixed_dictionaries({}, optional={"code": error_codes, "retryAfter": retry_after_values}),
    json_values,
)
error_entries = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "message": error_messages,
            "extensions": extensions,
            "path": st.one_of(st.lists(st.one_of(st.text(max_size=8), json_integers)), json_values),
            "locations": st.one_of(
                st.lists(
                    st.fixed_dictionaries(
                        {}, optional={"line": json_values, "column": json_integers}
                    ),
                    max_size=3,
                ),
                json_values,
            ),
        },
    ),
    json_values,
)
errors_members = st.one_of(st.lists(error_entries, max_size=4), json_values)


rate_limited_documents = st.builds(
    lambda message, retry_after: {
        "errors": [
            {"message": message, "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after}}
        ]
    },
    error_messages,
    retry_after_values,
)


def error_documents(operation: str) -> st.SearchStrategy[Json]:
    """`{"errors": ...}`, sometimes with `data`: null, junk, valid or half-valid."""
    data = st.one_of(
        st.none(),
        json_values,
        st.just(template_data(operation)),
        mutated_payloads(operation),
    )
    return st.fixed_dictionaries({"errors": errors_members}, optional={"data": data})


def data_documents(operation: str) -> st.SearchStrategy[Json]:
    """`{"data": ...}` with the payload bent out of shape, or no GraphQL envelope at all."""
    return st.one_of(
        st.builds(lambda payload: {"data": payload}, mutated_payloads(operation)),
        st.builds(lambda payload: {"data": payload}, json_values),
        json_values,
        st.dictionaries(st.text(max_size=10), json_values, max_size=3),
    )


# --- raw bodies ---------------------------------------------------------------------


def _html_page(status: int, title: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>{status} {title}</title></head>"
        f"<body><h1>{title}</h1><hr><center>nginx</center></body></html>"
    ).encode()


html_pages = st.builds(
    _html_page,
    st.sampled_from([400, 403, 404, 500, 502, 503, 504]),
    st.sampled_from(["Bad Gateway", "Service Unavailable", "Gateway Time-out", "Forbidden"])
    | st.text(max_size=30),
)


def _nested(depth: int, opener: str, closer: str, inner: str) -> bytes:
    return (opener * depth + inner + closer * depth).encode()


deeply_nested = st.one_of(
    st.builds(lambda depth: _nested(depth, "[", "]", ""), st.integers(50, 20_000)),
    st.builds(lambda depth: _nested(depth, '{"a":', "}", "1"), st.integers(50, 20_000)),
    st.builds(
        lambda depth: b'{"data":' + _nested(depth, '{"students":', "}", "[]") + b"}",
        st.integers(50, 5_000),
    ),
    st.builds(
        lambda depth: (
            b'{"errors":[{"message":"x","extensions":'
            + _nested(depth, '{"code":', "}", '"RATE_LIMITED"')
            + b"}]}"
        ),
        st.integers(50, 5_000),
    ),
)


def _encode(document: Json, ascii_only: bool) -> bytes:
    return json.dumps(document, ensure_ascii=ascii_only).encode()


def json_bodies(documents: st.SearchStrategy[Json]) -> st.SearchStrategy[bytes]:
    return st.builds(_encode, documents, st.booleans())


@st.composite
def _damaged_valid_body(draw: st.DrawFn, operation: str) -> bytes:
    body = json.dumps({"data": template_data(operation)}, ensure_ascii=False).encode()
    how = draw(st.sampled_from(["truncate", "trailing", "utf16", "bom", "nul"]))
    if how == "truncate":
        return body[: draw(st.integers(0, len(body) - 1))]
    if how == "trailing":
        return body + draw(st.sampled_from([b"}", b",", b" garbage", b"\x00", b"{}"]))
    if how == "utf16":
        return json.dumps({"data": template_data(operation)}, ensure_ascii=False).encode("utf-16")
    if how == "bom":
        return b"\xef\xbb\xbf" + body
    return body.replace(b":", b":\x00", 1)


def bodies(operation: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(str.encode),
        html_pages,
        st.just(b""),
        deeply_nested,
        _damaged_valid_body(operation),
        json_bodies(json_values),
        json_bodies(data_documents(operation)),
        json_bodies(error_documents(operation)),
        json_bodies(rate_limited_documents),
    )


# --- statuses and headers -------------------------------------------------------------

statuses = st.one_of(
    st.just(200),
    st.sampled_from([201, 204, 301, 400, 401, 403, 404, 413, 429, 500, 502, 503, 504]),
    st.integers(min_value=200, max_value=599),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/graphql-response+json",
        "text/html; charset=iso-8859-1",
        "text/plain",
        "application/octet-stream",
    ]
)
# A wrong Content-Encoding makes httpx fail while decoding the body; kept rare
# so it does not hide what the body itself would do.
content_encodings = st.sampled_from((None,) * 12 + ("gzip", "deflate", "identity", "x-unknown"))


@st.composite
def header_sets(draw: st.DrawFn) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    if draw(st.booleans()):
        headers.append(("content-type", draw(content_types)))
    if draw(st.booleans()):
        headers.append(("retry-after", draw(retry_after_text)))
    encoding = draw(content_encodings)
    if encoding is not None:
        headers.append(("content-encoding", encoding))
    return tuple(headers)


@st.composite
def malformed_responses(draw: st.DrawFn, operation: str) -> CannedResponse:
    """An answer a broken server, proxy or load balancer could send for `operation`."""
    return CannedResponse(draw(statuses), draw(bodies(operation)), draw(header_sets()))
