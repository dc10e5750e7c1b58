"""Properties of the text merge: plain text passes through unchanged, and every outline heading lands in its own
section whatever the text under it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from legeplan.plan.outline import outline
from legeplan.plan.text import SourceFile, render_chapter

PLAIN = st.text(alphabet="abcæøå ABCÆØÅ.,;:!?-0123456789\n", min_size=1, max_size=200).filter(
    lambda text: text.strip() and not any(line.lstrip().startswith("#") for line in text.splitlines())
)
CHAPTER = outline("legevakt")


@settings(max_examples=60, deadline=None)
@given(PLAIN)
def test_plain_text_passes_through(text: str) -> None:
    rendered = render_chapter(CHAPTER, SourceFile(path="08-legevakt.md", text=text), {})
    assert rendered.intro == "\n".join(text.splitlines()).strip()
    assert rendered.sections == ()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([s.key for s in CHAPTER.sections]), min_size=1, max_size=5, unique=True), PLAIN)
def test_each_heading_becomes_its_section(keys: list[str], body: str) -> None:
    text = "\n\n".join(f"## {CHAPTER.section(key).title}\n\n{body} {key}" for key in keys)
    rendered = render_chapter(CHAPTER, SourceFile(path="08-legevakt.md", text=text), {})
    assert [section.key for section in rendered.sections] == keys
    for key in keys:
        assert rendered.section(key).endswith(f" {key}")
