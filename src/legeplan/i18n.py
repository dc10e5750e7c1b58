"""User-facing text of the web app and the validation messages the register import shares (bokmål).

Outside `legeplan.web` so the engines can use the messages without depending on the web layer.

Templates call `t("key")`; Python code calls `text("key", **values)`. Missing keys fall back to bokmål, then to the
key itself, so a half-finished translation never breaks a page.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

NB: dict[str, str] = {
    "app.name": "legeplan",
    "app.tagline": "Plan for legetjenesten",
    "nav.dashboard": "Oversikt",
    "nav.register": "Register",
    "nav.import": "Import",
    "nav.scenarios": "Scenarier",
    "nav.rota": "Legevakt",
    "nav.audit": "Endringslogg",
    "nav.users": "Brukere",
    "nav.logout": "Logg ut",
    "nav.municipalities": "Kommuner",
    "nav.region": "Region",
    "nav.jobs": "Jobber",
    "region.title": "Regional oversikt",
    "region.region": "Region",
    "region.all": "Hele datasettet",
    "region.from": "Fra",
    "region.to": "Til",
    "region.show": "Vis",
    "region.contents": "Innhold",
    "region.source": "Kilde:",
    "nav.skip": "Hopp til innhold",
    "nav.main": "Hovedmeny",
    "login.title": "Logg inn",
    "login.username": "Brukernavn",
    "login.password": "Passord",
    "login.submit": "Logg inn",
    "login.failed": "Feil brukernavn eller passord.",
    "login.required": "Du må logge inn.",
    "login.locked": "For mange mislykkede forsøk. Vent fem minutter og prøv igjen.",
    "error.forbidden": "Du har ikke tilgang til dette.",
    "error.not_found": "Fant ikke siden.",
    "error.csrf": "Skjemaet er utløpt eller ugyldig (CSRF). Last siden på nytt og prøv igjen.",
    "error.required": "Må fylles ut.",
    "error.number": "Må være et tall.",
    "error.integer": "Må være et heltall.",
    "error.date": "Må være en dato (ÅÅÅÅ-MM-DD).",
    "error.choice": "Ugyldig valg.",
    "error.exists": "Finnes allerede.",
    "error.unknown_reference": "Finnes ikke i registeret: {value}",
    "error.in_use": "Brukes av {users} og kan ikke slettes.",
    "error.too_large": "Filen er større enn {limit} MB.",
    "error.bad_parameter": "Ugyldig verdi for «{name}»: {message}",
    "error.bad_request": "Ugyldig forespørsel.",
    "val.invalid": "Ugyldig verdi.",
    "val.missing": "Må fylles ut.",
    "val.greater_than": "Må være større enn {gt}.",
    "val.greater_than_equal": "Må være {ge} eller mer.",
    "val.less_than": "Må være mindre enn {lt}.",
    "val.less_than_equal": "Må være {le} eller mindre.",
    "val.multiple_of": "Må være et multiplum av {multiple_of}.",
    "val.int_parsing": "Må være et heltall.",
    "val.int_type": "Må være et heltall.",
    "val.int_from_float": "Må være et heltall (uten desimaler).",
    "val.float_parsing": "Må være et tall.",
    "val.float_type": "Må være et tall.",
    "val.finite_number": "Må være et endelig tall.",
    "val.bool_parsing": "Må være ja eller nei.",
    "val.bool_type": "Må være ja eller nei.",
    "val.date_parsing": "Må være en gyldig dato (ÅÅÅÅ-MM-DD).",
    "val.date_from_datetime_parsing": "Må være en gyldig dato (ÅÅÅÅ-MM-DD).",
    "val.date_from_datetime_inexact": "Må være en dato uten klokkeslett (ÅÅÅÅ-MM-DD).",
    "val.date_type": "Må være en gyldig dato (ÅÅÅÅ-MM-DD).",
    "val.datetime_parsing": "Må være et gyldig tidspunkt.",
    "val.literal_error": "Må være en av: {expected}.",
    "val.enum": "Må være en av: {expected}.",
    "val.string_type": "Må være tekst.",
    "val.string_too_short": "Må ha minst {min_length} tegn.",
    "val.string_too_long": "Kan ha høyst {max_length} tegn.",
    "val.string_pattern_mismatch": "Har ugyldig format.",
    "val.too_short": "Må ha minst {min_length} elementer.",
    "val.too_long": "Kan ha høyst {max_length} elementer.",
    "val.extra_forbidden": "Ukjent felt.",
    "val.or": "eller",
    "role.admin": "Administrator",
    "role.editor": "Redaktør",
    "role.viewer": "Leser",
    "muni.all": "Alle kommuner",
    "muni.none": "Ingen kommuner er lagret ennå. Importer et register for å komme i gang.",
    "dash.title": "Nøkkeltall for {name}",
    "dash.as_of": "Register per {date}",
    "dash.source": "Kilde: fastlegeregisteret, {date}",
    "dash.trend_up": "opp fra {value}",
    "dash.trend_down": "ned fra {value}",
    "dash.trend_same": "uendret",
    "dash.no_previous": "Ingen tidligere registerversjon å sammenligne med.",
    "dash.charts": "Grafer",
    "dash.chart_capacity": "Listekapasitet per legekontor",
    "dash.chart_pyramid": "Fastleger etter alder og kjønn",
    "dash.chart_projection": "Framskrevet behov for fastlegehjemler ({name})",
    "dash.no_scenario": "Lag et scenario for å se framskrevet behov for hjemler.",
    "dash.listed": "Listeinnbyggere",
    "dash.free": "Ledige listeplasser",
    "dash.required": "Hjemler som trengs",
    "dash.existing": "Hjemler i dag",
    "dash.positions_axis": "Hjemler",
    "dash.places_axis": "Listeplasser",
    "reg.title": "Register for {name}",
    "reg.offices": "Legekontorer",
    "reg.positions": "Hjemler",
    "reg.physicians": "Leger",
    "reg.institutions": "Institusjoner",
    "reg.new": "Ny",
    "reg.edit": "Endre",
    "reg.delete": "Slett",
    "reg.delete_confirm": "Slette {id}?",
    "reg.save": "Lagre",
    "reg.cancel": "Avbryt",
    "reg.saved": "Lagret.",
    "reg.deleted": "Slettet.",
    "reg.empty": "Ingen rader.",
    "reg.actions": "Handlinger",
    "reg.download": "Last ned som Excel",
    "reg.none": "Ingen register er lagret for denne kommunen ennå.",
    "imp.title": "Importer register (Excel eller CSV)",
    "imp.help": "Last opp en utfylt registermal (.xlsx) eller en CSV-fil. Du ser en forhåndsvisning før noe lagres.",
    "imp.file": "Fil",
    "imp.preview": "Forhåndsvis",
    "imp.template": "Last ned tom mal",
    "imp.errors": "{count} feil i filen. Ingenting er lagret.",
    "imp.col_source": "Fil/ark",
    "imp.col_row": "Rad",
    "imp.col_column": "Kolonne",
    "imp.col_message": "Feil",
    "imp.preview_title": "Forhåndsvisning: {name} per {date}",
    "imp.counts": "{offices} legekontorer, {positions} hjemler, {physicians} leger, {institutions} institusjoner",
    "imp.confirm": "Lagre registeret",
    "imp.replaces": "Erstatter registerversjonen per {date}.",
    "imp.saved": "Registeret er lagret.",
    "imp.expired": "Forhåndsvisningen er utløpt. Last opp filen på nytt.",
    "imp.no_file": "Velg en fil.",
    "imp.out_of_scope": "Filen gjelder kommune {code}, som du ikke har tilgang til.",
    "scn.title": "Dimensjoneringsscenarier",
    "scn.name": "Navn",
    "scn.run": "Beregn",
    "scn.edit": "Endre",
    "scn.new_from": "Nytt scenario fra eksempel",
    "scn.create": "Opprett",
    "scn.compare": "Sammenlign to scenarier",
    "scn.compare_button": "Sammenlign",
    "scn.none": "Ingen scenarier ennå.",
    "scn.result": "Resultat: {name}",
    "scn.year": "År",
    "scn.population": "Befolkning",
    "scn.required": "Hjemler som trengs",
    "scn.existing": "Hjemler",
    "scn.retirements": "Pensjoneringer",
    "scn.to_recruit": "Å rekruttere",
    "scn.gap": "Mangel",
    "scn.avg_list": "Snittliste",
    "scn.avg_list_required": "Snittliste med hjemlene som trengs",
    "scn.explanations": "Forklaring",
    "scn.saved": "Scenarioet er lagret.",
    "scn.same": "Velg to forskjellige scenarier.",
    "scn.difference": "Forskjell (B − A)",
    "scn.compare_table": "År for år",
    "scn.source": "Kilde: {source}",
    "scn.field.positions": "Fastlegehjemler i dag",
    "scn.field.average_list_length": "Snittliste i dag",
    "scn.field.listed_patients": "Pasienter på listene i dag",
    "scn.field.free_places": "Ledige listeplasser i dag",
    "scn.field.residents_listed_elsewhere": "Innbyggere med fastlege i andre kommuner",
    "scn.field.guest_patients": "Pasienter fra andre kommuner",
    "scn.field.target_list_length": "Mål for snittliste",
    "scn.field.target_free_share": "Mål for ledig kapasitet (andel, f.eks. 0,07)",
    "scn.field.retirement_age": "Pensjonsalder",
    "scn.field.rounding": "Avrunding",
    "scn.rounding.nearest": "nærmeste",
    "scn.rounding.up": "opp",
    "scn.rounding.down": "ned",
    "rota.title": "Legevaktturnus",
    "rota.new": "Lag ny turnus",
    "rota.source": "Problem",
    "rota.source_example": "Eksempel: 9 leger, 4 uker",
    "rota.source_register": "Legene i registeret (samme periode og vakttyper som eksempelet)",
    "rota.source_file": "Egen fil (TOML eller JSON)",
    "rota.file": "Problemfil",
    "rota.time_limit": "Maks løsetid (sekunder)",
    "rota.solve": "Løs",
    "rota.jobs": "Tidligere turnuser",
    "rota.none": "Ingen turnuser ennå.",
    "rota.status.queued": "I kø",
    "rota.status.running": "Løser …",
    "rota.status.optimal": "Optimal",
    "rota.status.feasible": "Gyldig (ikke bevist optimal)",
    "rota.status.infeasible": "Umulig med disse reglene",
    "rota.status.cancelled": "Avbrutt",
    "rota.status.failed": "Feilet",
    "rota.status.unknown": "Ukjent",
    "rota.progress": "Nivå {tier} ({tier_name}), {solutions} løsninger, {elapsed} s",
    "rota.tier.rettferdighet_sum": "jevn fordeling totalt",
    "rota.tier.rettferdighet": "største skjevhet",
    "rota.tier.spredning": "spredning av vakter",
    "rota.tier.ønsker": "ønsker",
    "rota.register_problem": "Legevakt {name}",
    "rota.summary": "{shifts} vakter · {seconds} s · {start}–{end}",
    "rota.cancel": "Avbryt",
    "rota.download": "Last ned",
    "rota.calendar": "Kalender",
    "rota.backup": "bakvakt",
    "rota.explanation": "Hvorfor det ikke gikk",
    "rota.file_error": "Kunne ikke lese problemfilen: {error}",
    "rota.time_limit_error": "Må være mellom 1 og 600 sekunder.",
    "weekday.short": "Man,Tir,Ons,Tor,Fre,Lør,Søn",
    "month.names": "januar,februar,mars,april,mai,juni,juli,august,september,oktober,november,desember",
    "users.title": "Brukere",
    "users.username": "Brukernavn",
    "users.password": "Passord (minst 10 tegn)",
    "users.role": "Rolle",
    "users.municipality": "Kommune",
    "users.create": "Opprett bruker",
    "users.created": "Brukeren er opprettet.",
    "users.deleted": "Brukeren er slettet.",
    "users.not_self": "Du kan ikke slette deg selv.",
    "users.password_short": "Passordet må ha minst 10 tegn.",
    "users.municipality_unknown": "Ukjent kommunenummer.",
    "audit.title": "Endringslogg",
    "audit.when": "Tidspunkt",
    "audit.who": "Hvem",
    "audit.action": "Handling",
    "audit.entity": "Hva",
    "audit.before": "Før",
    "audit.after": "Etter",
    "audit.empty": "Ingen endringer er logget.",
    "audit.action.created": "opprettet",
    "audit.action.changed": "endret",
    "audit.action.deleted": "slettet",
    "audit.action.imported": "importert",
    "audit.action.rota_started": "startet turnus",
    "audit.action.user_created": "opprettet bruker",
    "audit.action.user_deleted": "slettet bruker",
    "field.id": "Id",
    "field.name": "Navn",
    "field.address": "Adresse",
    "field.office_id": "Legekontor (id)",
    "field.list_ceiling": "Listetak",
    "field.listed_patients": "Pasienter på lista",
    "field.operating_model": "Driftsform",
    "field.status": "Status",
    "field.open_list": "Åpen liste",
    "field.birth_year": "Fødselsår",
    "field.sex": "Kjønn",
    "field.specialist_status": "Spesialist i allmennmedisin",
    "field.role": "Rolle",
    "field.position_id": "Hjemmel (id)",
    "field.employment_fraction": "Stillingsandel (0–1)",
    "field.start_date": "Startdato",
    "field.end_date": "Sluttdato",
    "field.municipal_duty_hours": "Offentlige allmennlegeoppgaver (timer/uke)",
    "field.legevakt_participation": "Deltar i legevakt",
    "field.legevakt_exempt": "Fritatt fra legevakt",
    "field.kind": "Type",
    "field.places": "Plasser",
    "field.doctor_hours_per_week": "Legetimer per uke",
    "help.list_ceiling": "Høyeste antall pasienter legen har avtalt å ha på lista.",
    "help.listed_patients": "Antall pasienter på lista i dag (høyst listetaket).",
    "help.open_list": "Tom: åpen når det er ledige plasser på lista.",
    "help.office_id": "Id for legekontoret hjemmelen hører til.",
    "help.position_id": "Hjemmelen legen har i dag (for fastleger).",
    "help.employment_fraction": "1 = hel stilling, 0,5 = halv.",
    "help.municipal_duty_hours": "Timer per uke; høyst 7,5 for fastleger med full liste (ASA 4310 § 10.1).",
    "help.end_date": "Tom: fortsatt aktiv.",
    "help.birth_year": "Fra 1900 til i år.",
    "choice.naeringsdrift": "Næringsdrift",
    "choice.8.2": "8.2-avtale",
    "choice.fastlonn": "Fastlønn",
    "choice.fastlonn_bonus": "Fastlønn med bonus",
    "choice.filled": "Besatt",
    "choice.vacant": "Ledig",
    "choice.locum": "Vikar",
    "choice.gp": "Fastlege",
    "choice.lis1": "LIS1",
    "choice.alis": "ALIS",
    "choice.municipal": "Kommunelege",
    "choice.specialist": "Spesialist",
    "choice.in_training": "Under spesialisering",
    "choice.none": "Nei",
    "choice.F": "Kvinne",
    "choice.M": "Mann",
    "choice.nursing_home_long_term": "Sykehjem, langtid",
    "choice.nursing_home_short_term": "Sykehjem, korttid/rehabilitering",
    "choice.emergency_beds": "Øyeblikkelig hjelp døgnopphold",
    "choice.health_station": "Helsestasjon",
    "choice.school_health": "Skolehelsetjeneste",
    "choice.prison": "Fengselshelsetjeneste",
    "choice.reception_centre": "Asylmottak",
    "choice.other": "Annet",
    "yes": "Ja",
    "no": "Nei",
    "unset": "(ikke satt)",
    # --- jobs, conflicts, backup (legeplan.jobs, legeplan.storage.backup) ---
    "job.state.queued": "I kø",
    "job.state.running": "Kjører …",
    "job.state.done": "Ferdig",
    "job.state.failed": "Feilet",
    "job.state.cancelled": "Avbrutt",
    "job.cancelled": "Avbrutt av bruker.",
    "job.title": "Bakgrunnsjobber",
    "job.none": "Ingen jobber ennå.",
    "job.kind.rota_solve": "Turnusløsing",
    "job.kind.register_import": "Registerimport",
    "job.col.kind": "Type",
    "job.col.owner": "Startet av",
    "job.col.state": "Status",
    "job.col.progress": "Framdrift",
    "job.col.attempts": "Forsøk",
    "job.col.created": "Opprettet",
    "job.col.message": "Melding",
    "job.attempts": "Forsøk {attempts} av {max}",
    "job.error.worker_lost": "Arbeidsprosessen sluttet å svare (stoppet eller drept) mens jobben kjørte.",
    "job.error.died": "Jobbprosessen stoppet uventet (avslutningskode {code}).",
    "job.error.timeout": "Jobben brukte mer enn {seconds} sekunder og ble stoppet.",
    "job.error.cpu": "Jobben brukte mer enn {seconds} sekunder CPU-tid og ble stoppet.",
    "job.error.memory": "Jobben brukte for mye minne og ble stoppet.",
    "job.error.crash": "Jobben feilet: {error}",
    "job.error.unknown_kind": "Ukjent jobbtype «{kind}».",
    "job.import.checking": "Kontrollerer filens størrelse …",
    "job.import.reading": "Leser og kontrollerer registeret …",
    "job.import.checked": "Registeret er kontrollert.",
    "job.import.unpacked_too_large": "Filen er større enn {limit} MB når den pakkes ut.",
    "job.import.zip_bomb": "Filen er pakket unormalt tett (mulig zip-bombe) og leses ikke.",
    "job.import.too_many_rows": "Filen har {rows} rader; grensen er {limit}.",
    "job.import.too_many_cells": "Filen har {cells} celler; grensen er {limit}.",
    "job.import.title": "Import pågår",
    "worker.started": "legeplan-arbeider {name} kjører mot {url} (Ctrl+C for å stoppe).",
    "worker.stopped": "Arbeideren stoppet etter {count}.",
    "conflict.title": "Noen andre har endret dette i mellomtiden",
    "conflict.help": "Endringen din er ikke lagret. Se begge verdiene under, og lagre på nytt hvis du vil overskrive.",
    "conflict.field": "Felt",
    "conflict.theirs": "Lagret nå",
    "conflict.yours": "Ditt forslag",
    "conflict.api": "Konflikt: {entity} er endret av noen andre siden du hentet den "
    "(versjon {expected}, nå {current}).",
    "deleted.title": "Slettet",
    "deleted.restore": "Gjenopprett",
    "deleted.restored": "Gjenopprettet.",
    "deleted.done": "Slettet. Kan gjenopprettes under «Slettet».",
    "backup.written": "Sikkerhetskopi skrevet til {path}: {rows} i {tables}.",
    "backup.restored": "Gjenopprettet {rows} i {tables} fra {path}.",
    "backup.not_empty": "Databasen er ikke tom ({rows}). Bruk --replace for å erstatte innholdet.",
    "backup.bad_file": "{path} er ikke en gyldig legeplan-sikkerhetskopi: {reason}",
    "backup.newer": "Sikkerhetskopien har formatversjon {version}; denne versjonen av legeplan leser til og med "
    "versjon {supported}.",
    "backup.schema": "Sikkerhetskopien er fra skjemarevisjon {backup}, databasen har {current}.",
}

CATALOGUES: dict[str, dict[str, str]] = {"nb": NB}
DEFAULT_LANGUAGE = "nb"


def language() -> str:
    lang = os.environ.get("LEGEPLAN_LANGUAGE", DEFAULT_LANGUAGE)
    return lang if lang in CATALOGUES else DEFAULT_LANGUAGE


def text(key: str, lang: str | None = None, **values: object) -> str:
    """The string for `key` in `lang` with `{placeholders}` filled in."""
    catalogue = CATALOGUES.get(lang or language(), NB)
    template = catalogue.get(key) or NB.get(key) or key
    return template.format(**values) if values else template


def choice_label(value: str, lang: str | None = None) -> str:
    """Readable name of an enum value (driftsform, status, rolle …); the value itself when none is catalogued."""
    label = text(f"choice.{value}", lang)
    return value if label == f"choice.{value}" else label


def number(value: object) -> str:
    """A number as Norwegian text: decimal comma, no trailing .0, thin groups of thousands."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0") if abs(value) >= 10_000 else str(value)
    return f"{value:g}".replace(".", ",")


