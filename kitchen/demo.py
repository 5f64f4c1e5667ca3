"""The central kitchen's part of the demo city (called by portal.demo.load_demo): the city
editor and the 三审 reviewers, the proofreading lexicon, and a webhook subscriber for the
demo receiver `make run` starts beside the server. Idempotent like the rest of the demo.
"""

import os

from base.demo import ensure_users, kept_secret

from .models import LexiconTerm, WebhookSubscriber, WrongFormulation

DEMO_USERS = [
    # username, group, note
    ("city_editor", "jiangcheng:editors", "市级 中央厨房编辑（稿件走“三审”）"),
    ("chushen", "jiangcheng:初审", "市级 初审"),
    ("fushen", "jiangcheng:复审", "市级 复审"),
    ("zhongshen", "jiangcheng:终审", "市级 终审（通过即发布）"),
]
# Proofreading lexicon of the demo (editable in 中央厨房 → 敏感词/禁用词, 规范表述).
DEMO_LEXICON = {
    "banned": ["翻墙软件", "网络赌博", "非法集资"],
    "sensitive": ["内部资料", "未经核实"],
}
DEMO_FORMULATIONS = [
    ("两学一作", "两学一做"),
    ("十九大", "党的十九大"),
    ("二十大", "党的二十大"),
    ("三会一课制", "“三会一课”制度"),
]
DEMO_WEBHOOK_NAME = "演示接收器（make run 一同启动）"
WEBHOOK_SECRET_FILE = "demo-webhook-secret"


def demo_webhook_secret():
    """WEBHOOK_SECRET, else a random one in var/ (`make run` hands it to the receiver)."""
    return kept_secret("WEBHOOK_SECRET", WEBHOOK_SECRET_FILE, 32)[0]


def ensure_kitchen_demo(password):
    ensure_users(DEMO_USERS, password)
    for kind, words in DEMO_LEXICON.items():
        for word in words:
            LexiconTerm.objects.get_or_create(word=word, defaults={"kind": kind})
    for wrong, right in DEMO_FORMULATIONS:
        WrongFormulation.objects.get_or_create(wrong=wrong, defaults={"right": right})
    url = os.environ.get("DEMO_WEBHOOK_URL", "http://127.0.0.1:8001/hook/")
    WebhookSubscriber.objects.update_or_create(
        name=DEMO_WEBHOOK_NAME, defaults={"url": url, "secret": demo_webhook_secret()}
    )
