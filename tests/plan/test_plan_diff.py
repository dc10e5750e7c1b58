"""The chapter diff: both texts can be read back from the rows, changed words are marked, equal texts give none."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from legeplan.plan.diff import line_diff
from legeplan.plan.preview import preview_chapter

lines = st.lists(st.sampled_from(["Status", "To leger går vakt.", "Tre leger går vakt.", "", "- punkt", "Mål"]))


@given(lines, lines)
def test_the_rows_give_back_both_texts(old: list[str], new: list[str]) -> None:
    rows = line_diff("\n".join(old), "\n".join(new), context=None)
    assert ["".join(p.text for p in row.old) for row in rows if row.old_number] == "\n".join(old).splitlines()
    assert ["".join(p.text for p in row.new) for row in rows if row.new_number] == "\n".join(new).splitlines()
    assert [row.old_number for row in rows if row.old_number] == list(range(1, len("\n".join(old).splitlines()) + 1))


@given(lines)
def test_equal_texts_have_no_difference(text: list[str]) -> None:
    assert line_diff("\n".join(text), "\n".join(text)) == []


def test_a_changed_word_is_marked_and_far_lines_are_left_out() -> None:
    old = "\n".join(f"Linje {n}." for n in range(1, 21))
    new = old.replace("Linje 10.", "Linje ti.")
    rows = line_diff(old, new)
    assert len(rows) == 7  # three lines of context either side
    (changed,) = [row for row in rows if row.kind == "changed"]
    assert [(p.text, p.kind) for p in changed.old] == [("Linje ", "same"), ("10", "removed"), (".", "same")]
    assert [(p.text, p.kind) for p in changed.new] == [("Linje ", "same"), ("ti", "added"), (".", "same")]


def test_preview_refuses_script_links_and_raw_html() -> None:
    html = str(preview_chapter("legevakt", "[klikk](javascript:alert(1)) <img src=x onerror=alert(1)>", {}).html)
    assert "href" not in html and "<img" not in html and "&lt;img" in html  # the link stays text
