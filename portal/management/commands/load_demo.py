from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from base.commands import progress_factory
from portal.demo import DEMO_USERS, load_demo
from screens.demo import SCREEN_TOKENS_FILE, demo_screen_tokens


class Command(BaseCommand):
    help = "建立演示城市“江城市”（3 区 × 2 街道 × 2 社区 × 2 支部）；可重复运行。"

    def handle(self, *args, **options):
        password, new = load_demo(progress_factory=progress_factory(self, options))
        port = "" if settings.PORTAL_PORT == 80 else f":{settings.PORTAL_PORT}"
        base = f"http://{settings.PORTAL_DOMAIN}{port}"
        self.stdout.write(self.style.SUCCESS("演示门户已就绪。"))
        self.stdout.write(f"  门户首页:  {base}/")
        self.stdout.write(
            f"  支部站点:  http://donghu-hp-yh-d1.{settings.PORTAL_DOMAIN}{port}/"
            f"（也可走路径 {base}/donghu/donghu-hp/donghu-hp-yh/donghu-hp-yh-d1/）"
        )
        self.stdout.write(f"  站点导航:  {base}/directory/")
        self.stdout.write(f"  管理后台:  {base}/admin/")
        self.stdout.write(f"  管理员:    admin / {password}" + ("（新生成）" if new else ""))
        for username, _, note in DEMO_USERS:
            self.stdout.write(f"  演示账号:  {username} / {password}  —— {note}")
        self.stdout.write(
            f"  党员学习:  {base}/login/ 手机号 13900000001 / {password}"
            f"（72 名演示党员，手机号 13900000001–13900000072）→ {base}/learning/me/"
        )
        self.stdout.write(f"  学习园地:  {base}/learning/  ·  积分排行: {base}/learning/ranking/")
        screens = demo_screen_tokens()
        if screens:
            _, name, token = screens[0]
            tokens = Path(settings.VAR_DIR) / SCREEN_TOKENS_FILE
            self.stdout.write(f"  地铁屏:    {base}/screens/player/?token={token}")
            self.stdout.write(f"             （{name}；{len(screens)} 台演示屏的令牌见 {tokens}）")
