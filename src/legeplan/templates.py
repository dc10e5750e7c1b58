"""Empty, documented templates for every input file (comments in Norwegian), and a small TOML writer.

Each template loads as it stands with the loader of its file kind (the tests check that), so a municipality can
start from it, change the values and run. Facts that are in the register (hjemler, lists, ages, institutions) are
typed there once; the scenario and assumption templates hold only what the register does not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, time
from typing import Any

#: The kinds `legeplan template KIND` writes, with a default file name.
TEMPLATE_FILES: dict[str, str] = {
    "scenario": "scenario.toml",
    "rota-problem": "vaktproblem.toml",
    "institutions": "institusjoner.toml",
    "economics": "forutsetninger.toml",
    "actions": "tiltaksplan.toml",
}

SCENARIO_TEMPLATE = """\
# Scenario for dimensjonering av fastlegehjemler (legeplan dimension).
#
# Med «legeplan dimension SCENARIO -m KOMMUNENR» kommer dagens fakta fra registeret: hjemler, listelengder,
# ledige plasser, legenes alder, planlagte listereduksjoner og vedtatte/planlagte hjemler (ALIS, vekst,
# erstatning). Da holder denne fila bare det som ikke står i registeret: framskrivingen, målene og
# forutsetningene. Brukt alene (uten -m) må også «positions» og listelengden stå her.

name = "Kommunens scenario"            # Navn som vises i tabeller og i planen
source = "SSB befolkningsframskriving og kommunens mål"

# Dagens hjemler og listelengde: bare når fila brukes uten register (med -m overstyres de av registeret).
positions = 1                          # Fastlegehjemler i dag
average_list_length = 1000             # Gjennomsnittlig listelengde i dag

# Mål (ta bort # for å bruke):
# target_list_length = 900             # Ønsket gjennomsnittlig listelengde (kortere lister gir flere hjemler)
# target_free_share = 0.07             # Ønsket ledig kapasitet som andel (0,07 = 7 %, nasjonalt mål)

retirement_age = 70                    # Alder legene regnes å gå av med pensjon
rounding = "nearest"                   # Avrunding av hjemler: nearest, up eller down
# residents_listed_elsewhere = 0       # Innbyggere med fastlege i en annen kommune
# guest_patients = 0                   # Pasienter fra andre kommuner på listene her
# age_weights = { "0-17" = 0.6, "18-66" = 1.0, "67+" = 2.0 }  # Relativ legebruk per aldersgruppe
# Nye hjemler per år når fila brukes uten register (med -m står de i registerets «planlagte_hjemler»):
# alis_planned = { "2026" = 1 }          # Nye ALIS-hjemler
# growth_planned = { "2026" = 1 }        # Vedtatte eller planlagte nye hjemler som ikke er ALIS
# replacements_planned = { "2027" = 1 }  # Kjente erstatninger utover pensjoneringene (f.eks. oppsigelser)

# Befolkningen per år. Første år er grunnåret; er det samme år som registerets folketall, brukes registerets
# tall og veksten fra framskrivingen. Alternativt: [projection] file = "ssb_14288.json", region = "KOMMUNENR".
[[projection]]
year = 2025
by_age = { "alle" = 10000 }

[[projection]]
year = 2029
by_age = { "alle" = 10000 }
"""

ROTA_PROBLEM_TEMPLATE = """\
# Vaktproblem for legevaktturnus (legeplan rota solve).
#
# «legeplan rota problem -m KOMMUNENR --from ÅÅÅÅ-MM-DD --to ÅÅÅÅ-MM-DD --out vaktproblem.toml» fyller inn legene
# fra registeret (med kompetanse etter akuttmedisinforskriften § 7). Her er et tomt problem med én lege.

name = "Legevaktturnus"
start = 2026-01-05                     # Første dag i perioden
end = 2026-02-01                       # Siste dag i perioden
min_rest_hours = 8                     # Minste hvile mellom to vakter (timer)
rest_after_night_hours = 8             # Hvile etter nattevakt (timer)
spread_days = 3                        # Helst ikke mer enn én vakt i et vindu på så mange dager

# Vakttyper: days = "weekdays" (hverdager), "weekends_holidays" (helg og helligdag) eller "all" (alle dager).
# on_site = true er tilstedevakt, false er hjemmevakt. En vakt som slutter før den starter, går over midnatt.
[[shift_types]]
id = "kveld"
name = "Kveldsvakt"
start = "15:30"
end = "23:00"
days = "all"
on_site = true

[[shift_types]]
id = "natt"
name = "Nattevakt"
start = "23:00"
end = "08:00"
days = "all"
on_site = false

# Leger: kompetanse etter § 7 (spesialist, eller 30 måneders klinisk tjeneste og enten 40 legevakter eller ett år
# som allmennlege i kommunen). lis1 = true: aldri alene uten bakvakt. opt_in_60 = true: 60 år eller eldre som vil
# ta legevakt. unavailable = [{ start = 2026-01-10, end = 2026-01-12 }] for fravær.
[[doctors]]
id = "lege1"
name = "Lege Én"
age = 45
specialist = true
clinical_months = 120
legevakter = 200

