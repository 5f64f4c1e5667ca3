"""What the apps' demo parts share (each app builds its part in `<app>/demo.py`, portal.demo
runs them in order): secrets kept in var/ and the demo accounts. Imports no app."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .private_files import write_private


def kept_secret(variable, filename, length):
    """(value, new): the environment variable, else the value kept in var/`filename`, else a
    random one (token_urlsafe(length)) written there, readable by the owner only."""
    if os.environ.get(variable):
        return os.environ[variable], False
    path = Path(settings.VAR_DIR) / filename
    if path.exists():
        return path.read_text().strip(), False
    value = secrets.token_urlsafe(length)
    write_private(path, value)
    return value, True


def ensure_user(username, password, group=None, **defaults):
    """A demo account, in `group` (a name) if given. Its password is set when it is new, or
    on every load when DEMO_ADMIN_PASSWORD is given."""
    user, created = get_user_model().objects.get_or_create(username=username, defaults=defaults)
    if created or os.environ.get("DEMO_ADMIN_PASSWORD"):
        user.set_password(password)
        user.save()
    if group is not None:
        user.groups.add(Group.objects.get(name=group))
    return user


def ensure_users(users, password):
    """The demo accounts of an app: (username, group name, note) rows."""
    for username, group, _ in users:
        ensure_user(username, password, group)
