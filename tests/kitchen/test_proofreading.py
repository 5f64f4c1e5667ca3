"""Automated proofreading: lexicon, formulations, alt text, links, channel limits, files."""

import random

import pytest
from django.core.management import CommandError, call_command

from content.models import ArticlePage
from kitchen import proofreading
from kitchen.models import LexiconTerm, WrongFormulation
from tests.factories import ImageFactory
from tests.sites.factories import column

FILLER = "坚持以人民为中心的发展思想，推动基层党组织建设全面进步全面过硬。"


def kinds(findings):
    return sorted(f.kind for f in findings)


@pytest.fixture
def lexicon(db):
    LexiconTerm.objects.create(word="翻墙软件", kind="banned")
    LexiconTerm.objects.create(word="内部资料", kind="sensitive")
    WrongFormulation.objects.create(wrong="二十大", right="党的二十大")
    WrongFormulation.objects.create(wrong="两学一作", right="两学一做")


def test_every_seeded_word_is_found_in_a_50000_character_text(db):
    rng = random.Random(20261123)
    words = [f"禁词{n:04d}" for n in range(1000)]
    LexiconTerm.objects.bulk_create(LexiconTerm(word=w, kind="banned") for w in words)
    proofreading.bump_lexicon_version()  # bulk_create sends no signals
    text = list((FILLER * (50_000 // len(FILLER) + 1))[:50_000])
    seeded = {}
    for word in rng.sample(words, 200):
        start = rng.randrange(0, len(text) - 10)
        while any(abs(start - s) < 12 for s in seeded):
            start = rng.randrange(0, len(text) - 10)
        text[start : start + len(word)] = word
        seeded[start] = word
    text = "".join(text)
    assert len(text) == 50_000

    findings = proofreading.find_words(text, "正文")

    assert {f.position: f.text[8 : 8 + 6] for f in findings} == seeded


def test_wrong_formulations_respect_the_right_form_around_them(lexicon):
    text = "学习党的二十大精神。学习二十大精神。开展两学一作。"
    findings = proofreading.find_words(text, "正文")
    assert [(f.message, f.position) for f in findings] == [
        ("“二十大”应为“党的二十大”", 12),
        ("“两学一作”应为“两学一做”", 20),
    ]


def test_sensitive_words_are_noted_but_do_not_reject(lexicon, home):
    page = ArticlePage(title="通知", body="<p>本文为内部资料。</p>")
    findings = proofreading.check(page)
    assert [f.kind for f in findings] == ["sensitive"] and not findings[0].blocking
    assert "自动校对通过" in proofreading.report(findings)


def test_page_checks_alt_text_links_and_channel_limits(lexicon, home):
    news = column(home, "news")
    unnamed = ImageFactory(description="")
    page = ArticlePage(
        title="一" * 31,
        cover=unnamed,
        channel_app=True,
        channel_screen=True,
        body=(
            '<p>见<a linktype="page" id="987654">旧稿</a>与<a linktype="page" '
            f'id="{news.pk}">栏目</a>。</p><embed embedtype="image" id="{unnamed.pk}" '
            'alt="" format="fullwidth"/><p>严禁翻墙软件</p>'
        ),
    )
    findings = proofreading.check(page)
    assert kinds(findings) == ["alt", "alt", "banned", "length", "length", "link", "screen"]
    report = proofreading.report(findings)
    assert "编号 987654" in report and f"编号 {news.pk}" not in report
    assert "客户端标题 31 字" in report and "屏幕标题 31 字" in report

    page.app_title, page.screen_title = "短标题", "屏幕短标题"
    page.screen_image = ImageFactory(description="学习现场")
    page.cover = None
    page.body = "<p>正文</p>"
    assert proofreading.check(page) == []


def test_lexicon_edits_take_effect_at_the_next_check(lexicon):
    assert proofreading.find_words("新词出现", "正文") == []
    LexiconTerm.objects.create(word="新词", kind="banned")
    proofreading.bump_lexicon_version()  # what the on_commit hook does after a save
    assert [f.text for f in proofreading.find_words("新词出现", "正文")] == ["新词出现"]


def test_import_refuses_bad_encoding_with_the_line_and_writes_nothing(db, tmp_path):
    path = tmp_path / "words.txt"
    path.write_bytes("甲词\n乙词\n".encode() + "丙词\n".encode("gbk") + "丁词\n".encode())
    with pytest.raises(CommandError) as error:
        call_command("import_lexicon", str(path))
    assert "第 3 行" in str(error.value) and "UTF-8" in str(error.value)
    assert not LexiconTerm.objects.exists()


def test_import_formulations_is_idempotent_and_names_bad_lines(db, tmp_path, capsys):
    good = tmp_path / "pairs.txt"
    good.write_text("# 常见错误\n两学一作\t两学一做\n十九大 => 党的十九大\n", encoding="utf-8")
    call_command("import_lexicon", str(good), kind="wrong")
    call_command("import_lexicon", str(good), kind="wrong")
    assert dict(WrongFormulation.objects.values_list("wrong", "right")) == {
        "两学一作": "两学一做",
        "十九大": "党的十九大",
    }
    assert "新增 0 条" in capsys.readouterr().out

    bad = tmp_path / "bad.txt"
    bad.write_text("甲\t乙\n只有一列\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("import_lexicon", str(bad), kind="wrong")


def test_admin_import_refuses_a_bad_file_and_imports_a_good_one(client, home):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.factories import UserFactory

    url = reverse("content_lexicon_import")
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    bad = "甲词\n".encode() + "乙词\n".encode("gbk")
    response = client.post(
        url, {"kind": "banned", "file": SimpleUploadedFile("w.txt", bad, "text/plain")}
    )
    assert response.status_code == 200 and "第 2 行" in response.content.decode()
    assert not LexiconTerm.objects.exists()

    good = "甲词\n乙词\n".encode()
    response = client.post(
        url, {"kind": "sensitive", "file": SimpleUploadedFile("w.txt", good, "text/plain")}
    )
    assert response.status_code == 302
    assert dict(LexiconTerm.objects.values_list("word", "kind")) == {
        "甲词": "sensitive",
        "乙词": "sensitive",
    }

    client.force_login(UserFactory(username="ed", groups=["testcity:editors"]))
    response = client.post(
        url, {"kind": "banned", "file": SimpleUploadedFile("w.txt", "丙词".encode())}
    )
    assert response.status_code != 200 and not LexiconTerm.objects.filter(word="丙词").exists()
