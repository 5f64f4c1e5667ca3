"""`portal.settings`: every value comes from the environment, with embedded defaults.

See base.py; tests use portal.settings.test.
"""

from .base import *  # noqa: F401,F403