# Ønsker: kind = "avoid" (slippe vakt) eller "want" (ha vakt), eventuelt for én vakttype.
# [[wishes]]
# doctor = "lege1"
# date = 2026-01-17
# kind = "avoid"
"""

INSTITUTIONS_TEMPLATE = """\
# Institusjoner og enheter med legeoppgaver (legeplan duties FIL).
#
# Står institusjonene i registeret (arket «institusjoner»), bruk «legeplan duties -m KOMMUNENR» i stedet.
# kind: nursing_home_long_term (sykehjem langtid), nursing_home_short_term (korttid/rehabilitering),
# emergency_beds (ØHD), health_station (helsestasjon), school_health (skolehelse), prison (fengsel),
# reception_centre (asylmottak) eller other (annet).

municipality_code = "0000"             # Kommunenummer (fire siffer)

[[institutions]]
id = "sykehjem1"
name = "Sykehjemmet"
kind = "nursing_home_long_term"
places = 0                             # Antall plasser
doctor_hours_per_week = 0.0            # Legetimer per uke
"""

ECONOMICS_TEMPLATE = """\
# Satser og forutsetninger for økonomi (legeplan economics --assumptions FIL).
#
# Ta bort # og endre tallene til kommunens egne. Det som ikke står her, får standardverdien (seed-planenes tall).
# Antall hjemler, ledige hjemler og folketall kommer fra registeret med -m KOMMUNENR.

# fee_income_per_patient = 1300.0      # Refusjoner og egenandeler per listepasient per år (kr)
# practice_cost_per_year = 900000.0    # Kontor, personale og utstyr per hjemmel per år (kr)
# salary_per_year = 1100000.0          # Fastlønn per år (kr)
# employer_cost_share = 0.25           # Arbeidsgiveravgift og pensjon som andel av lønn
# subsidy_8_2_per_year = 300000.0      # Kommunalt tilskudd i en 8.2-avtale per år (kr)
# locum_cost_per_vacancy = 1000000.0   # Merkostnad per ledig hjemmel per år med vikarbyrå (kr)
source = "Kommunens satser og forutsetninger"

# [basistilskudd]
# rate_below_knekkpunkt = 577.0        # kr per pasient opp til knekkpunktet
# rate_above_knekkpunkt = 499.0        # kr per pasient over knekkpunktet
# knekkpunkt = 1000                    # Antall pasienter med høy sats
# floor_patients = 500                 # Lister under dette betales som så mange pasienter

# [bonus]
# kind = "rate"                        # rate (andel av inntekt) eller threshold (alt over en terskel)
# share = 0.3
"""

ACTIONS_TEMPLATE = """\
# Tiltaksplan (legeplan actions show FIL; legeplan actions convert for regneark).
#
# Styringsmål har et nummer (id); hvert tiltak viser til et styringsmål (goal) og har et nummer som «1.1».
# status: planlagt, pågår, fortløpende, videreføres, gjennomført, utsatt eller avlyst.
# cost.kind: amount (beløp), range (fra-til), to_be_calculated, to_be_assessed, self_financing, state_funded,
# within_budget eller none.

title = "Tiltaksplan"
municipality = "Kommunen"
period = "2026–2029"
source = "Kommunens tiltaksplan"

[[goals]]
id = 1
text = "Styringsmål 1"
area = "Fastlegeordningen"

[[measures]]
number = "1.1"
goal = 1
title = "Første tiltak"
responsible = "Kommuneoverlegen"
deadline = "2026"
status = "planlagt"
cost = { kind = "none" }
"""

TEMPLATES: dict[str, str] = {
    "scenario": SCENARIO_TEMPLATE,
    "rota-problem": ROTA_PROBLEM_TEMPLATE,
    "institutions": INSTITUTIONS_TEMPLATE,
    "economics": ECONOMICS_TEMPLATE,
    "actions": ACTIONS_TEMPLATE,
}


def template_text(kind: str) -> str:
    if kind not in TEMPLATES:
        raise KeyError(f"ukjent mal {kind!r}; finnes: {', '.join(TEMPLATES)}")
    return TEMPLATES[kind]


# --- a small TOML writer -----------------------------------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return json.dumps(value.strftime("%H:%M"))
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(v, Mapping) for v in value)


def to_toml(data: Mapping[str, Any], header: str = "") -> str:
    """TOML for a document of scalars, tables (one level) and arrays of tables; None values are left out."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    if lines:
        lines.append("")
    for key, value in data.items():
        if value is None or isinstance(value, Mapping) or _is_table_list(value):
            continue
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        if isinstance(value, Mapping):
            lines.append(f"\n[{_key(key)}]")
            lines.extend(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None)
        elif _is_table_list(value):
            for row in value:
                lines.append(f"\n[[{_key(key)}]]")
                lines.extend(f"{_key(k)} = {_value(v)}" for k, v in row.items() if v is not None)
    return "\n".join(lines) + "\n"
