"""The result table: one row per benchmark, ours beside each alternative."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ._timing import RatioStats

PASS = "PASS"
MISS = "MISS"
INFO = "info"


@dataclass(frozen=True)
class Comparison:
    """Ours against one alternative, measured in the same run."""

    baseline: str
    ratio: str
    target: str = "-"
    verdict: str = INFO
    rounds: str = ""  # min and spread of the per-round ratios; rounds that met the target


@dataclass(frozen=True)
class Row:
    number: str
    what: str
    ours: str
    comparisons: tuple[Comparison, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def missed(self) -> bool:
        return any(c.verdict == MISS for c in self.comparisons)


HEADERS = ("#", "What", "Ours", "Baseline", "Ratio", "Rounds", "Target", "Result")


def _lines(rows: list[Row]) -> list[tuple[str, ...]]:
    lines: list[tuple[str, ...]] = []
    for row in rows:
        for index, comparison in enumerate(row.comparisons):
            first = index == 0
            lines.append(
                (
                    row.number if first else "",
                    row.what if first else "",
                    row.ours if first else "",
                    comparison.baseline,
                    comparison.ratio,
                    comparison.rounds or "-",
                    comparison.target,
                    comparison.verdict,
                )
            )
    return lines


def render_text(rows: list[Row]) -> str:
    lines = _lines(rows)
    widths = [max(len(cells[i]) for cells in [HEADERS, *lines]) for i in range(len(HEADERS))]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    out = [fmt(HEADERS), rule]
    previous = None
    for row, cells in zip(_row_of_each_line(rows), lines, strict=True):
        if previous is not None and row is not previous:
            out.append("")
        out.append(fmt(cells))
        previous = row
    return "\n".join(out)


def render_markdown(rows: list[Row]) -> str:
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out += ["| " + " | ".join(cells) + " |" for cells in _lines(rows)]
    return "\n".join(out)


def _row_of_each_line(rows: list[Row]) -> list[Row]:
    return [row for row in rows for _ in row.comparisons]


def rate(calls_per_second: float) -> str:
    return f"{calls_per_second:,.0f} calls/s"


def times(ratio: float) -> str:
    return f"{ratio:.2f}x"


def shown(ratio: float) -> float:
    """The ratio as printed; verdicts use it, so a row never contradicts itself."""
    return round(ratio, 2)


def verdict(ok: bool) -> str:
    return PASS if ok else MISS


def compare(
    baseline: str, stats: RatioStats, *, at_most: float | None = None, below: float | None = None
) -> Comparison:
    """A ratio comparison: median of the rounds, their min and spread, and the target.

    `at_most` is a target the median must not exceed, `below` one it must stay
    under (a margin); either way the rounds that met it are counted.
    """
    summary = f"min {times(stats.minimum)}, spread {stats.spread:.2f}"
    ok: Callable[[float], bool]
    if at_most is not None:
        target, ok = f"<= {at_most:.2f}x", (lambda value: value <= at_most)
    elif below is not None:
        target, ok = f"< {below:.2f}x", (lambda value: value < below)
    else:
        return Comparison(baseline, times(stats.median), rounds=summary)
    met = f"{stats.met(ok)}/{len(stats.rounds)} met"
    return Comparison(
        baseline,
        times(stats.median),
        target,
        verdict(ok(shown(stats.median))),
        f"{summary}, {met}",
    )
