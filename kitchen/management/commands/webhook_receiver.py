import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from kitchen.demo import WEBHOOK_SECRET_FILE
from kitchen.devtools.webhook_receiver import FAILURE_MODES, WebhookReceiver


class Command(BaseCommand):
    help = _(
        "启动一个本地 Webhook 接收器：按 Standard Webhooks 校验签名，拒绝过期的时间戳，"
        "按 webhook-id 去重，打印收到的每个事件，按 Ctrl-C 退出。"
        "可用 --fail-share 随机注入失败，用于演示投递重试。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8001, help="监听端口（默认 8001）")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument(
            "--secret",
            default="",
            help="签名密钥（默认取环境变量 WEBHOOK_SECRET，否则取 var/demo-webhook-secret）",
        )
        parser.add_argument(
            "--fail-share",
            type=float,
            default=0.0,
            help="随机失败的比例，0～1（默认 0，即全部接收）",
        )
        parser.add_argument(
            "--failure-modes",
            default="500",
            help=f"失败方式，逗号分隔，可选 {','.join(FAILURE_MODES)}（默认 500）",
        )

    def handle(self, *args, **options):
        secret = options["secret"] or os.environ.get("WEBHOOK_SECRET")
        secret_file = Path(settings.VAR_DIR) / WEBHOOK_SECRET_FILE
        if not secret and secret_file.exists():
            secret = secret_file.read_text().strip()
        if not secret:
            raise CommandError("缺少签名密钥：请用 --secret 或环境变量 WEBHOOK_SECRET 指定。")
        fail_share = options["fail_share"]
        if not 0.0 <= fail_share <= 1.0:
            raise CommandError("--fail-share 必须在 0 到 1 之间。")
        modes = tuple(m.strip() for m in options["failure_modes"].split(",") if m.strip())
        try:
            receiver = WebhookReceiver(
                secret,
                fail_share=fail_share,
                failure_modes=modes,
                host=options["host"],
                port=options["port"],
                verbose=True,
            )
            receiver.start()
        except ValueError as exc:
            raise CommandError(f"参数有误：{exc}") from exc
        except OSError as exc:
            raise CommandError(f"无法监听 {options['host']}:{options['port']}：{exc}") from exc

        self.stdout.write(self.style.SUCCESS("Webhook 接收器已启动。"))
        self.stdout.write(f"  投递地址:  {receiver.url}")
        self.stdout.write(f"  查看记录:  {receiver.url}?format=html")
        if fail_share:
            self.stdout.write(f"  随机失败:  {fail_share:.0%}（方式：{'、'.join(modes)}）")
        self.stdout.write("按 Ctrl-C 退出。")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            receiver.stop()
        self.stdout.write(
            f"\n已停止：共接收 {receiver.accepted_count()} 条，"
            f"重复 {receiver.duplicates} 次，签名错误 {receiver.bad_signatures} 次，"
            f"时间戳过期 {receiver.stale} 次。"
        )
