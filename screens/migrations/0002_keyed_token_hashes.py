"""Device token hashes were bare sha256; now they are HMAC-SHA256 under SCREENS_TOKEN_KEY,
taken over that same sha256 (screens/models.py hash_token), so every stored hash is
upgraded in place and existing devices keep their tokens. One way: the old hashes cannot
be recovered from the keyed ones, so migrating back leaves them keyed (the table is
dropped further back anyway)."""

from django.db import migrations

from screens.models import key_token_digest


def key_token_hashes(apps, schema_editor):
    Device = apps.get_model("screens", "Device")
    devices = list(Device.objects.only("pk", "token_hash"))
    for device in devices:
        device.token_hash = key_token_digest(device.token_hash)
    Device.objects.bulk_update(devices, ["token_hash"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("screens", "0001_initial")]

    operations = [migrations.RunPython(key_token_hashes, migrations.RunPython.noop, elidable=True)]
