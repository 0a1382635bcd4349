"""Display width of Thai text, cell cleaning and the table and JSON writers."""

from __future__ import annotations

import io
import json

import pytest

from nextschool.cli._output import (
    Column,
    JsonArrayWriter,
    Progress,
    TableWriter,
    clean_cell,
    display_width,
    truncate,
)


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("สมชาย", 5),  # consonants and SARA AA: one column each
        ("สมศักดิ์", 5),  # MAI HAN-AKAT, SARA I and THANTHAKHAT sit on their letters
        ("น้ำ", 2),  # MAI THO takes no column; SARA AM takes one
        ("เด็กหญิง", 6),  # MAITAIKHU and SARA I take none
        ("ม.1/1", 5),
        ("学校", 4),  # wide characters take two
        ("", 0),
    ],
)
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


def test_truncate_keeps_marks_with_their_letter_and_fits() -> None:
    text = "นางสาวรุ่งนภา พันธุ์ดี"
    for width in range(2, display_width(text)):
        cut = truncate(text, width)
        assert display_width(cut) <= width
        assert cut.endswith("…")
        assert text.startswith(cut[:-1])
    assert truncate(text, display_width(text)) == text
    # A cut right after ร keeps its marks: ุ and ่ take no room.
    assert truncate("รุ่งนภา", 2) == "รุ่…"


def test_control_characters_cannot_reach_the_terminal() -> None:
    assert clean_cell("a\x1b[31mb\nc\td") == "a\ufffd[31mb c d"
    assert clean_cell(None) == ""
    assert clean_cell(12) == "12"


def test_table_columns_align_by_screen_columns() -> None:
    rows = [("สมศักดิ์", 1), ("Ann", 22), ("น้ำฝน", 333)]
    columns: list[Column[tuple[str, int]]] = [
        Column("Name", lambda r: r[0]),
        Column("N", lambda r: r[1], "right"),
    ]
    stream = io.StringIO()
    writer = TableWriter(columns, stream)
    writer.write(rows)
    writer.finish()

    lines = stream.getvalue().splitlines()
    assert lines == [
        "Name     N",
        "─────  ───",
        "สมศักดิ์    1",
        "Ann     22",
        "น้ำฝน   333",
    ]
    assert {display_width(line) for line in lines} == {10}


def test_empty_table_still_has_its_header() -> None:
    stream = io.StringIO()
    TableWriter([Column[str]("Name", str)], stream).finish()
    assert stream.getvalue() == "Name\n────\n"


def test_json_array_writer_streams_valid_json() -> None:
    cases: list[list[list[dict[str, object]]]] = [
        [],
        [[]],
        [[{"ชื่อ": "สมชาย"}], [], [{"id": 2}, {"id": 3}]],
    ]
    for batches in cases:
        stream = io.StringIO()
        writer = JsonArrayWriter(stream)
        for batch in batches:
            writer.write(batch)
        writer.finish()
        assert json.loads(stream.getvalue()) == [row for batch in batches for row in batch]
    assert "สมชาย" in stream.getvalue()


def test_progress_lines_outside_a_terminal_and_silence_when_quiet() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    progress.page(100, 1)
    progress.done(150)
    assert stream.getvalue() == (
        "nextschool: fetched 100 rows (page 1)\nnextschool: done: 150 rows\n"
    )

    quiet = io.StringIO()
    Progress(quiet, enabled=False).page(1, 1)
    assert quiet.getvalue() == ""
