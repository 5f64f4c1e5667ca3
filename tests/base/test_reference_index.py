"""Wagtail's reference index ("usage") is updated for the object an inline child belongs
to, so a child replaced before the worker gets to it — wagtail-localize rewrites a
translation's leaders and attachments on every save — no longer fails the task with
`DoesNotExist` (base/reference_index.py)."""

import pytest
from django_tasks import default_task_backend
from wagtail.models import ReferenceIndex

from base.reference_index import update_reference_index
from sites.models import OrganisationLeader
from tests.factories import ImageFactory
from tests.sites.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings):
    """Tasks are queued, not run, as with the worker: `run()` runs what is queued, late."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    class Queue:
        @property
        def results(self):
            return default_task_backend.results

        def run(self):
            for result in list(self.results):
                result.task.call(*result.args, **result.kwargs)

    return Queue()


def test_a_replaced_leader_indexes_its_organisation_without_failing(home, queue):
    org = OrganisationFactory(kind="district")
    photo = ImageFactory()
    first = OrganisationLeader.objects.create(
        organisation=org, name="张三", role="书记", photo=photo
    )
    first.delete()  # replaced, as a translation's save replaces its children
    OrganisationLeader.objects.create(organisation=org, name="李四", role="书记", photo=photo)
    queued = [result.args for result in queue.results]
    assert queued and all(args[1] != "organisationleader" for args in queued), queued
    assert ["orgs", "organisationpage", str(org.pk)] in [list(args) for args in queued]

    queue.run()  # Wagtail's own handler queued the deleted leader: DoesNotExist here

    usage = ReferenceIndex.get_references_to(photo).group_by_source_object()
    assert [source.pk for source, _references in usage] == [org.pk]


def test_an_object_deleted_before_its_task_runs_is_done(home, queue):
    org = OrganisationFactory(kind="district")
    pk = org.pk
    org.delete()
    assert update_reference_index.call("orgs", "organisationpage", str(pk)) is None
