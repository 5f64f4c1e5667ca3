"""Bad input to a meeting record: a clear Chinese error and nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orglife import rules
from orglife.models import Attendance, MeetingRecord
from tests.content.factories import DirectiveFactory, own_column

from .conftest import OWN, SIBLING
from .factories import meeting_type

pytestmark = pytest.mark.django_db


def messages(error):
    return [m for ms in error.value.message_dict.values() for m in ms]


def test_a_date_in_the_future_is_refused(org_tree):
    record = MeetingRecord(
        organisation=org_tree[OWN],
        meeting_type=meeting_type("dyh"),
        topic="明天的会",
        held_at=timezone.now() + datetime.timedelta(hours=2),
    )
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert messages(error) == ["会议时间不能晚于现在"]


def test_an_attendee_from_another_branch_is_refused(own_record, branch_members):
    row = Attendance(record=own_record, member=branch_members["sibling"])
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert messages(error) == ["赵三不是本组织的党员"]


def test_members_below_a_street_may_attend_its_meeting(records, branch_members):
    street_record = records["da-s1"]
    Attendance(record=street_record, member=branch_members["own"][0]).full_clean()


def test_leave_without_a_reason_is_refused(own_record, branch_members):
    row = Attendance(record=own_record, member=branch_members["own"][0], status="leave")
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert messages(error) == ["请假须填写原因"]
    row.reason = "出差"
    row.full_clean()


def test_a_directive_not_cascaded_to_the_organisation_is_refused(org_tree):
    sibling_directive = DirectiveFactory(parent=own_column(org_tree[SIBLING]), title="兄弟文件")
    upper_directive = DirectiveFactory(parent=own_column(org_tree["da"]), title="区委文件")
    rules.check_directives([upper_directive], org_tree[OWN])
    with pytest.raises(ValidationError) as error:
        rules.check_directives([upper_directive, sibling_directive], org_tree[OWN])
    assert messages(error) == ["以下文件未下达到本组织：兄弟文件"]


def test_a_photo_from_another_organisations_collection_is_refused(own_record, org_tree):
    from orglife.models import RecordPhoto
    from sites.models import OrganisationAccess
    from tests.factories import ImageFactory

    def collection(code):
        return OrganisationAccess.objects.get(organisation=org_tree[code]).collection

    RecordPhoto(record=own_record, image=ImageFactory(collection=collection(OWN))).full_clean()
    photo = RecordPhoto(record=own_record, image=ImageFactory(collection=collection(SIBLING)))
    with pytest.raises(ValidationError) as error:
        photo.full_clean()
    assert messages(error) == ["照片须来自本组织的媒体库"]


def test_records_stay_out_of_the_usage_pages_of_what_they_link(own_record, branch_members):
    from wagtail.models import ReferenceIndex

    Attendance.objects.create(record=own_record, member=branch_members["own"][0])
    own_record.save()
    assert not ReferenceIndex.get_references_to(branch_members["own"][0]).exists()
