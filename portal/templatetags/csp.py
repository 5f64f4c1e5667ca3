"""`{% csp_nonce %}`: the nonce attribute an inline admin script needs under the admin's
Content-Security-Policy (base/security.py)."""

from django import template

from base.security import nonce_attribute

register = template.Library()


@register.simple_tag
def csp_nonce():
    return nonce_attribute()
