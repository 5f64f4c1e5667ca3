"""A database made before the central kitchen and the screens got their own apps migrates
forward with every row, content type, permission and queued task intact."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tasks_db.models import DBTaskResult
from wagtail.models import Task

from kitchen.models import ContentChange, Delivery, LexiconTerm, ProofreadingTask, WebhookSubscriber
from kitchen.signing import standard_secret
from screens.models import Device, DisplayGroup, EmergencyInsert, Playlist, PlayTally

LAST_BEFORE_THE_MOVE = ("content", "0008_screen_image_portrait")
MOVED_TO = {"kitchen", "screens"}


def migrate(to_before_the_move):
    """Migrate the test database to just before the move (kitchen and screens unapplied)
    or to the newest state; returns the historical models of that state."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    if to_before_the_move:
        graph = executor.loader.graph
        before = set(graph.forwards_plan(LAST_BEFORE_THE_MOVE))
        # Apps made after the move (their migrations need a later content) are unapplied
        # too, like the moved ones.
        later = {
            app
            for app, name in leaves
            if app not in MOVED_TO | {"content"}
            and any(n[0] == "content" and n not in before for n in graph.forwards_plan((app, name)))
        }
        nodes = [n for n in leaves if n[0] not in MOVED_TO | later | {"content"}]
        nodes.append(LAST_BEFORE_THE_MOVE)
        targets = [*nodes, *((app, None) for app in MOVED_TO | later)]
    else:
        nodes = targets = leaves
    # ContentType's cache is left alone: content types keep their ids through the move,
    # and clearing it would make the next serialized-rollback test recreate some while
    # restoring the rest (the assertions below read the table itself).
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_from_before_the_move_keeps_its_rows(django_user_model):
    old = migrate(to_before_the_move=True)
    OldContentType = old.get_model("contenttypes", "ContentType")
    device_type = OldContentType.objects.get(app_label="content", model="device")
    proofreading_type = OldContentType.objects.get(app_label="content", model="proofreadingtask")

    group = old.get_model("content", "DisplayGroup").objects.create(name="站台屏", slug="platform")
    device = old.get_model("content", "Device").objects.create(
        name="一号屏", group=group, token_hash="h" * 64, token_hint="abc123"
    )
    playlist = old.get_model("content", "Playlist").objects.create(name="早间")
    playlist.groups.add(group)
    insert = old.get_model("content", "EmergencyInsert").objects.create(
        title="临时管控", text="请绕行", ends_at="2030-01-01T00:00:00Z"
    )
    insert.groups.add(group)
    old.get_model("content", "PlayTally").objects.create(
        day="2026-11-30", device=device, item="page:1", plays=3, seconds=45
    )
    subscriber = old.get_model("content", "WebhookSubscriber").objects.create(
        name="客户端", url="https://app.example.org/hook", secret="s3cret"
    )
    change = old.get_model("content", "ContentChange").objects.create(
        page_id=7, action="publish", page_type="content.articlepage", title="一篇", url_path="/x/"
    )
    old.get_model("content", "Delivery").objects.create(
        change=change, subscriber=subscriber, page_id=7, channel="app", payload={"a": 1}
    )
    old.get_model("content", "LexiconTerm").objects.create(word="禁词")
    task = old.get_model("content", "ProofreadingTask").objects.create(
        name="自动校对", content_type=proofreading_type
    )
    operators = old.get_model("auth", "Group").objects.create(name="屏幕运维")
    operators.permissions.add(
        old.get_model("auth", "Permission").objects.get(
            content_type=device_type, codename="change_device"
        )
    )
    queued = DBTaskResult.objects.create(
        task_path="content.tasks.rebuild_screen_snapshots",
        args_kwargs={"args": [[group.pk]], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
    )

    migrate(to_before_the_move=False)

    assert Device.objects.get(pk=device.pk).group.slug == "platform"
    assert list(Playlist.objects.get(pk=playlist.pk).groups.all()) == [DisplayGroup.objects.get()]
    assert EmergencyInsert.objects.get().groups.get().slug == "platform"
    assert PlayTally.objects.get().plays == 3
    delivery = Delivery.objects.get()
    assert delivery.change == ContentChange.objects.get() and delivery.payload == {"a": 1}
    # Kept across the move; kitchen 0002 then spells the same key the Standard Webhooks way.
    assert WebhookSubscriber.objects.get().secret == standard_secret("s3cret")
    assert LexiconTerm.objects.get().word == "禁词"
    # Content types were relabelled, not made anew: everything pointing at them follows.
    assert ContentType.objects.get(app_label="screens", model="device").pk == device_type.pk
    assert not ContentType.objects.filter(app_label="content", model="device").exists()
    assert isinstance(Task.objects.get(pk=task.pk).specific, ProofreadingTask)
    user = django_user_model.objects.create_user("operator")
    user.groups.add(operators.pk)
    assert user.has_perm("screens.change_device")
    assert not Permission.objects.filter(
        content_type__app_label="content", codename="change_device"
    ).exists()
    queued.refresh_from_db()
    assert queued.task_path == "screens.tasks.rebuild_screen_snapshots"
