"""Tables sized for Thai text, JSON output, and progress lines.

Thai vowel and tone marks (ั ิ ่ ้ ...) are combining characters (category Mn)
drawn on top of the consonant before them: they take no column of their own,
so `len()` overstates the width of Thai names and misaligns a table.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TextIO, TypeVar

import pydantic

RowT = TypeVar("RowT")

# Cells wider than this are cut with an ellipsis, so one long address does not
# push every other column off the screen.
MAX_CELL_WIDTH = 48
ELLIPSIS = "…"
_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def char_width(char: str) -> int:
    if unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES or unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(char) for char in text)


def clean_cell(value: object) -> str:
    """A value as one line of plain text.

    Control characters (including ESC) are replaced: data from a server must
    not be able to move the cursor or recolour the user's terminal.
    """
    if value is None:
        return ""
    text = str(value)
    return "".join(
        " "
        if char in "\t\n\r"
        else "\N{REPLACEMENT CHARACTER}"
        if unicodedata.category(char) == "Cc"
        else char
        for char in text
    )


def truncate(text: str, width: int) -> str:
    """Cut `text` to at most `width` columns, keeping marks with their base letter."""
    if display_width(text) <= width:
        return text
    budget = width - display_width(ELLIPSIS)
    kept: list[str] = []
    used = 0
    for char in text:
        char_columns = char_width(char)
        if used + char_columns > budget:
            break
        kept.append(char)
        used += char_columns
    return "".join(kept) + ELLIPSIS


def pad(text: str, width: int, align: Literal["left", "right"]) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == "right" else text + fill


@dataclass(frozen=True)
class Column(Generic[RowT]):
    header: str
    value: Callable[[RowT], object]
    align: Literal["left", "right"] = "left"


class TableWriter(Generic[RowT]):
    """Writes rows as an aligned table, in batches as they arrive.

    The column widths are fixed by the first batch (a page of an export), so
    rows can be printed before the rest have been fetched; a wider value in a
    later batch makes its own line longer instead of realigning the others.
    """

    def __init__(self, columns: Sequence[Column[RowT]], stream: TextIO) -> None:
        self._columns = columns
        self._stream = stream
        self._widths: list[int] | None = None

    def write(self, rows: Sequence[RowT]) -> None:
        cells = [
            [truncate(clean_cell(column.value(row)), MAX_CELL_WIDTH) for column in self._columns]
            for row in rows
        ]
        if self._widths is None:
            headers = [column.header for column in self._columns]
            self._widths = [
                max([display_width(text) for text in column_cells])
                for column_cells in zip(headers, *cells, strict=True)
            ]
            self._line(headers)
            self._stream.write("  ".join("─" * width for width in self._widths).rstrip() + "\n")
        for line in cells:
            self._line(line)
        self._stream.flush()

    def finish(self) -> None:
        if self._widths is None:
            self.write([])

    def _line(self, cells: Sequence[str]) -> None:
        assert self._widths is not None
        parts = [
            pad(cell, width, column.align)
            for cell, width, column in zip(cells, self._widths, self._columns, strict=True)
        ]
        self._stream.write("  ".join(parts).rstrip() + "\n")


def write_table(columns: Sequence[Column[RowT]], rows: Sequence[RowT], stream: TextIO) -> None:
    writer = TableWriter(columns, stream)
    writer.write(rows)
    writer.finish()


def write_fields(pairs: Iterable[tuple[str, object]], stream: TextIO) -> None:
    """One record as a two-column `field  value` list."""
    rows = [(label, value) for label, value in pairs]
    columns: list[Column[tuple[str, object]]] = [
        Column("Field", lambda pair: pair[0]),
        Column("Value", lambda pair: pair[1]),
    ]
    write_table(columns, rows, stream)


def to_json_value(value: object) -> Any:
    """API models in the API's own field names (camelCase), ready for json.dumps."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    return value


def write_json(value: object, stream: TextIO) -> None:
    json.dump(to_json_value(value), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    stream.flush()


class JsonArrayWriter:
    """Streams rows as one JSON array, one row per line, as they arrive."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._count = 0

    def write(self, rows: Sequence[object]) -> None:
        for row in rows:
            prefix = "[\n" if self._count == 0 else ",\n"
            self._stream.write(prefix + json.dumps(to_json_value(row), ensure_ascii=False))
            self._count += 1
        self._stream.flush()

    def finish(self) -> None:
        self._stream.write("[]\n" if self._count == 0 else "\n]\n")
        self._stream.flush()


class Progress:
    """Export progress on stderr: a line per page, or one updated line on a terminal."""

    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self._stream = stream
        self._enabled = enabled
        self._interactive = enabled and stream.isatty()

    def page(self, rows: int, page: int) -> None:
        self._emit(f"fetched {rows} rows (page {page})")

    def done(self, rows: int) -> None:
        self._emit(f"done: {rows} rows", final=True)

    def _emit(self, text: str, *, final: bool = False) -> None:
        if not self._enabled:
            return
        text = "nextschool: " + text
        if self._interactive:
            self._stream.write("\r\033[K" + text + ("\n" if final else ""))
        else:
            self._stream.write(text + "\n")
        self._stream.flush()
