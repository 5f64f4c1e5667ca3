"""Automated proofreading: a Wagtail workflow task that no person has to click.

When a page reaches it, the task reads the submitted revision and either approves it (the
workflow goes on to the human reviewers) or rejects it with a numbered list of findings,
which the editor sees in the workflow history and on the 中央厨房 dashboard panel.

Checks: words from the editable lexicon (禁用词 reject, 敏感词 are noted but pass), common wrong
formulations (错 → 对), images without alt text, links to pages or documents that are gone or
not public, per-channel title limits, and a missing screen still when the screen channel is
chosen. All lexicon words are matched in one pass (Aho–Corasick, pyahocorasick), so a
50,000-character text costs milliseconds whatever the lexicon size.
"""

import html
import re
from dataclasses import dataclass

import ahocorasick
from django.db import transaction
from django.utils.html import strip_tags
from wagtail.models import Page
from wagtail.rich_text import RichText

from base.tables import TableError
from base.versions import SharedVersion
from content.channels import APP_TITLE_MAX, SCREEN_TITLE_MAX

from .models import LexiconTerm, WrongFormulation

# Bumped after every change to the lexicon (kitchen/signals.py): every process rebuilds
# its automaton at its next check.
lexicon_version = SharedVersion("portal:lexicon-version")
_automaton = {"version": object(), "value": None}


def bump_lexicon_version():
    lexicon_version.bump()


def automaton():
    """The lexicon compiled once per lexicon version (per process)."""
    version = lexicon_version.current()
    if _automaton["version"] != version:
        machine = ahocorasick.Automaton()
        for word, kind in LexiconTerm.objects.values_list("word", "kind"):
            machine.add_word(word, (kind, word, ""))
        for wrong, right in WrongFormulation.objects.values_list("wrong", "right"):
            machine.add_word(wrong, ("wrong", wrong, right))
        if len(machine):
            machine.make_automaton()
        _automaton.update(version=version, value=machine)
    return _automaton["value"]


@dataclass
class Finding:
    kind: str  # banned, sensitive, wrong, alt, link, length, screen
    field: str
    message: str
    text: str = ""
    position: int | None = None
    blocking: bool = True
    word: str = ""  # the lexicon word found (banned, sensitive, wrong)
    right: str = ""  # its right form, for wrong formulations

    def line(self):
        where = f"（{self.field}第 {self.position + 1} 字）" if self.position is not None else ""
        where = where or (f"（{self.field}）" if self.field else "")
        return f"{self.message}{where}"


def excerpt(text, start, end, around=8):
    return text[max(0, start - around) : end + around]


def find_words(text, field, machine=None):
    machine = machine if machine is not None else automaton()
    if not text or not len(machine):
        return []
    findings = []
    for end, (kind, word, right) in machine.iter(text):
        start = end - len(word) + 1
        if kind == "wrong" and right and word in right:
            # 二十大 inside 党的二十大 is the right form, not the wrong one.
            offset = right.find(word)
            if text[start - offset : start - offset + len(right)] == right:
                continue
        if kind == "wrong":
            message = f"“{word}”应为“{right}”"
        elif kind == LexiconTerm.Kind.BANNED:
            message = f"禁用词“{word}”"
        else:
            message = f"敏感词“{word}”，请确认"
        findings.append(
            Finding(
                kind=kind,
                field=field,
                message=message,
                text=excerpt(text, start, end + 1),
                position=start,
                blocking=kind != LexiconTerm.Kind.SENSITIVE,
                word=word,
                right=right,
            )
        )
    return findings


# --- reading a page ---------------------------------------------------------------------

TAG = re.compile(r"<(a|embed)\b([^>]*)>", re.IGNORECASE)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def plain(source):
    return html.unescape(strip_tags(source or ""))


def page_parts(page):
    """(field label, plain text) pairs, rich-text sources and images with their alt text."""
    texts, sources, images = [], [], []
    for name, label in [
        ("title", "标题"),
        ("app_title", "客户端标题"),
        ("app_summary", "客户端摘要"),
        ("screen_title", "屏幕标题"),
        ("summary", "摘要"),
    ]:
        value = getattr(page, name, "")
        if value:
            texts.append((label, value))
    image_fields = [
        ("cover", "封面"),
        ("app_cover", "客户端封面"),
        ("screen_image", "屏幕画面"),
        ("screen_image_portrait", "竖屏画面"),
    ]
    for name, label in image_fields:
        image = getattr(page, name, None)
        if image is not None:
            images.append((label, image, image.description))
    body = getattr(page, "body", None)
    if isinstance(body, str):
        texts.append(("正文", plain(body)))
        sources.append(body)
    elif body is not None:
        walk_stream(body, texts, sources, images)
    return texts, sources, images


def walk_stream(value, texts, sources, images):
    """Collect text, rich text and images from a StreamField value, however nested."""
    if isinstance(value, RichText):
        texts.append(("正文", plain(value.source)))
        sources.append(value.source)
    elif isinstance(value, str):
        texts.append(("正文", value))
    elif hasattr(value, "contextual_alt_text"):  # ImageBlock value
        alt = "" if getattr(value, "decorative", False) else value.contextual_alt_text
        if not getattr(value, "decorative", False):
            images.append(("正文图片", value, alt))
    elif hasattr(value, "raw_data") or isinstance(value, list | tuple):  # stream / list
        for child in value:
            walk_stream(getattr(child, "value", child), texts, sources, images)
    elif isinstance(value, dict):  # StructValue
        for child in value.values():
            walk_stream(child, texts, sources, images)


