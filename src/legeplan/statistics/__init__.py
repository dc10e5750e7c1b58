"""Official statistics straight from the source: SSB's PxWebApi v2 and NAV/Helfo's open KUHR data, cached in the
database with provenance (`legeplan.storage.statistics_tables`), read back as `Sourced` figures.

Modules: `tables` (what is fetched, as data), `jsonstat` (JSON-stat 2.0 reader/writer), `http` (throttle and
retries), `ssb` (PxWebApi v2 client), `kuhr` (takstbruk client), `service` (fetch into the cache and report
changes), `figures` (cached figures with provenance), `provenance` (`Sourced`).
"""
