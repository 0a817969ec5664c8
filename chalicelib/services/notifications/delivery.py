"""Notifications, second half: the consumer of the notifications queue sends each job once.

A job names a notification. Only a worker that moves it from `created` to `sending` (a
conditional write) may send, so a redelivered job finds it `sending`, `delivered` or `failed`
and sends nothing twice. A `sending` whose worker died (its lock expired) is taken over: the
provider may then see the message twice, which the providers' own deduplication (eSMS
`RequestId`, our ZNS `tracking_id`) narrows.

    temporary error  -> back to `created`; the job fails and returns after a backoff
                        (30 s, 1, 2, 4 min...); after maxReceiveCount (5) SQS moves it to the
                        dead-letter queue, from which a redrive sends it again
    permanent error  -> the next channel (NOTIFY_FALLBACK, default ZNS -> SMS -> email), else
                        `failed`

Each message to a typed phone or email first takes one from that contact's daily budget
(`MESSAGES_PER_RECIPIENT`, throttle.take_message), given back when nothing went out. Over it,
nothing is sent there: the channel fails for good with `recipient_limit`, recorded on the
notification like any other reason (docs/security.md).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib.domain import notifications as plan
from chalicelib.domain.notification_templates import Message, mask
from chalicelib.integrations import notify_channels, notify_config, queues
from chalicelib.integrations.notify_channels import (
    ChannelError,
    ChannelPermanentError,
    ChannelTemporaryError,
    Job,
)
from chalicelib.persistence import notification_store as store
from chalicelib.services.shared import batches, throttle

log = logging.getLogger(__name__)
LOCK = timedelta(seconds=120)  # > the function timeout (30 s), < the visibility timeout (180 s)


# The slowest job: a provider call at its HTTP timeout (10 s), then the state update.
RESERVE_MS = 12_000


def handle_batch(records, now: datetime, time_left_ms=None) -> dict:
    """Deliver each job; report the ones to retry (partial batch response)."""
    job = batches.retrying(
        queues.QueueNames.NOTIFICATIONS,
        "notification",
        lambda body: deliver(body["notification_id"], now),
    )
    return batches.run(records, job, time_left_ms, RESERVE_MS)


def deliver(notification_id: str, now: datetime) -> str:
    """Send one notification at most once; returns its state afterwards."""
    record = store.get(notification_id)
    if record is None:
        log.warning(
            "job for an unknown notification dropped", extra={"notification": notification_id}
        )
        return "unknown"
    if record.state in store.FINAL:
        return record.state  # a redelivered job: already sent (or given up)
    if not store.claim(record, now, LOCK):
        current = store.get(notification_id)
        if current is not None and current.state in store.FINAL:
            return current.state
        raise batches.Retry("another worker is sending it")
    return _send(record, now)


def _send(record: store.Notification, now: datetime) -> str:
    tried = list(record.tried or [])
    channel, attempts = record.channel, int(record.attempts or 0)
    order = (plan.ZALO_OA, *notify_config.fallback())
    message = Message.from_dict(record.message)
    while True:
        job = Job(
            record.id,
            channel,
            (record.addresses or {}).get(channel, ""),
            record.template,
            message,
            record.dossier_code,
        )
        attempts += 1
        try:
            _check_reachable(job)
            budget = _take_budget(job)
            sender = notify_channels.get(channel)
            try:
                provider_id = sender.send(job)
            except ChannelError:
                if budget is not None:
                    budget.give_back_on_failure()
                raise
        except ChannelTemporaryError as exc:
            store.update(
                record,
                now,
                state=store.CREATED,
                channel=channel,
                attempts=attempts,
                tried=tried or None,
                last_error=str(exc),
                locked_until=0,
            )
            raise batches.Retry(str(exc)) from exc
        except ChannelPermanentError as exc:
            tried.append({"channel": channel, "error": str(exc)})
            following = plan.next_channel(
                channel,
                order,
                record.addresses or {},
                [t["channel"] for t in tried],
                record.covered or [],
            )
            log.warning(
                "notification channel failed for good",
                extra={
                    "notification": record.id,
                    "channel": channel,
                    "error": str(exc),
                    "fallback": following,
                },
            )
            if following is None:
                store.update(
                    record,
                    now,
                    state=store.FAILED,
                    channel=channel,
                    attempts=attempts,
                    tried=tried,
                    last_error=str(exc),
                )
                return store.FAILED
            channel = following
            continue
        store.update(
            record,
            now,
            state=store.DELIVERED,
            channel=channel,
            attempts=attempts,
            tried=tried or None,
            provider=("fake-" if sender.fake else "") + sender.name,
            provider_message_id=provider_id,
            delivered_at=now.isoformat(),
        )
        _sent(job, sender, now)
        return store.DELIVERED


def _check_reachable(job: Job) -> None:
    """A follower who left the OA gets no more OA messages (unfollow)."""
    if job.channel == plan.ZALO_OA:
        user = store.get_user(job.address)
        if user is not None and not user.following:
            raise ChannelPermanentError("user unfollowed the OA")


def _take_budget(job: Job) -> throttle.Attempt | None:
    """One message from the contact's daily budget (None for channels without one); over it
    the channel cannot deliver."""
    contact = plan.contact_key(job.channel, job.address)
    if not contact:
        return None
    attempt = throttle.take_message(contact)
    if attempt is None:
        raise ChannelPermanentError(plan.RECIPIENT_LIMIT)
    return attempt


def _sent(job: Job, sender: notify_channels.Channel, now: datetime) -> None:
    to = mask(job.address)
    if sender.fake:
        text = job.message.sms if job.channel == plan.SMS else job.message.body
        store.add_dev_message(
            {
                "notification_id": job.id,
                "channel": job.channel,
                "template": job.template,
                "dossier_code": job.dossier_code,
                "to": to,
                "title": job.message.title,
                "text": text,
            },
            now,
        )
        log.info(
            f"[fake {job.channel}] -> {to}: {job.template} {job.dossier_code or ''}".strip(),
            extra={"channel": job.channel, "template": job.template, "to": to},
        )
    else:
        log.info(
            "notification sent",
            extra={"notification": job.id, "channel": job.channel, "template": job.template},
        )
