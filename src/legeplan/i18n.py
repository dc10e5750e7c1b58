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
    "nav.statistics": "Statistikk",
    "nav.jobs": "Jobber",
    "region.title": "Regional oversikt",
    "region.region": "Region",
    "region.all": "Hele datasettet",
    "region.from": "Fra",
    "region.to": "Til",
    "region.show": "Vis",
    "region.contents": "Innhold",
    "region.source": "Kilde:",
    "plan.init.written": "Skrev {count} filer i {folder}",
    "plan.init.kept": "{count} filer fantes fra før og er ikke endret (bruk --force for å skrive dem på nytt)",
    "plan.init.next": (
        "Skriv kommunens tekst i filene og lag planen med: legeplan report {source} --text {folder} --out plan.pdf"
    ),
    "plan.variables.title": "Tall som kan brukes i planteksten som {{ navn }}",
    "nav.skip": "Hopp til innhold",
    "nav.main": "Hovedmeny",
    "nav.menu": "Meny",
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
    "val.too_short_one": "Kan ikke være tom.",
    "val.list_type": "Må være en liste.",
    "val.tuple_type": "Må være en liste.",
    "val.dict_type": "Må være en tabell (et objekt).",
    "val.model_type": "Må være en tabell (et objekt).",
    "val.model_attributes_type": "Må være en tabell (et objekt).",
    "val.json_invalid": "Er ikke gyldig JSON.",
    "val.recursion_loop": "Er nestet for dypt.",
    "val.share_hint": "Oppgi som andel, f.eks. {share} for {percent} %.",
    "val.value": "verdi: {value}",
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
    "dash.trend_up": "{change} (opp fra {value} per {date})",
    "dash.trend_down": "{change} (ned fra {value} per {date})",
    "dash.trend_same": "uendret siden {date}",
    "dash.points": "prosentpoeng",
    "dash.headline": "Det viktigste",
    "dash.other": "Flere nøkkeltall",
    "dash.old_data": (
        "Registeret er per {date}, {years} år gammelt. Tallene kan være utdaterte: importer et nytt register."
    ),
    "dash.show_numbers": "Vis tallene",
    "dash.office": "Legekontor",
    "dash.age_group": "Aldersgruppe",
    "dash.women": "Kvinner",
    "dash.men": "Menn",
    "dash.no_previous": "Ingen tidligere registerversjon å sammenligne med.",
    "dash.charts": "Grafer",
    "dash.chart_capacity": "Listekapasitet per legekontor",
    "dash.chart_pyramid": "Fastleger etter alder og kjønn",
    "dash.chart_projection": "Framskrevet behov for fastlegehjemler ({name})",
    "dash.no_scenario": "Lag et scenario for å se framskrevet behov for hjemler.",
    "dash.listed": "Listeinnbyggere",
    "dash.free": "Ledige listeplasser",
    "dash.required": "Hjemler som trengs",
    "dash.existing": "Hjemler med planlagte",
    "dash.positions_axis": "Hjemler",
    "dash.places_axis": "Listeplasser",
    "dash.compare.title": "Sammenlignet med fylket og landet",
    "dash.compare.caption": "Kommunen ved siden av fylket og landet, tall fra SSB",
    "dash.compare.empty": "Ingen sammenligningstall fra SSB er hentet for kommunen ennå.",
    "dash.compare.link": "Hent dem på statistikksiden",
    "dash.compare.command": "Kjør «legeplan statistics fetch -m {code}» for å hente dem.",
    "reg.title": "Register for {name}",
    "reg.offices": "Legekontorer",
    "reg.positions": "Hjemler",
    "reg.physicians": "Leger",
    "reg.institutions": "Institusjoner",
    "reg.planned_positions": "Planlagte hjemler",
    "reg.new": "Ny",
    "reg.edit": "Endre",
    "reg.delete": "Slett",
    "reg.delete_confirm": "Slette {id}?",
    "reg.save": "Lagre",
    "reg.cancel": "Avbryt",
    "reg.saved": "Lagret.",
    "reg.deleted": "Slettet.",
    "reg.empty": "Ingen rader.",
    "list.filter": "Søk og filter",
    "form.error_summary": "Skjemaet har feil som må rettes:",
    "form.id_generated": "Tomt felt gir neste ledige: {id}.",
    "list.search": "Søk",
    "list.status": "Vis",
    "list.status.active": "Aktive",
    "list.status.left": "Sluttet",
    "list.status.all": "Alle",
    "list.any": "Alle",
    "list.office": "Legekontor",
    "list.apply": "Vis",
    "list.reset": "Nullstill",
    "list.count": "Viser {first}–{last} av {total}.",
    "list.pages": "Sider",
    "list.page": "Side {page} av {pages}",
    "list.previous": "Forrige side",
    "list.next": "Neste side",
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
    "scn.run": "Vis resultat",
    "scn.edit": "Endre",
    "scn.from_register": (
        "Start fra registeret (hjemler, lister, alder og planlagte hjemler); eksempelet gir framskriving og mål"
    ),
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
    "scn.avg_list": "Snittliste med dagens og planlagte hjemler",
    "scn.avg_list_required": "Snittliste med hjemlene som trengs",
    "scn.explanations": "Forklaring",
    "scn.saved": "Scenarioet er lagret.",
    "scn.same": "Velg to forskjellige scenarier.",
    "scn.difference": "Forskjell (B − A)",
    "scn.compare_table": "År for år",
    "scn.source": "Kilde: {source}",
    "scn.avg_list_note": (
        "Snittliste med dagens og planlagte hjemler = listeinnbyggere delt på hjemlene kommunen har og har vedtatt; "
        "snittliste med hjemlene som trengs = listeinnbyggere delt på hjemlene beregningen sier trengs."
    ),
    "scn.compare_chart": "Hjemler som trengs: {a} og {b}",
    "scn.compare_required": "{label}: hjemler som trengs",
    "scn.compare_existing": "{label}: hjemler i dag og planlagt",
    "scn.compare_more": "{b} trenger {count} flere hjemler enn {a} i {year} ({b_count} mot {a_count}).",
    "scn.compare_more_one": "{b} trenger 1 hjemmel mer enn {a} i {year} ({b_count} mot {a_count}).",
    "scn.compare_fewer": "{b} trenger {count} færre hjemler enn {a} i {year} ({b_count} mot {a_count}).",
    "scn.compare_fewer_one": "{b} trenger 1 hjemmel mindre enn {a} i {year} ({b_count} mot {a_count}).",
    "scn.compare_same": "{a} og {b} trenger like mange hjemler i {year} ({a_count}).",
    "scn.compare_shared_axis": "Begge scenariene er tegnet på samme akse, som starter på 0.",
    "scn.edit_title": "Endre {name}",
    "scn.field.positions": "Fastlegehjemler i dag",
    "scn.field.average_list_length": "Snittliste i dag",
    "scn.field.listed_patients": "Pasienter på listene i dag",
    "scn.field.free_places": "Ledige listeplasser i dag",
    "scn.field.residents_listed_elsewhere": "Innbyggere med fastlege i andre kommuner",
    "scn.field.guest_patients": "Pasienter fra andre kommuner",
    "scn.field.target_list_length": "Mål for snittliste",
    "scn.field.target_free_share": "Mål for ledig kapasitet (andel, f.eks. 0,07 eller 7 %)",
    "scn.field.retirement_age": "Pensjonsalder",
    "scn.field.rounding": "Avrunding",
    "scn.rounding.nearest": "nærmeste",
    "scn.rounding.up": "opp",
    "scn.rounding.down": "ned",
    "rota.title": "Legevaktturnus",
    "rota.new": "Lag ny turnus",
    "rota.source": "Turnusgrunnlag",
    "rota.source_example": "Eksempel: 9 leger, 4 uker",
    "rota.source_register": "Legene i registeret (samme periode og vakttyper som eksempelet)",
    "rota.source_file": "Egen fil (TOML eller JSON)",
    "rota.file": "Turnusgrunnlag (fil)",
    "rota.time_limit": "Lengste tid å lete etter en bedre turnus (sekunder)",
    "rota.solve": "Lag turnus",
    "rota.jobs": "Tidligere turnuser",
    "rota.none": "Ingen turnuser ennå.",
    "rota.status.queued": "I kø",
    "rota.status.running": "Lager turnus …",
    "rota.status.optimal": "Beste mulig turnus",
    "rota.status.feasible": "Beste funnet turnus (følger alle regler; en jevnere kan finnes med mer tid)",
    "rota.status.infeasible": "Umulig med disse reglene",
    "rota.status.cancelled": "Avbrutt",
    "rota.status.failed": "Feilet",
    "rota.status.unknown": "Ukjent",
    "rota.progress": "Steg {tier} av 4: {tier_name} · {solutions} forslag funnet · {elapsed} s",
    "rota.tier.rettferdighet_sum": "fordeler vaktene jevnt mellom legene",
    "rota.tier.rettferdighet": "gjør det så lite skjevt som mulig for legen som kommer dårligst ut",
    "rota.tier.spredning": "sprer hver leges vakter utover perioden",
    "rota.tier.ønsker": "oppfyller legenes ønsker",
    "rota.register_problem": "Legevakt {name}",
    "rota.summary": "Periode {start}–{end} · {shifts} vakter · laget på {seconds} s",
    "rota.cancel": "Avbryt",
    "rota.download": "Last ned",
    "rota.calendar": "Kalender",
    "rota.backup": "bakvakt",
    "rota.explanation": "Hvorfor det ikke gikk",
    "rota.file_error": "Kunne ikke lese turnusgrunnlaget: {error}",
    "rota.time_limit_error": "Må være mellom 1 og 600 sekunder.",
    "rota.live.repair": "Reparer ved fravær",
    "rota.live.candidates": "Hvem kan ta vakta?",
    "rota.live.swap_check": "Sjekk vaktbytte",
    "rota.live.changed": "Endrede vakter",
    "rota.live.legal": "Endringen er lovlig: ingen regelbrudd.",
    "rota.hours.dag": "Dag",
    "rota.hours.kveld": "Kveld",
    "rota.hours.natt": "Natt",
    "rota.hours.helg": "Helg",
    "rota.hours.helligdag": "Helligdag",
    "rota.hours.bakvakt": "Bakvakt",
    "rota.coverage.ingen vakt": "ingen vakt dekker tiden",
    "rota.coverage.ubesatt": "vakt uten lege",
    "rota.shift_types": "Vakttyper",
    "rota.tiers_title": "Hvor jevn turnusen er",
    "rota.tiers_help": (
        "Turnusen lages i fire steg i denne rekkefølgen, og et senere steg får aldri gjøre et tidligere dårligere. "
        "«Beste mulig» er det ingen turnus kan slå; er beste funnet lik beste mulig, er steget ferdig."
    ),
    "rota.tier_step": "Steg",
    "rota.tier_goal": "Hva turnusen prøver",
    "rota.tier_found": "Beste funnet",
    "rota.tier_possible": "Beste mulig",
    "rota.tier_unit.rettferdighet_sum": "vakter skjevt totalt",
    "rota.tier_unit.rettferdighet": "vakter skjevt for den som kommer dårligst ut",
    "rota.tier_unit.spredning": "vakter for tett",
    "rota.tier_unit.ønsker": "ønsker ikke oppfylt",
    "rota.unreached": "Rakk ikke innen tiden: {steps}. Gi mer tid for å få med disse stegene også.",
    "rota.file_help": (
        "Periode, vakttyper og leger i en TOML- eller JSON-fil (et eksempel gir kommandoen «legeplan rota example»)."
    ),
    "rota.example_name": "Eksempel",
    "weekday.short": "Man,Tir,Ons,Tor,Fre,Lør,Søn",
    "month.names": "januar,februar,mars,april,mai,juni,juli,august,september,oktober,november,desember",
    "users.title": "Brukere",
    "users.username": "Brukernavn",
    "users.password": "Passord (minst 12 tegn)",
    "users.role": "Rolle",
    "users.municipality": "Kommune",
    "users.create": "Opprett bruker",
    "users.created": "Brukeren er opprettet.",
    "users.deleted": "Brukeren er slettet.",
    "users.not_self": "Du kan ikke slette deg selv.",
    "users.password_short": "Passordet må ha minst {limit} tegn.",
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
    # --- security (sessions, login throttling, input rules, audit events) ---
    "login.locked_seconds": "For mange mislykkede forsøk. Vent {seconds} sekunder og prøv igjen.",
    "login.locked_minutes": "For mange mislykkede forsøk. Vent {minutes} minutter og prøv igjen.",
    "error.method_not_allowed": "Metoden er ikke tillatt for denne adressen.",
    "error.internal": "Det oppstod en feil på serveren. Feilen er logget; prøv igjen senere.",
    "error.body_too_large": "Forespørselen er for stor (høyst {limit} MB).",
    "error.body_too_large_plain": "Forespørselen er for stor.",
    "error.json_too_deep": "JSON-innholdet er nøstet for dypt (høyst {limit} nivåer).",
    "error.bad_body": "Innholdet i forespørselen kunne ikke leses (ugyldig JSON, tegnkoding eller skjema).",
    "error.no_change": "Ingen endringer å lagre.",
    "input.control": "Inneholder ugyldige tegn (kontrolltegn, linjeskift eller usynlige tegn).",
    "input.too_long": "Kan ha høyst {limit} tegn.",
    "input.username_short": "Brukernavnet må ha minst {limit} tegn.",
    "input.username_chars": "Brukernavnet kan bare ha bokstaver (a–å), sifre og tegnene . _ - @, og må begynne med "
    "en bokstav eller et siffer.",
    "input.username_lookalike": "Brukernavnet er for likt «{other}», som finnes fra før.",
    "input.password_common": "Passordet er for vanlig (står på listen over kjente eller lekkede passord).",
    "input.password_username": "Passordet kan ikke inneholde brukernavnet.",
    "input.password_pattern": "Passordet har for enkle mønstre (gjentatte tegn eller rekkefølger som 1234, abcd, "
    "qwer).",
    "users.password_hint": "Passord (minst 12 tegn)",
    "users.change_role": "Endre rolle",
    "users.access_of": "Tilgangsnivå for {name}",
    "users.role_changed": "Rollen er endret, og brukerens innlogginger er avsluttet.",
    "users.not_self_role": "Du kan ikke endre din egen rolle.",
    "account.title": "Min konto",
    "account.password_title": "Bytt passord",
    "account.current_password": "Nåværende passord",
    "account.new_password": "Nytt passord (minst 12 tegn)",
    "account.wrong_password": "Feil passord.",
    "account.password_changed": "Passordet er byttet. Alle andre innlogginger er avsluttet.",
    "account.save": "Bytt passord",
    "audit.action.login": "innlogging",
    "audit.action.login_failed": "mislykket innlogging",
    "audit.action.login_blocked": "innlogging sperret",
    "audit.action.logout": "utlogging",
    "audit.action.denied": "nektet tilgang",
    "audit.action.rejected": "avvist inndata",
    "audit.action.read_physicians": "lest legeopplysninger",
    "audit.action.download": "lastet ned",
    "audit.action.api_read": "lest register (API)",
    "audit.action.password_changed": "byttet passord",
    "audit.action.role_changed": "endret rolle",
    "audit.filter": "Filtrer",
    "audit.filter_user": "Bruker",
    "audit.filter_action": "Handling",
    "audit.filter_text": "Hva (søk)",
    "audit.filter_from": "Fra dato",
    "audit.filter_to": "Til dato",
    "audit.all_actions": "Alle handlinger",
    "audit.count": "{count} hendelser",
    "audit.page": "Side {page} av {pages}",
    "audit.previous": "Forrige",
    "audit.next": "Neste",
    "audit.download": "Last ned som CSV",
    "audit.changes": "Endringer",
    "audit.field": "Felt",
    "nav.account": "Min konto",
    "totp.title": "Tofaktorkode",
    "totp.code": "Kode fra autentiseringsappen (6 sifre)",
    "totp.submit": "Bekreft",
    "totp.wrong": "Feil kode. Prøv igjen med koden som vises nå.",
    "totp.missing": "Tofaktorkoden mangler eller er feil.",
    "totp.section": "Tofaktorinnlogging",
    "totp.on": "Tofaktorinnlogging er på.",
    "totp.off_text": "Slå på tofaktorinnlogging med en autentiseringsapp (TOTP).",
    "totp.start": "Slå på",
    "totp.secret": "Legg inn denne nøkkelen i appen, eller åpne lenken på telefonen:",
    "totp.confirm": "Bekreft og slå på",
    "totp.enabled": "Tofaktorinnlogging er slått på.",
    "totp.disable": "Slå av",
    "totp.disabled": "Tofaktorinnlogging er slått av.",
    "audit.action.totp_failed": "feil tofaktorkode",
    "audit.action.totp_enabled": "slo på tofaktor",
    "audit.action.totp_disabled": "slo av tofaktor",
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
    "field.planned_reduction": "Planlagt listereduksjon (plasser)",
    "field.reduction_reason": "Grunn til listereduksjon",
    "field.exemption_kind": "Type fritak fra legevakt",
    "field.clinical_months": "Måneder klinisk tjeneste",
    "field.legevakter_done": "Legevakter gjort",
    "field.municipal_gp_years": "År som fastlege i kommunen",
    "field.training_start": "Start LIS1/ALIS",
    "field.training_end": "Slutt LIS1/ALIS",
    "field.year": "År",
    "field.decided": "Vedtatt (dato)",
    "field.replaces": "Erstatter hjemmel (id)",
    "field.note": "Merknad",
    "help.planned_reduction": "Plasser lista skal reduseres med; gir listelengden dimensjoneringen bruker.",
    "help.exemption_kind": "Alder, helse, avtale eller annet; tom når legen ikke er fritatt.",
    "help.clinical_months": "Akuttmedisinforskriften § 7: 30 måneder klinisk tjeneste (tom: regnes fra startdato).",
    "help.legevakter_done": "Akuttmedisinforskriften § 7: 40 legevakter (tom: 0).",
    "help.municipal_gp_years": "Akuttmedisinforskriften § 7: ett år som allmennlege i kommunen (tom: fra startdato).",
    "help.year": "Året hjemmelen skal besettes.",
    "help.decided": "Dato for vedtaket; tom når hjemmelen bare er planlagt.",
    "help.replaces": "For erstatning: hjemmelen der legen slutter.",
    "help.list_ceiling": "Høyeste antall pasienter legen har avtalt å ha på lista.",
    "help.listed_patients": "Antall pasienter på lista i dag (høyst listetaket).",
    "help.open_list": "Tom: åpen når det er ledige plasser på lista.",
    "help.office_id": "Id for legekontoret hjemmelen hører til.",
    "help.position_id": "Hjemmelen legen har i dag (for fastleger).",
    "help.employment_fraction": "1 = hel stilling, 0,5 = halv.",
    "help.municipal_duty_hours": "Timer per uke som avtalt; 7,5 kan pålegges (ASA 4310 § 10.1), mer kan avtales.",
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
    "choice.age": "Alder",
    "choice.health": "Helse",
    "choice.agreement": "Avtale",
    "choice.municipal_duties": "Kommunale oppgaver",
    "choice.own_wish": "Eget ønske",
    "choice.growth": "Vekst",
    "choice.replacement": "Erstatning",
    # Official statistics (legeplan.statistics): SSB PxWebApi v2, KUHR open data, cache and demand by age.
    "stats.error.no_dimension": "Datasettet har ikke dimensjonen «{dimension}» (har {have}).",
    "stats.error.merge": "Kan ikke slå sammen deler av en spørring med ulike dimensjoner ({left} og {right}).",
    "stats.error.jsonstat": "Svaret er ikke et JSON-stat 2.0-datasett (mangler class=dataset, id, size eller "
    "dimension).",
    "stats.error.jsonstat_dimension": "JSON-stat: dimensjonen «{dimension}» mangler kategorier (category.index).",
    "stats.error.jsonstat_size": "JSON-stat: dimensjonen «{dimension}» skal ha {size} kategorier, men har {found}.",
    "stats.error.jsonstat_value": "JSON-stat: verdien {value} er ikke et tall.",
    "stats.error.jsonstat_values": "JSON-stat: forventet {expected} verdier (produktet av size), fant {found}.",
    "stats.error.unsupported_table": "legeplan kjenner ikke SSB-tabell {table}; støttet er {known}.",
    "stats.error.offline": "Får ikke kontakt med {service} ({url}). Er maskinen uten nett? Tall som er hentet før, "
    "brukes fra hurtigbufferen.",
    "stats.error.timeout": "tidsavbrudd",
    "stats.error.gave_up": "{service} svarte ikke riktig etter {attempts} forsøk (siste feil: {problem}). Prøv igjen "
    "senere.",
    "stats.error.not_json": "{service} svarte ikke med JSON for {table}.",
    "stats.error.unknown_table": "SSB har ingen tabell {table} (HTTP 404). Tabellen kan være avsluttet eller "
    "erstattet; sjekk tabellnummeret i Statistikkbanken.",
    "stats.error.refused": "SSB avviste spørringen mot tabell {table}: {problem}.",
    "stats.error.bad_answer": "Uventet svar fra SSB for tabell {table}: {problem}",
    "stats.error.no_dimension_in_table": "Tabell {table} har ikke dimensjonen «{dimension}» (har {have}); tabellen "
    "har endret form.",
    "stats.error.unknown_region": "Kommunenummer {code} finnes ikke (lenger) i SSB-tabell {table}. Kommunenummer "
    "endres ved kommune- og fylkesreformer (f.eks. Tromsø 5401 → 5501 fra 2024); bruk dagens nummer.",
    "stats.error.unknown_code": "Koden {codes} finnes ikke (lenger) i dimensjonen «{dimension}» i SSB-tabell {table}.",
    "stats.error.kuhr_format": "Uventet svar fra KUHR (takstbruk): forventet en liste med rader (ar, takstkode, "
    "antall_regninger …).",
    "stats.error.kuhr_refused": "KUHR (takstbruk) avviste spørringen ({level} {codes}): HTTP {status}. Tallene er "
    "kanskje ikke publisert for dette nivået.",
    "stats.error.kuhr_empty": "KUHR har ingen konsultasjonstakster for kommune {code} i {first}–{last} (tallene "
    "kommer med forsinkelse, og små tall holdes tilbake); lagrede tall beholdes. Velg andre år med --kuhr-years.",
    "stats.error.municipality": "Ugyldig kommunenummer «{code}»: bruk fire sifre, f.eks. 1804.",
    "stats.error.not_cached": "Ingen lagrede tall fra {source} for kommune {code}. Kjør «legeplan statistics fetch "
    "-m {code}» (med nett) først.",
    "stats.error.unknown_figure": "Ukjent nøkkeltall «{name}»; kjente er {known}.",
    "stats.error.no_value": "{source} har ingen verdi for {what} i {region}.",
    "stats.date.projection": "framskrevet fra {year}",
    "stats.kuhr.title": "Konsultasjoner hos fastlege (KUHR takstbruk)",
    "stats.kuhr.consultations": "Konsultasjoner {year}",
    "stats.progress.table": "Henter {table}: {title} …",
    "stats.status.hentet": "hentet",
    "stats.status.hurtigbuffer": "fra hurtigbuffer",
    "stats.status.feil": "feil",
    "stats.web.fetched": "Statistikk hentet: {summary}.",
    "stats.web.failed": "Noe kunne ikke hentes: {messages}",
    "stats.web.button": "Hent offentlig statistikk",
    "stats.web.title": "Offentlig statistikk",
    "stats.web.lead": "Tall fra SSB og KUHR, lagret med tabell og dato. Kommunen står ved siden av fylket og landet.",
    "stats.web.refresh": "Hent på nytt selv om tallene er lagret",
    "stats.web.caption": "Nøkkeltall fra lagret statistikk",
    "stats.web.figure": "Nøkkeltall",
    "stats.web.municipality": "Kommunen",
    "stats.web.county": "Fylket",
    "stats.web.country": "Landet",
    "stats.web.source": "Kilde",
    "stats.web.empty": "Ingen statistikk er hentet for kommunen ennå.",
    "stats.web.history": "Hentinger",
    "stats.web.nothing_new": "ingen endringer",
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


