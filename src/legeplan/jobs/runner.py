"""The worker loop: reap jobs whose worker died, claim the next job fairly, run it in a child process with limits,
keep its heartbeat fresh, and retry or fail it with a reason when the child dies.

`legeplan worker` runs `Worker.run` in the foreground (any number of them, on any machines, against one PostgreSQL);
the web app on SQLite runs the same loop in a background thread (`BackgroundWorker`)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from multiprocessing.connection import wait as wait_for
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from sqlalchemy.exc import DBAPIError

from legeplan.i18n import text
from legeplan.jobs.model import JOB_KINDS, limits_for
from legeplan.storage.job_tables import JobRecord, JobStore
from legeplan.storage.repository import Storage

log = logging.getLogger(__name__)

HEARTBEAT_S = 2.0
STALE_AFTER = timedelta(seconds=30)
POLL_S = 0.5
CANCEL_GRACE_S = 10.0
#: Finished jobs are deleted after this long (stored rotas live on in their own table).
KEEP_FINISHED = timedelta(days=30)
PURGE_EVERY_S = 3600.0


@dataclass(frozen=True)
class RunOutcome:
    job_id: str
    state: str
    error: str | None


@cache
def job_context() -> BaseContext:
    """Job processes fork from a server process that imported the job code once (`legeplan.jobs.preload`;
    multiprocessing's forkserver: a clean process of its own, never a fork of the threaded web app). On Linux only:
    macOS forbids forking after its system frameworks are loaded (WeasyPrint's pango), Windows cannot fork; there
    each job is a fresh process (spawn) as before."""
    if not sys.platform.startswith("linux") or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["legeplan.jobs.preload"])
    return context


def start_job_server() -> None:
    """Start the job server now, so the first job does not wait for its imports."""
    if job_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


#: Starting a process and reading a process's exit code, one thread at a time: `Process.start` polls every running
#: child of this process, and two threads reading one child's exit code at once (through its pipe) can leave the
#: second one with 255 instead of the code, a CPU limit's SIGXCPU among them.
_PROCESSES = threading.Lock()


class JobProcess:
    """One job's process, with what the worker loop asks of it (`subprocess.Popen`'s poll, wait, signals)."""

    def __init__(self, job_id: str, attempt: int, environment: dict[str, str]) -> None:
        from legeplan.jobs.child import run_forked

        self._process: BaseProcess = job_context().Process(  # type: ignore[attr-defined]  # typeshed: BaseContext
            target=run_forked, args=(job_id, attempt, environment), name=f"legeplan-job-{job_id}", daemon=True
        )
        with _PROCESSES:
            self._process.start()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    def poll(self) -> int | None:
        with _PROCESSES:
            return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        """The exit code (negative: the signal that ended it); `subprocess.TimeoutExpired` while it runs."""
        wait_for([self._process.sentinel], timeout)
        code = self.poll()
        if code is None:
            raise subprocess.TimeoutExpired(f"legeplan-job {self.pid}", timeout or 0.0)
        return code

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        if self.poll() is None:
            self._process.terminate()

    def kill(self) -> None:
        if self.poll() is None:
            self._process.kill()


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return str(code)


class Worker:
    """Runs jobs from the database at `storage.url`, one at a time, each in a child process."""

    def __init__(
        self,
        storage: Storage,
        *,
        name: str | None = None,
        stale_after: timedelta = STALE_AFTER,
        heartbeat_s: float = HEARTBEAT_S,
        poll_s: float = POLL_S,
        kinds: tuple[str, ...] | None = None,
    ) -> None:
        self.storage = storage
        self.store = JobStore(storage)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stale_after = stale_after
        self.heartbeat_s = heartbeat_s
        self.poll_s = poll_s
        self.kinds = kinds or tuple(JOB_KINDS)
        self.current: JobProcess | None = None
        self._last_purge = float("-inf")
        self._last_mail_check = float("-inf")

    def reap(self) -> None:
        self.store.reap_stale(self.stale_after, text("job.error.worker_lost"))
        now = time.monotonic()
        if now - self._last_purge > PURGE_EVERY_S:
            self._last_purge = now
            self.store.purge(KEEP_FINISHED)
        self.retry_mail()

    def retry_mail(self, *, force: bool = False) -> bool:
        """The e-mail retry timer: at most every `notices.retry_check_s()` seconds (or now, with `force`), enqueue a
        `mail_send` job when a failed mail's back-off has passed. True when one was enqueued."""
        if "mail_send" not in self.kinds:
            return False
        from legeplan.notices import enqueue_due_retries, retry_check_s

        now = time.monotonic()
        if not force and now - self._last_mail_check < retry_check_s():
            return False
        self._last_mail_check = now
        try:
            return enqueue_due_retries(self.storage, self.store)
        except DBAPIError as error:  # the next look tries again
            log.warning("e-postkøen er utilgjengelig: %s", error)
            return False

    def run_once(self) -> RunOutcome | None:
        """Reap, then claim and run one job to its end; None when nothing was queued."""
        self.reap()
        job = self.store.claim(self.name, self.kinds)
        if job is None:
            return None
        return self.run_job(job)

    def run_job(self, job: JobRecord) -> RunOutcome:
        limits = limits_for(job.kind, job.payload)
        env = dict(os.environ, LEGEPLAN_DATABASE_URL=self.storage.url)
        started = time.monotonic()
        try:
            process = JobProcess(job.id, job.attempts, env)
        except (OSError, EOFError, ValueError) as error:  # no process could be started (the job server gone)
            crash = text("job.error.start", error=str(error) or type(error).__name__)
            self.store.retry_or_fail(job.id, job.attempts, crash)
            after = self.store.get(job.id)
            return RunOutcome(job.id, after.state if after else "unknown", after.error if after else None)
        self.current = process
        cancel_seen: float | None = None
        reason: str | None = None
        try:
            while True:
                try:
                    code = process.wait(timeout=self.heartbeat_s)
                    break
                except subprocess.TimeoutExpired:
                    pass
                try:
                    owned = self.store.heartbeat(job.id, job.attempts)
                except DBAPIError as error:  # e.g. SQLite locked by a long save: the next beat tries again
                    log.warning("livstegn for jobb %s feilet: %s", job.id, error)
                    owned = True
                if not owned:
                    # Finished meanwhile, or given up on and handed to another worker: this run has no say any more.
                    if process.poll() is None:
                        self._stop(process)
                    code = process.wait()
                    break
                if time.monotonic() - started > limits.wall_s:
                    reason = text("job.error.timeout", seconds=round(limits.wall_s))
                    self._stop(process)
                    code = process.wait()
                    break
                if cancel_seen is None and self._cancel_requested(job.id):
                    cancel_seen = time.monotonic()
                elif cancel_seen is not None and time.monotonic() - cancel_seen > CANCEL_GRACE_S:
                    reason = text("job.cancelled")
                    self._stop(process)
                    code = process.wait()
                    break
        finally:
            self.current = None
        after = self.store.get(job.id)
        if after is not None and after.state == "running" and after.attempts == job.attempts:
            if reason is not None:
                state = "cancelled" if cancel_seen is not None and reason == text("job.cancelled") else "failed"
                self.store.finish(job.id, job.attempts, state, error=reason)
            elif code == -signal.SIGXCPU:
                self.store.finish(job.id, job.attempts, "failed", error=text("job.error.cpu", seconds=limits.cpu_s))
            else:
                crash = text("job.error.died", code=_signal_name(code) if code < 0 else str(code))
                self.store.retry_or_fail(job.id, job.attempts, crash)
            after = self.store.get(job.id)
        return RunOutcome(job.id, after.state if after else "unknown", after.error if after else None)

    def _cancel_requested(self, job_id: str) -> bool:
        try:
            return self.store.cancel_requested(job_id)
        except DBAPIError:
            return False

    @staticmethod
    def _stop(process: JobProcess) -> None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()

    def run(
        self, stop: threading.Event | None = None, idle_exit_s: float | None = None, max_jobs: int | None = None
    ) -> int:
        """Run jobs until `stop` is set, `idle_exit_s` passed with nothing to do, or `max_jobs` ran. Returns the
        number of jobs run."""
        stop = stop or threading.Event()
        if idle_exit_s is None and max_jobs is None:
            start_job_server()  # a long-lived worker (`legeplan worker`): its first job need not wait for imports
        ran = 0
        idle_since = time.monotonic()
        while not stop.is_set():
            try:
                outcome = self.run_once()
            except DBAPIError as error:  # database busy or briefly away: the loop must survive and try again
                log.warning("jobbkøen er utilgjengelig: %s", error)
                stop.wait(max(self.poll_s, 2.0))
                continue
            if outcome is not None:
                ran += 1
                idle_since = time.monotonic()
                if max_jobs is not None and ran >= max_jobs:
                    break
                continue
            if idle_exit_s is not None and time.monotonic() - idle_since > idle_exit_s:
                break
            stop.wait(self.poll_s)
        return ran


#: Jobs the in-process worker of one web process runs at the same time (LEGEPLAN_WEB_WORKER_JOBS), each in its own
#: child process. Two keep a long solve of one municipality from holding up another's import or fetch.
DEFAULT_WEB_WORKER_JOBS = 2
MAX_WEB_WORKER_JOBS = 16


def web_worker_jobs(value: str | None = None) -> int:
    """The in-process worker's concurrency: `value`, else LEGEPLAN_WEB_WORKER_JOBS, else 2 (1 to 16)."""
    raw = value if value is not None else os.environ.get("LEGEPLAN_WEB_WORKER_JOBS", "")
    try:
        wanted = int(raw.strip()) if raw.strip() else DEFAULT_WEB_WORKER_JOBS
    except ValueError:
        log.warning("LEGEPLAN_WEB_WORKER_JOBS=%r er ikke et heltall; bruker %d", raw, DEFAULT_WEB_WORKER_JOBS)
        wanted = DEFAULT_WEB_WORKER_JOBS
    return max(1, min(MAX_WEB_WORKER_JOBS, wanted))


class BackgroundWorker:
    """The in-process worker of the web app (SQLite default): `concurrency` daemon threads, each running
    `Worker.run` (one job at a time, in a child process), started when a job is enqueued and ending after a quiet
    minute, so an idle server holds no polling thread. Every thread claims through the same fair queue, so with two
    slots a second municipality's job starts while the first municipality's long solve runs."""

    IDLE_EXIT_S = 60.0

    def __init__(self, storage: Storage, concurrency: int | None = None) -> None:
        self.concurrency = concurrency if concurrency is not None else web_worker_jobs()
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        tag = f"web:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.workers = [Worker(storage, name=f"{tag}:{n}") for n in range(self.concurrency)]
        self.worker = self.workers[0]
        self._threads: list[threading.Thread | None] = [None] * self.concurrency
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self._closing = threading.Event()
        self.mail_timer()  # failed mail left by a stopped server is retried without waiting for a new notice

    def mail_timer(self) -> None:
        """Start the e-mail retry timer unless it runs: a daemon thread that every `notices.retry_check_s()` seconds
        enqueues a `mail_send` job for failed mail that is due (and wakes the slots to run it), and ends when no
        mail is queued or waiting for a retry (the next enqueued job starts it again). Off when e-mail is off."""
        from legeplan.notices import mail_waiting

        with self._lock:
            if self._timer is not None and self._timer.is_alive():
                return
            try:
                if not mail_waiting(self.worker.storage):
                    return
            except DBAPIError:
                return
            self._timer = threading.Thread(target=self._mail_loop, name="legeplan-mail-retry", daemon=True)
            self._timer.start()

    def _mail_loop(self) -> None:
        from legeplan.notices import mail_waiting, retry_check_s

        while not self._closing.wait(retry_check_s()):
            try:
                if self.worker.retry_mail(force=True):
                    self.wake()
                elif not mail_waiting(self.worker.storage):
                    return
            except DBAPIError as error:
                log.warning("e-postkøen er utilgjengelig: %s", error)

    def wake(self) -> None:
        """Start every slot that is not running (a slot's thread ends after a quiet minute), and the e-mail retry
        timer when mail is waiting."""
        self._wake_slots()
        self.mail_timer()

    def _wake_slots(self) -> None:
        with self._lock:
            self._stop.clear()
            for n, worker in enumerate(self.workers):
                thread = self._threads[n]
                if thread is not None and thread.is_alive():
                    continue
                thread = threading.Thread(
                    target=worker.run, args=(self._stop, self.IDLE_EXIT_S), name=f"legeplan-jobs-{n}", daemon=True
                )
                self._threads[n] = thread
                thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._closing.set()
        self._stop.set()
        for worker in self.workers:
            process = worker.current
            if process is not None and process.poll() is None:
                Worker._stop(process)
        for thread in self._threads:
            if thread is not None:
                thread.join(timeout)
