"""What can go wrong when fetching statistics; every message is one Norwegian sentence (from legeplan.i18n)."""

from __future__ import annotations


class StatisticsError(RuntimeError):
    """Fetching or reading official statistics failed; `str(error)` is the Norwegian message for the user."""


class OfflineError(StatisticsError):
    """The service cannot be reached at all (no network, DNS, connection refused)."""


class UnknownTableError(StatisticsError):
    """The service has no table with that id (HTTP 404 on the table's metadata)."""


class UnknownCodeError(StatisticsError):
    """A region or other code is not in the table (any more), e.g. a municipality number changed in a reform."""


class ServiceError(StatisticsError):
    """The service answered with an error, or kept failing after the retries (429, 5xx, timeouts)."""
