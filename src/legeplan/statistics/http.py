"""HTTP for the statistics clients: a throttle (at most N calls per time window) and retries with exponential
backoff on 429, 5xx and timeouts. `sleep` and `clock` are injected so tests run without waiting.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Self

import httpx

from legeplan.i18n import text
from legeplan.statistics.errors import OfflineError, ServiceError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
Sleep = Callable[[float], None]
Clock = Callable[[], float]


class Throttle:
    """Allows at most `calls` requests in any `window_s` seconds; waits (with `sleep`) before one that would exceed
    it. SSB's PxWebApi v2 allows 30 calls per 60 s per client."""

    def __init__(self, calls: int, window_s: float, *, sleep: Sleep = time.sleep, clock: Clock = time.monotonic):
        if calls < 1 or window_s <= 0:
            raise ValueError("calls må være minst 1 og window_s større enn 0")
        self.calls = calls
        self.window_s = window_s
        self._sleep = sleep
        self._clock = clock
        self._sent: deque[float] = deque()
        self.waited_s = 0.0

    def wait(self) -> None:
        now = self._clock()
        while self._sent and now - self._sent[0] >= self.window_s:
            self._sent.popleft()
        if len(self._sent) >= self.calls:
            pause = self.window_s - (now - self._sent[0])
            if pause > 0:
                self._sleep(pause)
                self.waited_s += pause
            self._sent.popleft()
            now = self._clock()
        self._sent.append(now)


class HttpService:
    """GET with throttle and retries. Subclasses name the service (`service_name`) for messages."""

    service_name = "tjenesten"

    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.Client | None = None,
        timeout_s: float = 20.0,
        retries: int = 4,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        calls_per_window: int = 30,
        window_s: float = 60.0,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.Client(timeout=timeout_s, headers={"User-Agent": "legeplan"})
        self._owns_http = http is None
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._sleep = sleep
        self.throttle = Throttle(calls_per_window, window_s, sleep=sleep, clock=clock)
        self.requests = 0
        self.retried = 0

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Retry-After when the service gives one (seconds), else backoff_s · 2^attempt, capped."""
        if response is not None:
            after = response.headers.get("Retry-After", "")
            if after.strip().isdigit():
                return min(float(after), self.max_backoff_s)
        return float(min(self.backoff_s * 2**attempt, self.max_backoff_s))

    def get(
        self, path: str, params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """The response to GET base_url + path (any status below 500 except 429 is returned for the caller to
        judge); raises OfflineError when the host cannot be reached, ServiceError after the last retry."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        last_problem = ""
        for attempt in range(self.retries + 1):
            self.throttle.wait()
            self.requests += 1
            response: httpx.Response | None = None
            try:
                response = self._http.get(url, params=dict(params or {}), headers=dict(headers or {}))
            except httpx.ConnectError as error:
                raise OfflineError(text("stats.error.offline", service=self.service_name, url=self.base_url)) from error
            except httpx.TimeoutException:
                last_problem = text("stats.error.timeout")
            except httpx.TransportError as error:
                last_problem = str(error) or type(error).__name__
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                last_problem = f"HTTP {response.status_code}"
            if attempt < self.retries:
                self.retried += 1
                self._sleep(self._delay(attempt, response))
        raise ServiceError(
            text(
                "stats.error.gave_up",
                service=self.service_name,
                attempts=self.retries + 1,
                problem=last_problem,
            )
        )
