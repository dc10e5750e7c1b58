"""The municipality's Markdown: to HTML for the web page and PDF, and as a token stream for Word.

Raw HTML in the text is not passed through (markdown-it's «html» option is off), so the text cannot break the page
or inject script; tables («| a | b |») are allowed. Images are off: `![tekst](adresse)` is kept as a link, so an address
typed in the text is never fetched when the PDF is made, nor shown from another site in a reader's browser."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table").disable("image")


def to_html(text: str) -> str:
    html: str = _parser().render(text)
    return html


def tokens(text: str) -> list[Token]:
    return _parser().parse(text)


def plain_text(text: str) -> str:
    """The words of the Markdown without markup (for checks and search)."""
    words: list[str] = []
    for token in tokens(text):
        if token.type == "inline":
            words.extend(child.content for child in token.children or [] if child.type in ("text", "code_inline"))
    return " ".join(words)
