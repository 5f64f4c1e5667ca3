"""Webhook signatures, the Standard Webhooks way (https://www.standardwebhooks.com/), with
the `standardwebhooks` library.

Every delivery carries

* ``webhook-id``: the delivery's UUID, the same on every retry (receivers drop repeats by it);
* ``webhook-timestamp``: seconds since the epoch when this attempt was sent (receivers
  refuse old ones, so a captured request cannot be replayed later);
* ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``.

Secrets are stored as ``whsec_<base64 of the key bytes>``. Secrets from before (random
strings used as the HMAC key as they were) were converted by migration 0002 into
``whsec_<base64 of those same bytes>``: the key is unchanged, only its spelling. A secret
typed without the prefix is taken the same way, so both forms keep working.
"""

import base64
import binascii
import secrets
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from standardwebhooks.webhooks import Webhook

PREFIX = "whsec_"
SECRET_MAX_LENGTH = 255


def new_secret():
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def standard_secret(secret):
    """The whsec_ form of `secret`: as it is when it has the prefix, otherwise its utf-8
    bytes are the key (how secrets were used before Standard Webhooks)."""
    secret = (secret or "").strip()
    if not secret or secret.startswith(PREFIX):
        return secret
    return PREFIX + base64.b64encode(secret.encode("utf-8")).decode("ascii")


def validate_secret(value):
    if not value or not value.strip():
        raise ValidationError(_("签名密钥不能为空"))
    if value.strip().startswith(PREFIX):
        try:
            key = base64.b64decode(value.strip()[len(PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if not key:
            raise ValidationError(_("whsec_ 之后应为 Base64 编码的密钥"))
    elif len(standard_secret(value)) > SECRET_MAX_LENGTH:
        raise ValidationError(_("签名密钥太长"))


def signature_headers(secret, msg_id, body, when: datetime):
    """The three Standard Webhooks headers for sending `body` (bytes) now (`when`)."""
    timestamp = int(when.timestamp())
    # The library reads the datetime as UTC whatever its tzinfo: hand it one in UTC.
    signature = Webhook(standard_secret(secret)).sign(
        msg_id, datetime.fromtimestamp(timestamp, tz=UTC), body.decode("utf-8")
    )
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }
