"""Notices for the living rota (issue #12): the app's inbox («Meldinger») and e-mail through a configured SMTP server.

Every notice is an inbox message; when the recipient's login has an e-mail address it is also put in the outbox
(`RotaStore.queue_mail`). E-mail is off unless `LEGEPLAN_SMTP_HOST` is set: the outbox then keeps the mail as `off`
(a log only). Sending never happens in a web request: `drain_outbox` is run by the job kind `mail_send` (a worker, or
the in-process worker on SQLite), which the web app enqueues after queuing mail. A failed send is recorded in the
outbox with the reason (`failed`) and a time it is due again (`retry_at`, back-off `RETRY_AFTER_S`: 1, 5, 15 and 60
minutes after the 1st–4th failure), at most `MAX_ATTEMPTS` times. The retry runs on a timer, not only when the next
notice is queued: `enqueue_due_retries` is called every `retry_check_s()` seconds by `legeplan worker` and by the web
app's in-process worker, and enqueues one `mail_send` job when a failed mail is due.

Texts name only the recipient's own duties and the period: never another doctor (the inbox and e-mail of a doctor
hold no colleague's personal data).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from legeplan.i18n import text
from legeplan.legevakt.living import OutboxMail, RotaPeriod, ShiftRef
from legeplan.storage.job_tables import JobStore
from legeplan.storage.repository import Storage
from legeplan.storage.rota_store import RotaStore, RotaStoreError
from legeplan.storage.web_tables import User, WebStore

log = logging.getLogger(__name__)

#: A mail that failed this many times stays `failed` (the outbox shows the last reason).
MAX_ATTEMPTS = 5
#: How long a claimed mail stays with its sender; a sender that dies leaves it to be retried after this.
SENDING_LEASE = timedelta(minutes=10)
#: Seconds to wait before the next try after the 1st, 2nd, … failure (the last value repeats);
#: LEGEPLAN_SMTP_RETRY_S overrides it, e.g. «60,300,900,3600».
RETRY_AFTER_S: tuple[float, ...] = (60.0, 300.0, 900.0, 3600.0)
#: How often the workers look for failed mail that is due (LEGEPLAN_SMTP_RETRY_CHECK_S).
RETRY_CHECK_S = 30.0


def _seconds(raw: str, default: tuple[float, ...]) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in raw.replace(";", ",").split(",") if part.strip())
    except ValueError:
        log.warning("ugyldig ventetid for nytt e-postforsøk: %r; bruker standard", raw)
        return default
    return values if values and all(v >= 0 for v in values) else default


def retry_after(failures: int, environ: dict[str, str] | None = None) -> timedelta:
    """The back-off after the mail's `failures`-th failed attempt (1 → 1 minute, 2 → 5, 3 → 15, then 60)."""
    env = os.environ if environ is None else environ
    steps = _seconds(env.get("LEGEPLAN_SMTP_RETRY_S", ""), RETRY_AFTER_S)
    return timedelta(seconds=steps[min(max(failures, 1), len(steps)) - 1])


def retry_check_s(environ: dict[str, str] | None = None) -> float:
    """Seconds between the workers' looks for failed mail that is due (LEGEPLAN_SMTP_RETRY_CHECK_S, default 30)."""
    env = os.environ if environ is None else environ
    return _seconds(env.get("LEGEPLAN_SMTP_RETRY_CHECK_S", ""), (RETRY_CHECK_S,))[0]


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # the tables store naive UTC


@dataclass(frozen=True)
class SmtpConfig:
    """Where e-mail goes. `host` None: e-mail is off (the default)."""

    host: str | None = None
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = "legeplan@localhost"
    starttls: bool = True
    timeout_s: float = 20.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SmtpConfig:
        """LEGEPLAN_SMTP_HOST, _PORT (587), _USER, _PASSWORD, _FROM and _STARTTLS (1/0, default 1)."""
        env = dict(os.environ) if environ is None else environ
        host = env.get("LEGEPLAN_SMTP_HOST", "").strip() or None
        try:
            port = int(env.get("LEGEPLAN_SMTP_PORT", "587").strip() or "587")
        except ValueError:
            port = 587
        starttls = env.get("LEGEPLAN_SMTP_STARTTLS", "1").strip().lower() not in ("0", "false", "nei", "no")
        return cls(
            host=host,
            port=port,
            user=env.get("LEGEPLAN_SMTP_USER") or None,
            password=env.get("LEGEPLAN_SMTP_PASSWORD") or None,
            sender=env.get("LEGEPLAN_SMTP_FROM", "").strip() or "legeplan@localhost",
            starttls=starttls,
        )


