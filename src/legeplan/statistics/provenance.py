"""Facts with provenance: the one `Sourced` type lives in `legeplan.figures`; it is re-exported here so the
statistics modules and their callers can keep importing it from `legeplan.statistics.provenance`."""

from __future__ import annotations

from legeplan.figures import Sourced, SourceKind

__all__ = ["SourceKind", "Sourced"]
