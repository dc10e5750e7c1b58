"""The front's page count (cover and contents) foreseen from its entries, so that a plan's first PDF need not lay the
front out once only to count its pages (issue #15: 0,45 s of one process before the chapters could start).

The contents page numbers depend on the front's page count, and the front's layout on nothing but its entries. This
module reckons the contents' height from `plan.css` (the values below are that stylesheet's, in millimetres) twice:
with every title as short and as long as its characters can make it, and with and without the room a page break can
leave unused. Only when both give the same count is it returned; otherwise None, and the front is laid out to count
it as before. `render_in_parts` checks the count against the laid-out front and lays the front out again on a miss,
so a wrong foresight costs time, never a wrong page number (`tests/report/test_pdf_front.py` holds the reckoning to
WeasyPrint's layout for plans of 1–21 chapters and long titles).
"""

from __future__ import annotations

import math

from legeplan.report.document import PlanDocument

_PT = 25.4 / 72
#: The page area: A4 less the top and bottom margins of `@page` (22 mm each).
PAGE_HEIGHT = 297.0 - 2 * 22.0
#: The text width: A4 less the page margins (20 and 22 mm) and `main`'s padding (6 mm on each side).
TEXT_WIDTH = 210.0 - 20.0 - 22.0 - 2 * 6.0
_LINE_HEIGHT = 1.45
#: «Innhold»: 17 pt, 2 mm padding and 4 mm margin below; the list's 1 em margin (10 pt) above (the one below falls away
#: at the page's foot).
HEADING = 17 * _LINE_HEIGHT * _PT + 2.0 + 4.0 + 10 * _PT
#: A chapter's entry: bold 10 pt lines and 1,5 mm padding above and below (around its sections too).
CHAPTER_LINE, CHAPTER_PADDING, CHAPTER_EM = 10 * _LINE_HEIGHT * _PT, 3.0, 10 * _PT
#: A section's entry: 8,8 pt lines, 0,4 mm padding above and below, indented 6 mm.
SECTION_LINE, SECTION_PADDING, SECTION_EM, SECTION_INDENT = 8.8 * _LINE_HEIGHT * _PT, 0.8, 8.8 * _PT, 6.0
#: The room kept at the right of a chapter's entry for its page number (`padding-right: 3em`).
NUMBER_WIDTH = 3 * CHAPTER_EM
#: Average advance of a character in DejaVu Sans, as a share of the em: at least and at most (bold is wider).
NARROW, WIDE = 0.45, 0.8
#: A line broken between words leaves up to this share of the width empty.
RAGGED = 0.8
#: What a page break can leave unused at a page's foot: the tallest piece that cannot be split, an entry's line with
#: its padding, and two lines more where a paragraph keeps its lines together.
BREAK_WASTE = CHAPTER_LINE + CHAPTER_PADDING + 2 * CHAPTER_LINE


def _lines(text: str, em: float, width: float) -> tuple[int, int]:
    """The fewest and the most lines `text` can take at `width`."""
    fewest = max(1, math.ceil(len(text) * NARROW * em / width))
    most = max(1, math.ceil(len(text) * WIDE * em / (width * RAGGED)))
    return fewest, most


def _pages(height: float, waste: float) -> int:
    """Pages for `height` of content when each page break can leave `waste` unused."""
    pages = 1
    while pages * PAGE_HEIGHT < height + (pages - 1) * waste:
        pages += 1
    return pages


def contents_height(doc: PlanDocument) -> tuple[float, float]:
    """The contents' height in millimetres, at least and at most."""
    low = high = HEADING
    for number, chapter in enumerate(doc.chapters, start=1):
        fewest, most = _lines(f"{number}. {chapter.title}", CHAPTER_EM, TEXT_WIDTH - NUMBER_WIDTH)
        low += CHAPTER_PADDING + fewest * CHAPTER_LINE
        high += CHAPTER_PADDING + most * CHAPTER_LINE
        for section_number, section in enumerate(chapter.sections, start=1):
            label = f"{number}.{section_number} {section.title}"
            fewest, most = _lines(label, SECTION_EM, TEXT_WIDTH - SECTION_INDENT)
            low += SECTION_PADDING + fewest * SECTION_LINE
            high += SECTION_PADDING + most * SECTION_LINE
    return low, high


def foreseen_front_pages(doc: PlanDocument) -> int | None:
    """The cover's one page and the contents' pages, when the reckoning is sure of them; else None."""
    low, high = contents_height(doc)
    fewest, most = _pages(low, 0.0), _pages(high, BREAK_WASTE)
    return 1 + fewest if fewest == most else None


__all__ = ["contents_height", "foreseen_front_pages"]
