"""The plan's text edited chapter by chapter (optimistic concurrency, no-op saves), høringsuttalelser with the
municipality's answers, and their appendix in the plan document."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from legeplan.plan.consultation import CommentConflict, CommentDraft, CommentStatus
from legeplan.plan.lifecycle import PlanState
from legeplan.register.demo import demo_register
from legeplan.report.build import build_plan
from legeplan.report.stored import stored_inputs
from legeplan.storage import Storage, plan_texts
from legeplan.storage.plan_comments import add_comment, answer_comment, get_comment, list_comments, update_comment
from legeplan.storage.plan_texts import (
    PlanTextConflict,
    plan_version,
    plan_versions,
    save_plan_chapter,
    set_plan_period,
    set_plan_state,
)

CODE = "3804"


def test_chapter_saves_are_versions_and_the_same_text_is_no_new_version(storage: Storage) -> None:
    first, saved = save_plan_chapter(storage, CODE, "legevakt", "## Status\r\n\r\nTo leger.", "kari", None)
    assert saved and first.version == 1 and first.files == {"legevakt": "## Status\n\nTo leger.\n"}
    again, saved = save_plan_chapter(storage, CODE, "legevakt", "## Status\n\nTo leger.\n\n", "ola", 1)
    assert not saved and again.version == 1
    second, saved = save_plan_chapter(storage, CODE, "innledning", "Innledning.", "ola", 1)
    assert saved and second.version == 2 and set(second.files) == {"legevakt", "innledning"}
    assert [v.author for v in plan_versions(storage, CODE)] == ["kari", "ola"]


def test_a_stale_save_of_the_same_chapter_is_a_conflict_with_both_texts(storage: Storage) -> None:
    save_plan_chapter(storage, CODE, "legevakt", "Første.", "kari", None)
    save_plan_chapter(storage, CODE, "legevakt", "Karis endring.", "kari", 1)
    with pytest.raises(PlanTextConflict) as caught:
        save_plan_chapter(storage, CODE, "legevakt", "Olas endring.", "ola", 1)
    assert caught.value.theirs == "Karis endring.\n" and caught.value.yours == "Olas endring.\n"
    assert caught.value.latest.version == 2
    latest = plan_version(storage, CODE)
    assert latest is not None and latest.version == 2  # nothing saved


def test_a_stale_save_of_another_chapter_goes_on_top(storage: Storage) -> None:
    save_plan_chapter(storage, CODE, "legevakt", "Legevakt.", "kari", None)
    save_plan_chapter(storage, CODE, "legevakt", "Legevakt 2.", "kari", 1)
    merged, saved = save_plan_chapter(storage, CODE, "innledning", "Innledning.", "ola", 1)
    assert saved and merged.files == {"legevakt": "Legevakt 2.\n", "innledning": "Innledning.\n"}


def test_comments_round_trip_and_answers_are_guarded(storage: Storage) -> None:
    draft = CommentDraft(
        sender="Allmennlegeutvalget (ALU)", received=date(2021, 6, 1), chapter_id="legevakt", text="For få leger."
    )
    added = add_comment(storage, CODE, draft, "kari")
    general = add_comment(
        storage, CODE, CommentDraft(sender="Eldrerådet", received=date(2021, 5, 20), text="Bra plan."), "kari"
    )
    assert [c.id for c in list_comments(storage, CODE)] == [general.id, added.id]  # by date received
    assert list_comments(storage, "1804") == [] and get_comment(storage, "1804", added.id) is None
    assert general.chapter_title() == "Hele planen" and added.chapter_title() == "Legevakt"
    answered = answer_comment(storage, CODE, added.id, "Vi utreder bakvakt.", CommentStatus.PARTLY, "ola")
    assert answered.revision == 2 and answered.updated_by == "ola" and answered.created_by == "kari"
    stored = get_comment(storage, CODE, added.id)
    assert stored == answered and stored.status is CommentStatus.PARTLY
    with pytest.raises(CommentConflict) as caught:
        update_comment(storage, CODE, added.id, draft, "per", expected_revision=1)
    assert caught.value.current.answer == "Vi utreder bakvakt."
    with pytest.raises(LookupError):
        answer_comment(storage, CODE, 999, "x", CommentStatus.NOTED, "ola")


def test_a_comment_needs_a_sender_text_and_a_known_chapter() -> None:
    with pytest.raises(ValueError, match="ukjent kapittel"):
        CommentDraft(sender="ALU", received=date(2021, 6, 1), chapter_id="tull", text="x")
    with pytest.raises(ValueError):
        CommentDraft(sender="  ", received=date(2021, 6, 1), text="x")
    assert CommentDraft(sender="ALU", received=date(2021, 6, 1), chapter_id="", text="x").chapter_id is None


def test_the_plan_gets_the_consultation_appendix_only_on_hearing_or_adopted(storage: Storage) -> None:
    storage.save_register(demo_register())
    save_plan_chapter(storage, CODE, "legevakt", "## Status\n\nLegevakten har {{ leger_legevakt }} leger.", "k", None)
    comment = add_comment(
        storage,
        CODE,
        CommentDraft(sender="Fastlege Kari Nordmann", received=date(2020, 9, 15), text="Bakvakt mangler."),
        "kari",
    )
    answer_comment(storage, CODE, comment.id, "Bakvakt innføres i 2021.", CommentStatus.FOLLOWED, "ola")

    def appendix() -> list[list[str]] | None:
        document = build_plan(stored_inputs(storage, CODE, generated=date(2020, 10, 1)))
        last = document.chapters[-1]
        if last.id != "horingsuttalelser":
            return None
        tables = [block for block in last.blocks if block.kind == "table"]
        return tables[0].rows  # type: ignore[union-attr]

    assert appendix() is None  # a draft has no høring yet
    set_plan_state(storage, CODE, PlanState.CONSULTATION, author="ola", when=date(2020, 9, 1))
    rows = appendix()
    assert rows == [
        [
            "1",
            "Fastlege Kari Nordmann, 15.09.2020",
            "Hele planen",
            "Bakvakt mangler.",
            "Tatt til følge. Bakvakt innføres i 2021.",
        ]
    ]


def test_the_period_is_kept_from_version_to_version_and_named_on_the_cover(storage: Storage) -> None:
    storage.save_register(demo_register())
    save_plan_chapter(storage, CODE, "legevakt", "Tekst.", "kari", None)
    with pytest.raises(ValueError, match="slutter"):
        set_plan_period(storage, CODE, 2028, 2025, "kari")
    dated = set_plan_period(storage, CODE, 2025, 2028, "kari")
    assert dated.version == 2 and dated.period() == "2025–2028" and dated.files == {"legevakt": "Tekst.\n"}
    assert set_plan_period(storage, CODE, 2025, 2028, "ola").version == 2  # the same period is no new version
    later, _ = save_plan_chapter(storage, CODE, "innledning", "Innledning.", "ola", 2)
    assert later.period() == "2025–2028"
    inputs = stored_inputs(storage, CODE, generated=date(2025, 1, 2))
    assert inputs.subtitle.startswith("Planperiode 2025–2028. Utkast, versjon 3. Datagrunnlag per 01.08.2020")


def test_of_simultaneous_saves_of_one_chapter_one_wins(storage: Storage) -> None:
    save_plan_chapter(storage, CODE, "legevakt", "Første.", "kari", None)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def save(number: int) -> None:
        barrier.wait()
        try:
            save_plan_chapter(storage, CODE, "legevakt", f"Tekst {number}.", f"lege{number}", 1)
            outcomes.append("saved")
        except PlanTextConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    assert [v.version for v in plan_versions(storage, CODE)] == [1, 2]


def test_only_the_newest_plan_documents_are_kept(storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_texts, "KEEP_DOCUMENTS", 3)
    for number in range(5):
        plan_texts.save_plan_document(
            storage,
            f"job{number}",
            CODE,
            created_by="kari",
            file_name=f"plan{number}.pdf",
            media_type="application/pdf",
            internal=False,
            text_version=None,
            content=b"%PDF" + bytes([number]),
        )
    plan_texts.save_plan_document(
        storage,
        "other",
        "1804",
        created_by="x",
        file_name="b.pdf",
        media_type="application/pdf",
        internal=True,
        text_version=None,
        content=b"%PDF",
    )
    assert [d.id for d in plan_texts.plan_documents(storage, CODE)] == ["job4", "job3", "job2"]
    found = plan_texts.plan_document_content(storage, CODE, "job4")
    assert found is not None and found[1] == b"%PDF\x04" and found[0].size == 5
    assert plan_texts.plan_document_content(storage, CODE, "other") is None  # another municipality's
    assert len(plan_texts.plan_documents(storage, "1804")) == 1
