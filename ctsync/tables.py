"""Rows of text cells as the commands print them: columns left-aligned, two spaces apart."""
from __future__ import annotations

from collections.abc import Sequence


def aligned(rows: Sequence[Sequence[str]], cap: int | None = None) -> list[str]:
    """One line per row (the header first); with ``cap``, no cell is wider than that."""
    cut = [[cell[:cap] if cap else cell for cell in row] for row in rows]
    widths = [max(len(row[index]) for row in cut) for index in range(len(cut[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cut]
