"""Rows of the django-tasks database backend's queue, as a worker leaves them."""

import factory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


class TaskResultFactory(factory.django.DjangoModelFactory):
    """A queued kitchen.tasks.run_schedules, due now; pass status, started_at, finished_at,
    run_after or task_path for other states."""

    class Meta:
        model = DBTaskResult
        skip_postgeneration_save = True

    task_path = "kitchen.tasks.run_schedules"
    status = "READY"
    args_kwargs = factory.LazyFunction(lambda: {"args": [], "kwargs": {}})
    backend_name = "default"
    queue_name = "default"
    run_after = factory.LazyFunction(get_date_max)

    @factory.post_generation
    def enqueued_at(self, create, when):
        # auto_now_add: set afterwards to say when the task was queued.
        if create and when is not None:
            DBTaskResult.objects.filter(pk=self.pk).update(enqueued_at=when)
            self.enqueued_at = when


def ago(**delta):
    return timezone.now() - timezone.timedelta(**delta)
