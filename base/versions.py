"""Version tokens in the shared cache, so that every process (web workers, the task worker)
notices a change at once: the site index, the content behind the public API, the
proofreading lexicon. A token is bumped on change; readers compare it with the one they
built their copy from."""

import datetime
import uuid

from django.core.cache import cache
from django.utils import timezone


class SharedVersion:
    def __init__(self, key):
        self.key = key

    @staticmethod
    def new_token():
        # The time (for Last-Modified) and a random tail, so two bumps never look alike.
        return f"{timezone.now().isoformat()}/{uuid.uuid4().hex[:12]}"

    def bump(self):
        cache.set(self.key, self.new_token(), None)

    def current(self):
        token = cache.get(self.key)
        if token is None:
            token = self.new_token()
            if not cache.add(self.key, token, None):
                token = cache.get(self.key) or token
        return token


def changed_at(token):
    """When a token was made."""
    return datetime.datetime.fromisoformat(token.split("/", 1)[0])
