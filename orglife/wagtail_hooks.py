from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .admin_views import MeetingRecordViewSet


class OrgLifeViewSetGroup(SnippetViewSetGroup):
    menu_label = "组织生活"
    menu_icon = "calendar-alt"
    menu_order = 270
    items = (MeetingRecordViewSet,)


register_snippet(OrgLifeViewSetGroup)
