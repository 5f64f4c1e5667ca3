"""Who a record's attendees may be: the members whose branch is the record's organisation
or lies below it (a street's 集体学习 may gather members of its branches)."""

from learning.models import MemberProfile
from sites.admin_scope import in_subtrees


def members_of(organisations):
    """The members of `organisations`: those whose branch is one of them or below one."""
    return in_subtrees(MemberProfile.objects.all(), organisations, "branch__path")
