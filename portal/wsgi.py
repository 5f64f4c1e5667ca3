import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

django_application = get_wsgi_application()

from screens.feeds import lean_wsgi  # noqa: E402  (needs the app registry ready)

# Screens poll the feed by the tens of thousands: it is answered before Django's
# middleware (screens/feeds.py); every other request is Django's.
application = lean_wsgi(django_application)
