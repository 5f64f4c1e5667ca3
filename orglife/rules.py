"""What a meeting record must satisfy, with the Chinese message an editor sees."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from content.cascade import is_visible_to
from sites.models import OrganisationAccess


def check_not_future(held_at):
    if held_at and held_at > timezone.now():
        raise ValidationError({"held_at": _("会议时间不能晚于现在")})


def check_reason(status, reason):
    if status == "leave" and not (reason or "").strip():
        raise ValidationError({"reason": _("请假须填写原因")})


def is_member_of(member, organisation):
    """Members of an organisation: those whose branch is it or lies below it."""
    return member.branch.path.startswith(organisation.path)


def check_member_of(member, organisation):
    if not is_member_of(member, organisation):
        raise ValidationError({"member": _("%(name)s不是本组织的党员") % {"name": member.name}})


def check_directives(directives, organisation):
    """Every directive studied must reach the organisation (issued by it or above)."""
    outside = [d.title for d in directives if not is_visible_to(d, organisation)]
    if outside:
        raise ValidationError(
            {"directives": _("以下文件未下达到本组织：%(titles)s") % {"titles": "、".join(outside)}}
        )


def check_in_collection(image, organisation):
    """A record's photo comes from its organisation's media collection (or one below)."""
    access = OrganisationAccess.objects.filter(organisation=organisation).first()
    collection = image.collection
    if access is None or not collection.path.startswith(access.collection.path):
        raise ValidationError({"image": _("照片须来自本组织的媒体库")})
