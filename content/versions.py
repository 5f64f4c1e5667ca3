"""The content version: a token in the shared cache that changes on every publish,
unpublish, expiry, move and delete of a page (bumped where the change feed records each of
them, kitchen.changes.record). The public API's ETag and Last-Modified derive from it."""

from base.versions import SharedVersion

content_version = SharedVersion("portal:content-version")
