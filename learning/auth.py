"""Members sign in with their phone number or their username (django-axes still counts
failures and locks out: it sits before this backend in AUTHENTICATION_BACKENDS)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

PHONE_DIGITS = 11


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not (username and username.isdigit() and len(username) == PHONE_DIGITS):
            return None  # ModelBackend tries it as a username
        user = get_user_model().objects.filter(member__phone=username).first()
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


@receiver(user_logged_in)
def daily_login_points(sender, request, user, **kwargs):
    from . import points

    points.award(user, "daily_login", f"login:{timezone.localdate().isoformat()}")
