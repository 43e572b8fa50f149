"""Marks on a PDF's pages — highlights, searched words, find matches, the selection — as
boxes of the characters they cover, and the character nearest a point. Page points, y
upwards, as PDFium gives a character's box."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor


@dataclass(frozen=True)
class Mark:
    start: int  # offsets in the article's text
    end: int
    color: QColor
    underline: QColor | None = None
    key: object = None  # what the mark stands for (a note id)



def line_boxes(boxes: array, first: int, last: int) -> list[QRectF]:
    """The boxes of characters first..last-1 merged line by line."""
    rects: list[QRectF] = []
    for i in range(first, min(last, len(boxes) // 4)):
        x0, y0, x1, y1 = boxes[4 * i: 4 * i + 4]
        if x1 <= x0 or y1 <= y0:
            continue
        if rects:
            r = rects[-1]
            height = r.height()
            if abs(y0 - r.top()) < height * 0.6 and x0 >= r.left() - height:
                rects[-1] = r.united(QRectF(x0, y0, x1 - x0, y1 - y0))
                continue
        rects.append(QRectF(x0, y0, x1 - x0, y1 - y0))
    return rects


def nearest_char(boxes: array, x: float, y: float) -> int:
    """The character whose box is nearest a point (in page points): on its line first."""
    best, best_cost = 0, float("inf")
    for i in range(len(boxes) // 4):
        x0, y0, x1, y1 = boxes[4 * i: 4 * i + 4]
        if x1 <= x0 or y1 <= y0:
            continue
        dy = 0.0 if y0 <= y <= y1 else min(abs(y - y0), abs(y - y1))
        dx = 0.0 if x0 <= x <= x1 else min(abs(x - x0), abs(x - x1))
        cost = dy * 10 + dx
        if cost < best_cost:
            best, best_cost = i, cost
            if cost == 0:
                break
    return best
