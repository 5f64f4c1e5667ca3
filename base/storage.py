"""Object storage (S3, MinIO, Ceph, OSS…) for uploads when AWS_STORAGE_BUCKET_NAME is set.

One bucket, two kinds of object:
- public: images, renditions, lesson media and posters. Plain URLs (or a CDN through
  AWS_S3_CUSTOM_DOMAIN), cacheable by browsers, the app and the metro screens; the
  bucket policy allows anonymous GET on everything except documents/.
- private: Wagtail documents (documents/…), which may sit in a collection with a view
  restriction, and built handbooks (handbooks/…, served only through the admin). A
  document's link is always the portal's /documents/<id>/<name>/: Wagtail checks
  the restriction, then redirects (WAGTAILDOCS_SERVE_METHOD = "redirect") to a signed
  URL that expires after PORTAL_DOCUMENT_URL_EXPIRE seconds.
"""

import json

from botocore.config import Config
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

PRIVATE_PREFIXES = ("documents/", "handbooks/")


def is_private(name):
    return clean_name(name).startswith(PRIVATE_PREFIXES)


class PortalS3Storage(S3Storage):
    """Options are plain values (no botocore Config object): Wagtail hands
    `storage.deconstruct()` to a background task to delete files, as JSON."""

    def __init__(
        self,
        private_expire=300,
        connect_timeout=3,
        read_timeout=30,
        max_attempts=2,
        addressing_style="auto",
        **settings_,
    ):
        settings_.setdefault(
            "client_config",
            Config(
                signature_version="s3v4",
                s3={"addressing_style": addressing_style},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"max_attempts": max_attempts, "mode": "standard"},
            ),
        )
        super().__init__(**settings_)
        self.private_expire = private_expire

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        if is_private(name) and self.default_acl:
            # A bucket that grants public-read per object keeps documents private.
            params["ACL"] = "private"
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not is_private(name):
            return super().url(name, parameters, expire, http_method)
        # Signed even with a custom (CDN) domain or AWS_QUERYSTRING_AUTH off.
        params = {
            **(parameters or {}),
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
        }
        return self.connection.meta.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=expire or self.private_expire,
            HttpMethod=http_method,
        )


# Everything anonymous visitors may read straight from the bucket: Wagtail images and
# renditions, lesson media with their posters, web renditions and subtitles.
PUBLIC_PREFIXES = (
    "original_images/",
    "images/",
    "media/",
    "media_thumbnails/",
    "media_web/",
    "media_subtitles/",
)


def public_read_policy(bucket, location=""):
    """The bucket policy for the public prefixes (documents/ stays private):
    `manage.py shell -c "from base.storage import *; print(public_read_policy('b'))"`."""
    base = f"arn:aws:s3:::{bucket}/" + (location.strip("/") + "/" if location else "")
    statement = {
        "Sid": "PortalPublicMedia",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": [f"{base}{prefix}*" for prefix in PUBLIC_PREFIXES],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)