def shift_label(period: RotaPeriod, ref: ShiftRef) -> str:
    """«Natt 07.04.2026» (with «bakvakt» for a bakvakt)."""
    names = {s.id: s.name for s in period.problem.shift_types}
    label = f"{names.get(ref.shift_type, ref.shift_type)} {ref.date.strftime('%d.%m.%Y')}"
    return label if ref.role.value == "vakt" else f"{label} ({text('rota.backup')})"


# --- who gets it -----------------------------------------------------------------------------------------------------


def _deliver(
    store: RotaStore,
    subject: str,
    body: str,
    recipients: Iterable[User],
    config: SmtpConfig,
    *,
    doctor: tuple[str, str] | None = None,
    legevakt_id: int | None = None,
) -> list[OutboxMail]:
    """One inbox message (to the doctor, or to each login) and one mail per login with an e-mail address."""
    users = list(recipients)
    if doctor is not None:
        store.send_message(subject, body, municipality_code=doctor[0], physician_id=doctor[1], legevakt_id=legevakt_id)
    else:
        for user in users:
            store.send_message(subject, body, username=user.username, legevakt_id=legevakt_id)
    mails = []
    mail_body = body + "\n\n" + text("notice.mail_footer")
    for user in users:
        if user.email:
            try:
                mails.append(store.queue_mail(user.email, subject, mail_body, enabled=config.enabled))
            except RotaStoreError:
                continue  # an unusable address is skipped; the inbox still has the message
    return mails


def notify_doctor(
    store: RotaStore,
    web: WebStore,
    municipality_code: str,
    physician_id: str,
    subject: str,
    body: str,
    config: SmtpConfig,
    *,
    legevakt_id: int | None = None,
) -> list[OutboxMail]:
    """A notice to a register doctor: the inbox of the doctor (whichever login is tied to them) and their e-mail."""
    return _deliver(
        store,
        subject,
        body,
        web.users_of_physician(municipality_code, physician_id),
        config,
        doctor=(municipality_code, physician_id),
        legevakt_id=legevakt_id,
    )


def legevaktsjefer(web: WebStore, members: Iterable[str]) -> list[User]:
    """The logins who decide requests for a legevakt: editors and admins of a member municipality (or of all)."""
    codes = set(members)
    return [
        u
        for u in web.list_users()
        if u.role in ("editor", "admin") and (u.municipality_code is None or u.municipality_code in codes)
    ]


def notify_users(
    store: RotaStore, users: Iterable[User], subject: str, body: str, config: SmtpConfig, *, legevakt_id: int | None
) -> list[OutboxMail]:
    return _deliver(store, subject, body, users, config, legevakt_id=legevakt_id)


def rota_published(
    store: RotaStore, web: WebStore, period: RotaPeriod, members: tuple[str, ...], config: SmtpConfig
) -> list[OutboxMail]:
    """Tell every doctor of the period that its rota is published (inbox, and e-mail where configured)."""
    from legeplan.legevakt.living import physician_of

    version = store.current_version(period.id)
    mails: list[OutboxMail] = []
    for doctor in period.problem.doctors:
        code, physician = physician_of(members, doctor.id)
        own = 0 if version is None else sum(1 for a in version.assignments if a.doctor == doctor.id)
        body = text(
            "notice.published_body",
            period=period.name,
            start=period.start.strftime("%d.%m.%Y"),
            end=period.end.strftime("%d.%m.%Y"),
            count=own,
        )
        subject = text("notice.published_subject", period=period.name)
        mails += notify_doctor(store, web, code, physician, subject, body, config, legevakt_id=period.legevakt_id)
    return mails


