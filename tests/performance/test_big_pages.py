"""Large bodies: the collector is held around their parse and always restored;
an answer with errors is classified before any of its data is validated."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest

from nextschool import _gc, _response
from nextschool._exceptions import GraphQLError, InvalidResponseError, RateLimitError
from nextschool._response import parse_response

ROWS = 2_000


class Counting:
    """How often the rows were validated, and whether the collector was on meanwhile."""

    validated = 0
    collector_on: set[bool] = set()  # noqa: RUF012


class Row(pydantic.BaseModel):
    id: int
    name: str

    @pydantic.model_validator(mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        Counting.validated += 1
        Counting.collector_on.add(gc.isenabled())
        return value


class Rows(pydantic.BaseModel):
    rows: list[Row]


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    Counting.validated = 0
    Counting.collector_on = set()
    assert gc.isenabled()
    yield
    assert gc.isenabled(), "the collector was left disabled"
    assert _gc.holders() == 0


def _body(rows: int, **extra: Any) -> bytes:
    data = {"rows": [{"id": n, "name": f"นักเรียน {n}"} for n in range(rows)]}
    return json.dumps({"data": data, **extra}, ensure_ascii=False).encode()


def _parse(content: bytes, status_code: int = 200) -> Any:
    return parse_response(
        operation="Rows", status_code=status_code, headers={}, content=content, model=Rows
    )


# -- the collector ----------------------------------------------------------


def test_large_bodies_are_parsed_with_the_collector_held() -> None:
    body = _body(ROWS)
    assert len(body) >= _gc.LARGE_BODY_BYTES
    assert len(_parse(body).data.rows) == ROWS
    assert Counting.collector_on == {False}


@pytest.mark.parametrize(
    ("size", "held"), [(_gc.LARGE_BODY_BYTES, True), (_gc.LARGE_BODY_BYTES - 1, False)]
)
def test_the_collector_is_held_from_exactly_the_large_body_size(size: int, held: bool) -> None:
    body = _body(3)
    body = body[:-1] + b" " * (size - len(body)) + b"}"  # JSON allows the padding
    assert len(body) == size
    assert len(_parse(body).data.rows) == 3
    assert Counting.collector_on == {not held}


def test_small_bodies_leave_the_collector_alone() -> None:
    body = _body(3)
    assert len(body) < _gc.LARGE_BODY_BYTES
    assert len(_parse(body).data.rows) == 3
    assert Counting.collector_on == {True}


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (_body(ROWS, errors=[{"message": "boom"}]), GraphQLError),
        (_body(ROWS)[:-1], InvalidResponseError),  # cut short: not JSON
        (_body(ROWS).replace(b'"id": 7,', b'"id": "seven",'), InvalidResponseError),
    ],
    ids=["graphql-error", "truncated", "invalid-data"],
)
def test_the_collector_is_restored_when_a_parse_raises(
    content: bytes, error: type[Exception]
) -> None:
    assert len(content) >= _gc.LARGE_BODY_BYTES
    with pytest.raises(error):
        _parse(content)
    assert gc.isenabled()


def test_a_collector_disabled_by_the_program_stays_disabled() -> None:
    gc.disable()
    try:
        _parse(_body(ROWS))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_holds_nest() -> None:
    with _gc.gc_held_for(_gc.LARGE_BODY_BYTES):
        _parse(_body(ROWS))
        assert not gc.isenabled(), "the inner parse ended the outer hold"
        assert _gc.holders() == 1
    assert gc.isenabled()


def test_concurrent_parses_share_one_hold() -> None:
    # Thread A holds; B parses a large body and finishes meanwhile. The
    # collector stays held until A is done, then is restored once.
    inside, release = threading.Event(), threading.Event()

    def holder() -> None:
        with _gc.gc_held_for(_gc.LARGE_BODY_BYTES):
            inside.set()
            release.wait(10)

    a = threading.Thread(target=holder)
    a.start()
    assert inside.wait(10)
    b = threading.Thread(target=_parse, args=(_body(ROWS),))
    b.start()
    b.join(30)
    assert not gc.isenabled(), "B's parse ended A's hold"
    release.set()
    a.join(10)
    assert gc.isenabled()


def test_many_threads_parsing_leave_the_collector_restored() -> None:
    body = _body(ROWS)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                assert len(_parse(body).data.rows) == ROWS
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures
    assert gc.isenabled()


def test_a_long_hold_takes_no_newcomers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Parses that keep overlapping must not keep the collector off for good.
    monkeypatch.setattr(_gc, "MAX_HOLD_SECONDS", 0.0)
    with _gc.gc_held_for(_gc.LARGE_BODY_BYTES):
        with _gc.gc_held_for(_gc.LARGE_BODY_BYTES):
            assert _gc.holders() == 1
        assert not gc.isenabled()
    assert gc.isenabled()


# -- errors before data -------------------------------------------------------


def test_an_error_answer_is_classified_before_its_data_is_validated() -> None:
    errors = [{"message": "Visit record unavailable", "path": ["rows", 5, "name"]}]
    with pytest.raises(GraphQLError) as caught:
        _parse(_body(ROWS, errors=errors))
    assert Counting.validated == 0, "the partial data was validated, then thrown away"
    assert caught.value.errors[0].message == "Visit record unavailable"
    assert caught.value.data is not None
    assert len(caught.value.data["rows"]) == ROWS


def test_errors_first_in_the_body_are_classified_before_validation_too() -> None:
    body = json.dumps({"errors": [{"message": "boom"}], "data": {"rows": [{"id": 1}]}}).encode()
    with pytest.raises(GraphQLError):
        _parse(body)
    assert Counting.validated == 0


def test_the_word_errors_in_the_data_is_still_a_success() -> None:
    body = json.dumps({"data": {"rows": [{"id": 1, "name": "errors"}]}}).encode()
    result = _parse(body)
    assert result.data.rows[0].name == "errors"


def test_an_escaped_errors_key_is_still_an_error() -> None:
    body = b'{"data": {"rows": [{"id": 1, "name": "a"}]}, "error\\u0073": [{"message": "boom"}]}'
    with pytest.raises(GraphQLError, match="boom"):
        _parse(body)


def test_errors_last_in_a_pretty_printed_body_are_classified_before_validation() -> None:
    data = {"rows": [{"id": n, "name": f"นักเรียน {n}"} for n in range(ROWS)]}
    body = json.dumps({"data": data, "errors": [{"message": "boom"}]}, indent=4).encode()
    with pytest.raises(GraphQLError, match="boom"):
        _parse(body + b"\n")
    assert Counting.validated == 0


@pytest.mark.parametrize("rows", [1, ROWS])
def test_errors_between_data_and_extensions_are_still_an_error(rows: int) -> None:
    # With many rows, `errors` is at neither end of the body: the fast path
    # validates, then must still see the envelope's errors.
    body = _body(rows, errors=[{"message": "boom"}], extensions={"cost": 3})
    with pytest.raises(GraphQLError, match="boom") as caught:
        _parse(body)
    assert caught.value.operation == "Rows"
    assert caught.value.data is not None
    assert len(caught.value.data["rows"]) == rows


@pytest.fixture
def fast_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_slow_path(*args: object) -> None:
        raise AssertionError("the body took the slow path")

    monkeypatch.setattr(_response, "_parse_slowly", no_slow_path)


@pytest.mark.usefixtures("fast_path_only")
def test_a_success_naming_errors_in_its_data_is_decoded_in_one_pass() -> None:
    # Row names anywhere but the body's two ends: no reason to leave the fast path.
    rows = [{"id": n, "name": "errors" if n == ROWS // 2 else "a"} for n in range(ROWS)]
    body = json.dumps({"data": {"rows": rows}}).encode()
    result = _parse(body)
    assert result.data.rows[ROWS // 2].name == "errors"
    assert Counting.validated == ROWS


def test_the_parsed_rows_are_not_left_for_the_next_young_collection() -> None:
    # Held, the collector still counts every allocation: without promotion the
    # first allocation after the hold runs a young collection that walks every
    # row just parsed, which is most of what holding it saved.
    if gc.get_freeze_count():
        pytest.skip("this Python keeps objects of its own frozen: the hold ends without promotion")
    body = _body(ROWS)
    collections: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(record)
    try:
        result = _parse(body)
        allocated: list[list[int]] = [[] for _ in range(50)]
    finally:
        gc.callbacks.remove(record)
    assert len(result.data.rows) == ROWS and len(allocated) == 50
    assert collections == []


def test_a_program_that_froze_objects_keeps_them_frozen() -> None:
    # The program's own frozen object, not the freeze count: objects the parse
    # frees (its own, or an instrumenting tool's) lower the count legitimately.
    # `gc.unfreeze()` would move it back into a generation `get_objects` sees.
    kept = [object()]
    gc.freeze()
    try:
        assert not _in_a_generation(kept)
        assert len(_parse(_body(ROWS)).data.rows) == ROWS
        assert not _in_a_generation(kept)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _in_a_generation(obj: object) -> bool:
    return any(other is obj for other in gc.get_objects())


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": {"rows": []}}',  # shorter than the ends looked at
        _body(ROWS) + b"\r\n",  # servers often end a body with a newline
        _body(3) + b" \n\t",
    ],
    ids=["tiny", "crlf", "whitespace"],
)
@pytest.mark.usefixtures("fast_path_only")
def test_a_success_of_any_size_and_trailing_space_is_decoded_in_one_pass(body: bytes) -> None:
    assert len(_parse(body).data.rows) == len(json.loads(body)["data"]["rows"])


def test_a_large_error_answer_names_its_operation() -> None:
    with pytest.raises(GraphQLError) as caught:
        _parse(_body(ROWS, errors=[{"message": "boom"}]))
    assert caught.value.operation == "Rows"


def test_a_large_rate_limited_answer_keeps_its_retry_after() -> None:
    with pytest.raises(RateLimitError) as caught:
        parse_response(
            operation="Rows",
            status_code=429,
            headers={"retry-after": "7"},
            content=_body(ROWS),
            model=Rows,
        )
    assert caught.value.retry_after == 7.0
    assert caught.value.operation == "Rows"