#: What a JSON/TOML value is, in words a user knows (not Python's type names).
JSON_KINDS: dict[type, str] = {
    type(None): "en tom verdi",
    bool: "sann/usann",
    int: "et heltall",
    float: "et tall",
    str: "en tekst",
    list: "en liste",
    dict: "en tabell",
}


def json_kind(value: object) -> str:
    """«en liste», «en tekst» … for a decoded JSON/TOML value: «… må være en tabell, ikke en liste»."""
    return next((name for kind, name in JSON_KINDS.items() if type(value) is kind), "en ukjent verdi")


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
    if kind == "too_short" and ctx.get("min_length") == 1:
        kind = "too_short_one"
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


# --- the command line: Typer's and Click's own texts (legeplan.cli.norwegian) ----------------------------------

CLI_TEXT: dict[str, str] = {
    "cli.usage": "Bruk:",
    "cli.options_metavar": "[VALG]",
    "cli.subcommand_metavar": "KOMMANDO [ARGUMENTER]...",
    "cli.help_option": "Vis denne hjelpen og avslutt.",
    "cli.panel.arguments": "Argumenter",
    "cli.panel.options": "Valg",
    "cli.panel.commands": "Kommandoer",
    "cli.panel.error": "Feil",
    "cli.default": "standard: {}",
    "cli.envvar": "miljøvariabel: {}",
    "cli.required": "påkrevd",
    "cli.try_help": "Skriv «{command} {option}» for hjelp.",
    "cli.missing.option": "Mangler valg {name}.",
    "cli.missing.argument": "Mangler argument {name}.",
    "cli.missing.parameter": "Mangler verdi {name}.",
    "cli.bad_value_for": "Ugyldig verdi for {name}: {message}.",
    "cli.bad_value": "Ugyldig verdi: {message}.",
    "cli.no_such_option": "Ukjent valg «{name}».",
    "cli.no_such_command": "Ukjent kommando «{name}».",
    "cli.did_you_mean": "Mente du {names}?",
    "cli.error": "Feil:",
}

