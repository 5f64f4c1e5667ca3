"""Tallies kept as you go agree with a rebuild from the records and the publish log, after
creates, edits (type, a date moved to another month, attendees changed) and deletes."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from orglife import tallies
from orglife.models import Attendance, OrgLifeTally, PublishTally
from tests.content.factories import ArticleFactory
from tests.sites.factories import column

from .conftest import OWN, SIBLING
from .factories import MeetingRecordFactory, attend, meeting_type

pytestmark = pytest.mark.django_db


def check():
    out = io.StringIO()
    call_command("rebuild_orglife_tallies", "--check", stdout=out, verbosity=0)
    return out.getvalue()


def test_a_record_counts_once_with_its_attendance(org_tree, branch_members):
    record = MeetingRecordFactory(organisation=org_tree[OWN])
    one, two = branch_members["own"]
    attend(record, one)
    attend(record, two, Attendance.LEAVE, "出差")
    record.save()  # saving again changes nothing
    tally = OrgLifeTally.objects.get(organisation=org_tree[OWN])
    assert (tally.meetings, tally.expected, tally.present) == (1, 2, 1)
    assert tally.attendance_rate == 0.5
    assert tally.organisation_path == org_tree[OWN].path


def test_the_kept_tallies_agree_with_a_rebuild_after_a_mix_of_changes(org_tree, branch_members):
    one, two = branch_members["own"]
    now = timezone.now()
    kept = MeetingRecordFactory(
        organisation=org_tree[OWN], held_at=now - datetime.timedelta(days=2)
    )
    attend(kept, one)
    attend(kept, two, Attendance.ABSENT)
    moved = MeetingRecordFactory(organisation=org_tree[OWN], meeting_type=meeting_type("dk"))
    attend(moved, one)
    gone = MeetingRecordFactory(organisation=org_tree[SIBLING])
    attend(gone, branch_members["sibling"])
    MeetingRecordFactory(organisation=org_tree["da"], meeting_type=meeting_type("jtxx"))
    # Edits: the type, the date (two months back), the attendees; a delete.
    moved.meeting_type = meeting_type("ztdr")
    moved.held_at = now - datetime.timedelta(days=62)
    moved.save()
    Attendance.objects.filter(record=kept, member=two).update(status=Attendance.PRESENT)
    Attendance.objects.filter(record=moved).delete()
    attend(moved, two, Attendance.LEAVE, "生病")
    kept.save()
    gone.delete()
    # Publishes in two columns of the branch.
    ArticleFactory(parent=column(org_tree[OWN], "news"), title="动态一").save_revision().publish()
    ArticleFactory(parent=column(org_tree[OWN], "news"), title="动态二").save_revision().publish()
    ArticleFactory(parent=column(org_tree[OWN], "notices"), title="通知").save_revision().publish()

    assert "不一致 0 处" in check()
    month = tallies.month_of(now)
    by_purpose = dict(
        PublishTally.objects.filter(organisation=org_tree[OWN], month=month).values_list(
            "purpose", "updates"
        )
    )
    assert by_purpose["news"] >= 2 and by_purpose.get("notices", 0) >= 1
    assert not OrgLifeTally.objects.filter(organisation=org_tree[SIBLING], meetings__gt=0)
    ztdr = OrgLifeTally.objects.get(meeting_type=meeting_type("ztdr"))
    assert (ztdr.month, ztdr.meetings, ztdr.expected, ztdr.present) == (
        tallies.month_of(moved.held_at),
        1,
        1,
        0,
    )


def test_check_fails_and_rebuild_mends_a_wrong_tally(org_tree, branch_members):
    record = MeetingRecordFactory(organisation=org_tree[OWN])
    attend(record, branch_members["own"][0])
    OrgLifeTally.objects.update(present=5)
    with pytest.raises(CommandError) as error:
        check()
    assert error.value.returncode == 1
    out = io.StringIO()
    call_command("rebuild_orglife_tallies", stdout=out, verbosity=0)
    assert "已重建" in out.getvalue()
    assert "不一致 0 处" in check()
    # After the rebuild the kept tallies go on from the right amounts.
    attend(record, branch_members["own"][1], Attendance.ABSENT)
    assert "不一致 0 处" in check()
    tally = OrgLifeTally.objects.get(organisation=org_tree[OWN])
    assert (tally.meetings, tally.expected, tally.present) == (1, 2, 1)
