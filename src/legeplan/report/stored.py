"""A municipality's plan inputs from the database: the register (with earlier snapshots as history), the stored plan
text, the statistics cache and, while the plan is on høring or adopted, the høringsuttalelser. Shared by
`legeplan report -m` and the web app's report job (legeplan.jobs.handlers), so both make the same document."""

from __future__ import annotations

from datetime import date

from legeplan.plan.consultation import ConsultationComment
from legeplan.plan.lifecycle import PlanState, PlanVersion
from legeplan.plan.outline import file_name
from legeplan.plan.text import PlanTextSource, SourceFile
from legeplan.report.inputs import PlanInputs
from legeplan.storage.repository import Storage


def _subtitle(stored: PlanVersion, as_of: date) -> str:
    """«Planperiode 2025–2028. Vedtatt 12.06.2024, sak 24/1234. Datagrunnlag per 01.08.2024»."""
    period = f"Planperiode {stored.period()}. " if stored.period() else ""
    return f"{period}{stored.describe()}. Datagrunnlag per {as_of:%d.%m.%Y}"


def stored_inputs(
    storage: Storage, code: str, *, as_of: date | None = None, generated: date, version: int | None = None
) -> PlanInputs:
    """The inputs of the municipality's plan. An adopted plan is made from the register date frozen at adoption
    unless `as_of` says otherwise, and its cover says «Vedtatt …, sak …». `version` picks a stored text version
    (default: the latest). LookupError when the municipality has no register (or no such version)."""
    from legeplan.statistics.figures import plan_comparisons
    from legeplan.storage.plan_comments import list_comments
    from legeplan.storage.plan_texts import plan_version
    from legeplan.storage.statistics_tables import StatisticsStore

    stored = plan_version(storage, code, version)
    if version is not None and stored is None:
        raise LookupError(f"kommune {code} har ingen plantekst med versjon {version}")
    if as_of is None and stored is not None and stored.register_as_of is not None:
        as_of = stored.register_as_of
    register = storage.load_register(code, as_of=as_of)
    history = tuple(
        storage.load_register(code, as_of=when) for when in storage.snapshot_dates(code) if when < register.as_of
    )
    statistics = plan_comparisons(StatisticsStore(storage), register.municipality.code)
    text = None
    comments: tuple[ConsultationComment, ...] = ()
    if stored is not None:
        origin = f"databasen, versjon {stored.version}"
        text = PlanTextSource(
            folder=origin,
            files={
                chapter_id: SourceFile(path=f"{origin}: {file_name(chapter_id)}", text=markdown)
                for chapter_id, markdown in stored.files.items()
            },
        )
        if stored.state in (PlanState.CONSULTATION, PlanState.ADOPTED):
            comments = tuple(list_comments(storage, code))
    return PlanInputs(
        register=register,
        generated=generated,
        history=history,
        previous_register=history[0] if history else None,
        text=text,
        subtitle=_subtitle(stored, register.as_of) if stored is not None else "",
        statistics=statistics,
        consultation=comments,
    )