#: Messages Typer's bundled Click builds as English text, matched whole (regular expression → Norwegian template).
#: A group named `rest` is translated again, so a message may end in another known message.
CLI_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"Option '(?P<name>.+)' requires an argument\.", "Valget «{name}» trenger en verdi."),
    (r"Option '(?P<name>.+)' requires (?P<n>\d+) arguments\.", "Valget «{name}» trenger {n} verdier."),
    (r"Option '(?P<name>.+)' does not take a value\.", "Valget «{name}» tar ingen verdi."),
    (r"Argument '(?P<name>.+)' takes (?P<n>\d+) values\.", "Argumentet «{name}» tar {n} verdier."),
    (r"Got unexpected extra argument \((?P<args>.*)\)", "Uventet ekstra argument ({args})."),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", "Uventede ekstra argumenter ({args})."),
    (r"Got unexpected extra arguments \((?P<args>.*)\)", "Uventede ekstra argumenter ({args})."),
    (r"Missing command\.", "Mangler kommando."),
    (r"No such command '(?P<name>.+?)'\.(?: Did you mean (?P<names>.+)\?)?", "Ukjent kommando «{name}». {names}"),
    (r"Choose from:\s*(?P<choices>.+)", "Velg en av: {choices}."),
    (r"Value error, (?P<rest>.+)", "{rest}"),
    (r"'(?P<value>.*)' is not one of (?P<choices>.+?)\.?", "«{value}» er ikke en av {choices}"),
    (r"'(?P<value>.*)' is not (?P<choice>'.+?')\.?", "«{value}» er ikke {choice}"),
    (r"Value (?P<value>.+) is not a valid (?P<kind>\w+)\.", "{value} er ikke en gyldig verdi."),
    (r"Value must be an iterable\.", "Verdien må være en liste."),
    (r"(?P<kind>File|Directory|Path) '(?P<name>.+)' does not exist\.", "«{name}» finnes ikke."),
    (r"(?P<kind>File|Directory|Path) '(?P<name>.+)' is a directory\.", "«{name}» er en mappe, ikke en fil."),
    (r"(?P<kind>File|Directory|Path) '(?P<name>.+)' is a file\.", "«{name}» er en fil, ikke en mappe."),
    (r"(?P<kind>File|Directory|Path) '(?P<name>.+)' is not readable\.", "«{name}» kan ikke leses."),
    (r"(?P<kind>File|Directory|Path) '(?P<name>.+)' is not writable\.", "«{name}» kan ikke skrives."),
)


