"""Settings of the real `manage.py db_worker` the fault tests start: the project's own
(database task backend), with a short delivery lease so the test need not wait long."""

from portal.settings.base import *  # noqa: F401,F403

PORTAL_WEBHOOK_TIMEOUT = 2.0
PORTAL_WEBHOOK_LEASE = 4.0
