"""The computed figures a municipality can put in its own text as `{{ navn }}`.

Every value is a finished Norwegian string («6,2 %», «1 013», «1 fastlege»), computed by legeplan.report.facts from
the engines on the register date, so the text always says what the tables say.
"""

from __future__ import annotations

TEXT_VARIABLES: dict[str, str] = {
    "kommune": "Kommunens navn («Sandefjord kommune»)",
    "kommunenummer": "Kommunenummeret",
    "registerdato": "Datoen registeret beskriver («1. august 2020»)",
    "innbyggere": "Innbyggere",
    "hjemler": "Fastlegehjemler",
    "fastleger": "Fastleger (med ALIS) som er aktive på registerdatoen",
    "fastleger_ord": "Det samme med ordet: «1 fastlege», «40 fastleger»",
    "hjemler_ord": "Hjemlene med ordet: «1 fastlegehjemmel», «54 fastlegehjemler»",
    "listeplasser": "Listeplasser (sum listetak)",
    "listeforte": "Listeførte pasienter",
    "ledige_plasser": "Ledige listeplasser",
    "ledig_kapasitet": "Ledig kapasitet: ledige plasser som andel av alle listeplasser («6,2 %»)",
    "snittliste": "Gjennomsnittlig listelengde per hjemmel",
    "apne_lister": "Hjemler med åpen liste",
    "ledige_hjemler": "Hjemler uten fast lege (ledige eller med vikar)",
    "spesialistandel": "Andel fastleger som er spesialister i allmennmedisin",
    "gjennomsnittsalder": "Fastlegenes gjennomsnittsalder",
    "andel_55_pluss": "Andel fastleger 55 år eller eldre",
    "andel_60_pluss": "Andel fastleger 60 år eller eldre",
    "kvinneandel": "Andel kvinner blant fastlegene",
    "stabilitet": "Andel avtaler med samme lege gjennom perioden («83,3 %»), eller «ikke beregnet»",
    "stabilitet_periode": "Perioden stabiliteten er målt over",
    "stabilitet_region": "Stabiliteten i Helse Nord (464 av 552 avtaler, 84 %)",
    "turnover": "Andel avtaler som ble avsluttet i perioden",
    "vikarkostnad": "Merkostnad per år for hjemler uten fast lege («550 000 kr»)",
    "leger_legevakt": "Leger som deltar i legevakt",
    "leger_fritatt": "Leger fritatt fra legevakt",
    "leger_60_pluss": "Leger (uten vikarer) 60 år eller eldre",
    "pensjoneringer": "Fastleger som når pensjonsalderen i løpet av ti år",
    "sykehjemsplasser": "Plasser i sykehjem og ØHD",
    "legetimer_sykehjem": "Legetimer per uke i sykehjem og ØHD",
    "timer_per_plass": "Legetimer per uke per sykehjemsplass (KOSTRA)",
    "sykehjem_mangler_arsverk": "Legeårsverk sykehjemmene mangler etter normen («0» når normen er nådd)",
    "lis1": "LIS1-leger",
    "alis": "ALIS-leger",
}