#: Fields whose value is a share (0–1): a percentage typed as a whole number (12,8) gets a hint.
SHARE_FIELDS = frozenset({"target_free_share", "turnover_rate", "alis_share_of_recruits", "lis1_to_alis_share"})


def validation_detail(error: Mapping[str, Any], lang: str | None = None, *, with_value: bool = True) -> str:
    """`validation_message` as a clause for a file's error list: lower-case, no full stop, a hint for a share
    typed as a percentage, and the value that was refused («kan være høyst 80 (verdi: 90)»)."""
    message = validation_message(error, lang).rstrip(".")
    message = message[:1].lower() + message[1:]
    location = error.get("loc") or ()
    field = str(location[-1]) if location else ""
    value = error.get("input")
    kind = str(error.get("type", ""))
    if (
        field in SHARE_FIELDS
        and kind in ("less_than", "less_than_equal")
        and isinstance(value, int | float)
        and 1 < value <= 100
    ):
        hint = text("val.share_hint", lang, share=number(value / 100), percent=number(value)).rstrip(".")
        return f"{message}; {hint[:1].lower()}{hint[1:]}"
    if with_value and value is not None and not isinstance(value, dict | list) and kind != "missing":
        return f"{message} ({text('val.value', lang, value=repr(value))})"
    return message


def field_path(location: object) -> str:
    """A Pydantic error location as «regions[0].id»; the validator-function parts Pydantic adds are left out."""
    parts = location if isinstance(location, tuple | list) else (location,)
    result = ""
    for part in parts:
        if isinstance(part, str) and part.startswith("function-"):
            continue
        result += f"[{part}]" if isinstance(part, int) else (f".{part}" if result else str(part))
    return result or "(hele filen)"


def cli_text(key: str, **values: object) -> str:
    """A command-line text from `CLI_TEXT` with its `{placeholders}` filled in."""
    return CLI_TEXT[key].format(**values)
