"""A fictional but realistic demo municipality built from the Sandefjord plan's published figures (seed 001).

What comes from the plan: 54 fastlegehjemler, average list 1143 (61 722 listed), 1013 free list places, 14
legekontorer, 40 of 54 GPs specialists in general practice, 21 women, mean age 48.2 in 2020 with 18 aged 50 or more,
5 LIS1, and the nursing homes (6 institutions, 393 places, 7.5 doctor årsverk). Names of physicians, the
distribution of list lengths and the agreement history are invented, deterministically.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from legeplan.register.models import (
    Agreement,
    ExemptionKind,
    Institution,
    InstitutionKind,
    Municipality,
    Office,
    OperatingModel,
    Physician,
    PhysicianRole,
    Position,
    PositionStatus,
    Register,
    Sex,
    SpecialistStatus,
)

DEMO_CODE = "3804"
DEMO_AS_OF = date(2020, 8, 1)
#: The period over which the demo history gives stability and turnover (two years before the register date).
DEMO_PERIOD = (date(2018, 8, 1), DEMO_AS_OF)

_OFFICES = [
    "Legene Sentrum Vest",
    "Legehuset Sandefjord",
    "Tempo Legesenter",
    "Kilen Legesenter",
    "Solvang Legesenter",
    "Sandefjord Helsepark",
    "Landstad Legesenter",
    "Sandefjord Legesenter",
    "Gleditchgården Legesenter",
    "Familielegen",
    "Annen Etage Legesenter",
    "Andebu Legesenter",
    "Helsehuset Stokke-legene",
    "Stokke Legesenter",
]
#: (name, kind, places, doctor årsverk) from the Sandefjord plan's table "Sykehjem".
_NURSING_HOMES = [
    ("Sandefjord medisinske senter", InstitutionKind.NURSING_HOME_SHORT_TERM, 59, 3.8),
    ("Nygård bo- og behandlingssenter", InstitutionKind.NURSING_HOME_LONG_TERM, 126, 1.4),
    ("Kamfjordhjemmet bo- og behandlingssenter", InstitutionKind.NURSING_HOME_LONG_TERM, 64, 0.8),
    ("Mosserødhjemmet", InstitutionKind.NURSING_HOME_LONG_TERM, 58, 0.4),
    ("Soletunet bo- og behandlingssenter", InstitutionKind.NURSING_HOME_LONG_TERM, 47, 0.7),
    ("Andebu sykehjem", InstitutionKind.NURSING_HOME_LONG_TERM, 39, 0.4),
]
_FIRST_F = ["Anne", "Ingrid", "Kari", "Marit", "Silje", "Hanne", "Ida", "Nora", "Tone", "Line", "Eva"]
_FIRST_M = ["Ole", "Lars", "Per", "Jon", "Erik", "Knut", "Hans", "Arne", "Odd", "Nils", "Tor", "Geir"]
_LAST = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Berg"]

POSITIONS = 54
LISTED = 61_722
FREE = 1_013
SPECIALISTS = 40
WOMEN = 21
OPEN_LISTS = 9


def _ages() -> list[int]:
    """54 ages with 18 aged 50+ and a mean of 48.2 (sum 2603) as the plan states for 2020."""
    older = [50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 68]
    younger = [32 + (i * 7) % 18 for i in range(36)]  # 32..49
    deficit = 2603 - sum(older) - sum(younger)
    i = 0
    while deficit != 0:  # spread the rest over the younger group, keeping everyone under 50
        step = 1 if deficit > 0 else -1
        if 30 <= younger[i % 36] + step <= 49:
            younger[i % 36] += step
            deficit -= step
        i += 1
    return older + younger


def _lists() -> tuple[list[int], list[int]]:
    """Listed patients and list ceilings: 61 722 listed, 1013 free on 9 open lists."""
    listed = [900 + (i * 37) % 500 for i in range(POSITIONS)]
    diff = LISTED - sum(listed)
    for i in range(POSITIONS):  # distribute the remainder evenly
        listed[i] += diff // POSITIONS + (1 if i < diff % POSITIONS else 0)
    free_each = [FREE // OPEN_LISTS + (1 if i < FREE % OPEN_LISTS else 0) for i in range(OPEN_LISTS)]
    ceilings = list(listed)
    for k, free in enumerate(free_each):
        ceilings[k * 6] += free
    return listed, ceilings


def _name(i: int, female: bool) -> str:
    first = (_FIRST_F if female else _FIRST_M)[i % (len(_FIRST_F) if female else len(_FIRST_M))]
    return f"{first} {_LAST[(i * 3) % len(_LAST)]}"


@cache
def demo_register() -> Register:
    municipality = Municipality(
        code=DEMO_CODE, name="Sandefjord (demo)", population=64_500, population_date=date(2020, 7, 1), centrality=3
    )
    offices = tuple(
        Office(id=f"K{i + 1:02d}", municipality_code=DEMO_CODE, name=name) for i, name in enumerate(_OFFICES)
    )
    listed, ceilings = _lists()
    ages = _ages()
    positions: list[Position] = []
    physicians: list[Physician] = []
    agreements: list[Agreement] = []
    models = [OperatingModel.NAERINGSDRIFT] * 50 + [OperatingModel.SUBSIDISED_8_2] * 2 + [OperatingModel.FASTLONN] * 2
    for i in range(POSITIONS):
        pos_id = f"H{i + 1:03d}"
        female = i % 54 in {j * 54 // WOMEN for j in range(WOMEN)}
        age = ages[i]
        # Replaced doctors: every 6th hjemmel changed hands during the demo period (9 of 54).
        replaced = i % 6 == 3
        start = date(2019, 3, 1) if replaced else date(max(1990, DEMO_AS_OF.year - (age - 31)), 1, 1)
        positions.append(
            Position(
                id=pos_id,
                municipality_code=DEMO_CODE,
                office_id=offices[i % len(offices)].id,
                list_ceiling=ceilings[i],
                listed_patients=listed[i],
                operating_model=models[i],
                status=PositionStatus.FILLED,
            )
        )
        physicians.append(
            Physician(
                id=f"L{i + 1:03d}",
                municipality_code=DEMO_CODE,
                name=_name(i, female),
                birth_year=DEMO_AS_OF.year - age,
                sex=Sex.FEMALE if female else Sex.MALE,
                specialist_status=SpecialistStatus.SPECIALIST if i < SPECIALISTS else SpecialistStatus.IN_TRAINING,
                role=PhysicianRole.GP if i < SPECIALISTS else PhysicianRole.ALIS,
                position_id=pos_id,
                start_date=start,
                municipal_duty_hours=[0.0, 2.0, 4.0, 7.5][i % 4],
                legevakt_participation=age < 60,
                legevakt_exempt=age >= 60,
                exemption_kind=ExemptionKind.AGE if age >= 60 else None,
            )
        )
        agreements.append(Agreement(position_id=pos_id, physician_id=f"L{i + 1:03d}", start_date=start))
        if replaced:
            former = f"T{i + 1:03d}"
            physicians.append(
                Physician(
                    id=former,
                    municipality_code=DEMO_CODE,
                    name=_name(i + 5, not female),
                    birth_year=1960 + i % 20,
                    sex=Sex.MALE if female else Sex.FEMALE,
                    specialist_status=SpecialistStatus.SPECIALIST,
                    role=PhysicianRole.GP,
                    start_date=date(2010, 1, 1),
                    end_date=date(2018, 12, 31),
                )
            )
            agreements.append(
                Agreement(
                    position_id=pos_id, physician_id=former, start_date=date(2010, 1, 1), end_date=date(2018, 12, 31)
                )
            )
            agreements.append(
                Agreement(position_id=pos_id, start_date=date(2019, 1, 1), end_date=date(2019, 2, 28))  # vacant
            )
    for k in range(5):  # 5 LIS1 at four offices
        physicians.append(
            Physician(
                id=f"LIS{k + 1}",
                municipality_code=DEMO_CODE,
                name=_name(k + 20, k % 2 == 0),
                birth_year=1993 + k % 3,
                sex=Sex.FEMALE if k % 2 == 0 else Sex.MALE,
                role=PhysicianRole.LIS1,
                start_date=date(2020, 3, 1),
            )
        )
    institutions = tuple(
        Institution(
            id=f"S{i + 1:02d}",
            municipality_code=DEMO_CODE,
            name=name,
            kind=kind,
            places=places,
            doctor_hours_per_week=round(fte * 37.5, 2),
        )
        for i, (name, kind, places, fte) in enumerate(_NURSING_HOMES)
    )
    return Register(
        as_of=DEMO_AS_OF,
        municipality=municipality,
        offices=offices,
        positions=tuple(positions),
        physicians=tuple(physicians),
        agreements=tuple(agreements),
        institutions=institutions,
    )


def generated_register(
    code: str,
    name: str,
    *,
    population: int,
    positions: int,
    as_of: date = date(2021, 1, 1),
    centrality: int = 5,
    alis: int = 2,
    mean_list: int = 950,
    seed: int = 7,
) -> Register:
    """A deterministic made-up register of any size (for tests and examples): `positions` hjemler with lists around
    `mean_list`, `alis` of them held by ALIS, one vacant hjemmel when there are ten or more, two institutions."""
    offices = (Office(id="K1", municipality_code=code, name=f"{name} legesenter"),)
    hjemler: list[Position] = []
    doctors: list[Physician] = []
    agreements: list[Agreement] = []
    for i in range(positions):
        listed = mean_list - 150 + (i * 53 + seed * 17) % 300
        ceiling = listed + (i * 7 + seed) % 40
        vacant = positions >= 10 and i == positions - 1
        pos_id = f"H{i + 1:03d}"
        hjemler.append(
            Position(
                id=pos_id,
                municipality_code=code,
                office_id="K1",
                list_ceiling=ceiling,
                listed_patients=listed,
                operating_model=OperatingModel.FASTLONN if i % 4 == 0 else OperatingModel.NAERINGSDRIFT,
                status=PositionStatus.VACANT if vacant else PositionStatus.FILLED,
            )
        )
        if vacant:
            continue
        is_alis = i < alis
        age = 30 + (i * 11 + seed) % 38
        start = date(max(1990, as_of.year - max(1, age - 32)), 1, 1)
        doctors.append(
            Physician(
                id=f"L{i + 1:03d}",
                municipality_code=code,
                name=_name(i + seed, i % 2 == 0),
                birth_year=as_of.year - age,
                sex=Sex.FEMALE if i % 2 == 0 else Sex.MALE,
                specialist_status=SpecialistStatus.IN_TRAINING if is_alis else SpecialistStatus.SPECIALIST,
                role=PhysicianRole.ALIS if is_alis else PhysicianRole.GP,
                position_id=pos_id,
                start_date=start,
                municipal_duty_hours=[2.0, 4.0, 7.5][i % 3],
                legevakt_participation=age < 60,
                legevakt_exempt=age >= 60,
                exemption_kind=ExemptionKind.AGE if age >= 60 else None,
            )
        )
        agreements.append(Agreement(position_id=pos_id, physician_id=f"L{i + 1:03d}", start_date=start))
    institutions = (
        Institution(
            id="S1",
            municipality_code=code,
            name=f"{name} sykehjem",
            kind=InstitutionKind.NURSING_HOME_LONG_TERM,
            places=20 + positions,
            doctor_hours_per_week=round(0.3 * (20 + positions), 1),
        ),
        Institution(id="HS1", municipality_code=code, name=f"{name} helsestasjon", kind=InstitutionKind.HEALTH_STATION),
    )
    return Register(
        as_of=as_of,
        municipality=Municipality(
            code=code, name=name, population=population, population_date=as_of, centrality=centrality
        ),
        offices=offices,
        positions=tuple(hjemler),
        physicians=tuple(doctors),
        agreements=tuple(agreements),
        institutions=institutions,
    )