def count(value: int, singular: str, plural: str) -> str:
    """«1 rad», «1 013 rader»: the number in bokmål format with the singular word for exactly 1."""
    return f"{number(value)} {singular if value == 1 else plural}"


def decimal(value: float, digits: int = 1) -> str:
    """A measured value with a fixed number of decimals and a decimal comma: 1.74 -> '1,7'."""
    return f"{value:.{digits}f}".replace(".", ",")


def tier_label(name: str, lang: str | None = None) -> str:
    """Readable name of a rota solver tier; the internal name when none is catalogued."""
    label = text(f"rota.tier.{name}", lang)
    return name if label == f"rota.tier.{name}" else label


def validation_message(error: Mapping[str, Any], lang: str | None = None) -> str:
    """One Pydantic error (an item of `ValidationError.errors()`) as a Norwegian sentence with its limit.

    Model-validator errors raised as `ValueError` keep their own (Norwegian) message. The register import, the
    register forms and the scenario form all use this one function.
    """
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        message = str(cause) if isinstance(cause, Exception) else str(error.get("msg", ""))
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ") or text("val.invalid", lang)
    catalogue = CATALOGUES.get(lang or language(), NB)
    template = catalogue.get(f"val.{kind}") or NB.get(f"val.{kind}")
    if template is None:
        return text("val.invalid", lang)
    values = {key: number(value) for key, value in ctx.items()}
    if "expected" in values:
        values["expected"] = values["expected"].replace(" or ", f" {text('val.or', lang)} ")
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return text("val.invalid", lang)
