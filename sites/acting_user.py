"""Who is acting in this request, for the rules Wagtail asks without a user.

Wagtail decides which page types a parent offers by `Model.can_create_at(parent)`, a
class method without a user (the add-subpage screen, the create view's own check, the
"add child page" permission, copying and moving all call it), and Wagtail 8 has no hook
that filters page types by user. The column rule (sites/column_types.py) depends on the
user, so this middleware keeps the request's user in a context variable for the length
of the request (per thread and per task, never shared); outside a request — shell,
provisioning, the task worker — there is no acting user and the rule does not apply.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_acting_user = ContextVar("acting_user", default=None)


def acting_user():
    """The user of the current request, or None outside a request."""
    return _acting_user.get()


@contextmanager
def acting_as(user):
    token = _acting_user.set(user)
    try:
        yield user
    finally:
        _acting_user.reset(token)


class ActingUserMiddleware:
    """After AuthenticationMiddleware: `request.user` (still lazy) is the acting user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(request.user):
            return self.get_response(request)
