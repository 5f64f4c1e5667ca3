"""Register a metro screen and print its token once (only a hash is stored)."""

from django.core.management.base import BaseCommand, CommandError

from screens.models import Device, DisplayGroup


class Command(BaseCommand):
    help = (
        "登记一块屏幕：create_screen_device 分组代码 名称 [--location 位置]。"
        "令牌只显示这一次（最后一行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("group", help="屏幕分组代码（slug）")
        parser.add_argument("name", help="设备名称，如“西湖站 上行站台 3 号屏”")
        parser.add_argument("--location", default="", help="位置说明")

    def handle(self, group, name, location, **options):
        display_group = DisplayGroup.objects.filter(slug=group).first()
        if display_group is None:
            known = "、".join(DisplayGroup.objects.values_list("slug", flat=True)) or "（无）"
            raise CommandError(f"没有代码为 {group} 的屏幕分组。现有分组：{known}")
        device = Device(name=name[:100], group=display_group, location=location[:200])
        token = device.set_token()
        device.save()
        self.stdout.write(f"已登记设备 {device.pk}：{device}。")
        self.stdout.write("请把下面的令牌配置到播放器，它不会再次显示：")
        self.stdout.write(token)
