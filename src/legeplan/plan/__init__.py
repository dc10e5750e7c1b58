"""The plan as the municipality's document: the outline of chapters, the municipality's own text, and the figures
the text may quote. The report (legeplan.report) merges computed chapters with this text."""

from legeplan.plan.outline import CHAPTER_IDS, OUTLINE, ChapterOutline, SectionOutline, file_name, outline
from legeplan.plan.text import (
    ChapterText,
    PlanText,
    PlanTextError,
    PlanTextSource,
    TextSection,
    demo_text_folder,
    read_text_folder,
    render_plan_text,
    write_text_folder,
)
from legeplan.plan.variables import TEXT_VARIABLES

__all__ = [
    "CHAPTER_IDS",
    "OUTLINE",
    "TEXT_VARIABLES",
    "ChapterOutline",
    "ChapterText",
    "PlanText",
    "PlanTextError",
    "PlanTextSource",
    "SectionOutline",
    "TextSection",
    "demo_text_folder",
    "file_name",
    "outline",
    "read_text_folder",
    "render_plan_text",
    "write_text_folder",
]