def link_findings(sources):
    page_ids, doc_ids, alt_missing = set(), set(), 0
    for source in sources:
        for tag, attrs in TAG.findall(source):
            attributes = dict(ATTR.findall(attrs))
            linktype = attributes.get("linktype") or attributes.get("embedtype")
            if tag.lower() == "a" and linktype == "page" and attributes.get("id", "").isdigit():
                page_ids.add(int(attributes["id"]))
            elif tag.lower() == "a" and linktype == "document":
                if attributes.get("id", "").isdigit():
                    doc_ids.add(int(attributes["id"]))
            elif tag.lower() == "embed" and linktype == "image" and not attributes.get("alt"):
                alt_missing += 1
    findings = []
    live = set(Page.objects.filter(pk__in=page_ids, live=True).values_list("pk", flat=True))
    for page_id in sorted(page_ids - live):
        message = f"站内链接指向不存在或未发布的页面（编号 {page_id}）"
        findings.append(Finding("link", "正文", message))
    if doc_ids:
        from wagtail.documents import get_document_model

        found = set(
            get_document_model().objects.filter(pk__in=doc_ids).values_list("pk", flat=True)
        )
        for doc_id in sorted(doc_ids - found):
            findings.append(Finding("link", "正文", f"文档链接指向已删除的文档（编号 {doc_id}）"))
    findings += [Finding("alt", "正文", "正文图片缺少替代文字")] * alt_missing
    return findings


def channel_findings(page):
    channels = getattr(page, "channels", None) or []
    findings = []
    if "app" in channels and len(page.app_card_title) > APP_TITLE_MAX:
        findings.append(
            Finding(
                "length",
                "客户端标题",
                f"客户端标题 {len(page.app_card_title)} 字，超过 {APP_TITLE_MAX} 字，"
                "请填写简短的客户端标题",
            )
        )
    if "screen" in channels:
        if len(page.screen_slide_title) > SCREEN_TITLE_MAX:
            findings.append(
                Finding(
                    "length",
                    "屏幕标题",
                    f"屏幕标题 {len(page.screen_slide_title)} 字，超过 {SCREEN_TITLE_MAX} 字",
                )
            )
        if page.screen_image_id is None:
            message = "已选地铁屏渠道，但没有屏幕画面（静态图）"
            findings.append(Finding("screen", "屏幕画面", message))
    return findings


def check(page):
    """Every finding for one page (a revision's object), in reading order."""
    texts, sources, images = page_parts(page)
    machine = automaton()
    findings = []
    for field, text in texts:
        findings += find_words(text, field, machine)
    for label, image, alt in images:
        if not (alt or "").strip():
            findings.append(Finding("alt", label, f"图片“{image.title}”缺少替代文字"))
    findings += link_findings(sources)
    findings += channel_findings(page)
    return findings


def report(findings):
    blocking = [f for f in findings if f.blocking]
    notes = [f for f in findings if not f.blocking]
    lines = []
    if blocking:
        lines.append(f"自动校对发现 {len(blocking)} 处问题，请修改后重新提交：")
        lines += [f"{n}. {f.line()}" for n, f in enumerate(blocking, 1)]
    else:
        lines.append("自动校对通过。")
    if notes:
        lines.append("提示（不影响提交）：")
        lines += [f"- {f.line()}" for f in notes]
    return "\n".join(lines)


# --- the workflow task ------------------------------------------------------------------


# --- lexicon files ----------------------------------------------------------------------


class LexiconFileError(TableError):
    """Bad lines of a lexicon file (第 N 行：…), all of them."""


def parse_lexicon(raw_bytes, kind):
    """Lines of a UTF-8 text file → (word, right) pairs. `#` starts a comment. Formulations are
    `错误<TAB>正确` (or `错误 => 正确`). Errors name the line."""
    entries, errors = [], []
    for number, raw in enumerate(raw_bytes.splitlines(), 1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            errors.append(f"第 {number} 行：不是 UTF-8 编码的文字")
            continue
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if kind == "wrong":
            parts = re.split(r"\t|\s*=>\s*|\s*→\s*", line, maxsplit=1)
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                errors.append(f"第 {number} 行：应为“错误表述<Tab>规范表述”")
                continue
            wrong, right = parts[0].strip(), parts[1].strip()
            if len(wrong) > 64 or len(right) > 64:
                errors.append(f"第 {number} 行：表述过长（最多 64 字）")
                continue
            entries.append((wrong, right))
        else:
            if len(line) > 64:
                errors.append(f"第 {number} 行：词语过长（最多 64 字）")
                continue
            entries.append((line, ""))
    if errors:
        raise LexiconFileError(errors)
    return entries


@transaction.atomic
def import_lexicon(raw_bytes, kind):
    """All or nothing; existing words are updated, so importing twice changes nothing."""
    entries = parse_lexicon(raw_bytes, kind)
    created = 0
    for word, right in entries:
        if kind == "wrong":
            _, new = WrongFormulation.objects.update_or_create(
                wrong=word, defaults={"right": right}
            )
        else:
            _, new = LexiconTerm.objects.update_or_create(word=word, defaults={"kind": kind})
        created += new
    return len(entries), created