def announce_published(store: RotaStore, web: WebStore, period_id: int, config: SmtpConfig) -> int:
    """After `RotaStore.publish`: tell the period's doctors (used by the web page and the CLI). Returns the number
    of e-mails queued."""
    period = store.period(period_id)
    legevakt = None if period is None else store.legevakt(period.legevakt_id)
    if period is None or legevakt is None:
        return 0
    return len(rota_published(store, web, period, legevakt.members, config))


# --- sending ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrainResult:
    sent: int
    failed: int


def _message(config: SmtpConfig, mail: OutboxMail) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = formataddr(("legeplan", config.sender))
    message["To"] = mail.to_address
    message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or "localhost")
    message.set_content(mail.body, charset="utf-8")
    return message


def drain_outbox(store: RotaStore, config: SmtpConfig, *, limit: int = 200, now: datetime | None = None) -> DrainResult:
    """Send the queued mails, and retry the failed ones that are due (attempts left, back-off passed), over one SMTP
    connection. Each outcome is recorded on the mail (`sent`, or `failed` with the reason and the time it is due
    again). Does nothing when e-mail is off."""
    if not config.enabled:
        return DrainResult(0, 0)
    now = now or _utcnow()
    found = store.outbox(state="queued", limit=limit) + store.mails_to_retry(now, MAX_ATTEMPTS, limit=limit)
    # Each mail is claimed before it is sent: another process draining at the same moment skips it.
    waiting = [mail for mail in found if store.claim_mail(mail, now + SENDING_LEASE)]
    if not waiting:
        return DrainResult(0, 0)

    def fail(mail: OutboxMail, reason: str) -> None:
        failures = mail.attempts + 1
        again = now + retry_after(failures) if failures < MAX_ATTEMPTS else None
        store.mark_mail(mail.id, "failed", reason, retry_at=again)

    sent = failed = 0
    try:
        smtp = smtplib.SMTP(str(config.host), config.port, timeout=config.timeout_s)
    except (OSError, smtplib.SMTPException) as error:
        for mail in waiting:
            fail(mail, text("notice.smtp_connect", error=str(error)[:300]))
        return DrainResult(0, len(waiting))
    done: set[int] = set()
    try:
        if config.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if config.user:
            smtp.login(config.user, config.password or "")
        for mail in waiting:
            try:
                smtp.send_message(_message(config, mail))
            except smtplib.SMTPRecipientsRefused as error:
                fail(mail, str(error)[:500])
                failed += 1
            else:
                store.mark_mail(mail.id, "sent")
                sent += 1
            done.add(mail.id)
    except (OSError, smtplib.SMTPException) as error:
        # The connection broke (or STARTTLS/login failed): every mail not yet tried keeps the reason for the retry.
        for mail in waiting:
            if mail.id not in done:
                fail(mail, str(error)[:500])
                failed += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return DrainResult(sent, failed)


def enqueue_due_retries(storage: Storage, jobs: JobStore | None = None, *, now: datetime | None = None) -> bool:
    """The timer's step: when e-mail is on, a failed mail is due and no `mail_send` job is queued or running, enqueue
    one (owner «system»). True when a job was enqueued. Cheap when nothing is due (one indexed query)."""
    if not SmtpConfig.from_env().enabled:
        return False
    if not RotaStore(storage).mails_to_retry(now or _utcnow(), MAX_ATTEMPTS, limit=1):
        return False
    jobs = jobs or JobStore(storage)
    if jobs.has_pending("mail_send"):
        return False
    from legeplan.jobs.model import JOB_KINDS

    jobs.enqueue("mail_send", "system", None, {"retry": True}, max_attempts=JOB_KINDS["mail_send"].max_attempts)
    return True


def mail_waiting(storage: Storage) -> bool:
    """Is there mail the timer may still have to send (queued, or failed with attempts left)?"""
    return SmtpConfig.from_env().enabled and RotaStore(storage).mail_waiting(MAX_ATTEMPTS)


__all__ = [
    "MAX_ATTEMPTS",
    "RETRY_AFTER_S",
    "SENDING_LEASE",
    "DrainResult",
    "SmtpConfig",
    "announce_published",
    "drain_outbox",
    "enqueue_due_retries",
    "legevaktsjefer",
    "mail_waiting",
    "notify_doctor",
    "notify_users",
    "retry_after",
    "retry_check_s",
    "rota_published",
    "shift_label",
]
