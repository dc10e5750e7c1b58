"""A chapter's text as the plan will show it: `{{ names }}` filled in, comments out, Markdown to HTML with raw HTML
escaped (legeplan.report.markdown), under the outline's section titles. Used by the web editor's «Forhåndsvis»."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from legeplan.plan.outline import outline
from legeplan.plan.text import PlanTextError, SourceFile, render_chapter
from legeplan.report.markdown import to_html


@dataclass(frozen=True)
class Preview:
    html: Markup
    error: str = ""


def preview_chapter(chapter_id: str, markdown: str, values: Mapping[str, str]) -> Preview:
    """The chapter's HTML, or the error (unknown name, broken `{{ … }}`) in words and no HTML."""
    chapter = outline(chapter_id)
    try:
        text = render_chapter(chapter, SourceFile(path=chapter.title, text=markdown), values)
    except PlanTextError as error:
        return Preview(Markup(""), str(error))
    parts: list[str] = []
    if text.intro:
        parts.append(to_html(text.intro))
    for section in text.sections:
        parts.append(f"<h3>{escape(section.title)}</h3>")
        parts.append(to_html(section.markdown))
    # Safe as markup: to_html escapes raw HTML (markdown-it with html off) and refuses javascript: links.
    return Preview(Markup("".join(parts)))
