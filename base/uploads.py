"""What an uploaded document really is, checked by its content before it is stored
(WAGTAILDOCS_DOCUMENT_FORM_BASE): the name's extension is only a claim.

- Markup (HTML, SVG, XML) is refused under every name: a browser that is shown it could run
  its scripts on our origin.
- A `.pdf` must be a PDF that pypdf can read, with no script and no action that runs by
  itself: JavaScript (`/JS`, `/JavaScript`), launching a program (`/Launch`), actions fired
  on opening or on events (`/OpenAction` with one of those, `/AA`). Encrypted PDFs that
  cannot be opened without a password cannot be checked, so they are refused too.
- Other formats whose signature the `filetype` library knows (Office, OpenDocument, zip,
  video) must carry a signature of their family.

Only documents that passed these checks are stored, so a PDF may be shown inline
(WAGTAILDOCS_INLINE_CONTENT_TYPES); everything else is served as an attachment.
"""

import re
from pathlib import Path

import filetype
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject
from wagtail.documents.forms import BaseDocumentForm

SNIFF_BYTES = 1024
# What the WHATWG sniffing algorithm treats as markup, after leading whitespace (and a BOM).
MARKUP = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|script|iframe|svg|\?xml|"
    rb"!--|title|style|div|a\s|img|table|p[\s>]|br|h1|font|b[\s>])",
    re.IGNORECASE,
)
# Families the content must belong to, for the extensions filetype recognises. Old
# Office files (doc, xls, ppt) share one container; the zip-based ones may be reported
# as their own type or as plain zip.
ZIP = {"application/zip"}
OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLE = {"application/x-ole-storage", "application/msword", "application/vnd.ms-excel"}
OLE |= {"application/vnd.ms-powerpoint"}
EXPECTED = {
    "pdf": {"application/pdf"},
    "docx": OOXML | ZIP,
    "xlsx": OOXML | ZIP,
    "pptx": OOXML | ZIP,
    "odt": {"application/vnd.oasis.opendocument.text"} | ZIP,
    "zip": ZIP,
    "doc": OLE,
    "xls": OLE,
    "ppt": OLE,
    "mp4": {"video/mp4", "video/quicktime", "video/x-m4v"},
    "webm": {"video/webm", "video/x-matroska"},
}
# Keys that carry script or actions fired without the reader clicking a link.
SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA"}
SCRIPT_ACTIONS = {"/JavaScript", "/Launch"}
MAX_OBJECTS = 500_000  # a walk this long is a file built to exhaust the checker


class UnsafeDocument(Exception):
    """The upload is not what it claims to be, or carries something that runs."""


def head(upload):
    upload.seek(0)
    data = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return data


def pdf_findings(upload):
    """The names of the scripts and automatic actions found in a PDF's objects."""
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsafeDocument(_("加密的 PDF 无法检查，请上传未加密的文件"))
        found, seen, stack = set(), set(), [reader.trailer]
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                if len(seen) > MAX_OBJECTS:
                    raise UnsafeDocument(_("PDF 对象过多，无法检查"))
                stack.append(obj.get_object())
            elif isinstance(obj, DictionaryObject):
                found |= SCRIPT_KEYS & set(obj)
                action = obj.get("/S")
                if isinstance(action, NameObject) and action in SCRIPT_ACTIONS:
                    found.add(str(action))
                stack.extend(obj.values())
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
    except UnsafeDocument:
        raise
    except Exception:  # pypdf raises many kinds on a damaged or hostile file
        raise UnsafeDocument(_("无法读取该 PDF 文件，它可能已损坏或不是 PDF")) from None
    finally:
        upload.seek(0)
    return found


def check_document(upload):
    """Raise UnsafeDocument unless the upload's content matches its name and is inert."""
    extension = Path(upload.name).suffix.lower().lstrip(".")
    data = head(upload)
    if MARKUP.match(data):
        raise UnsafeDocument(_("文件内容是网页或标记文本（HTML/SVG/XML），不能作为文档上传"))
    expected = EXPECTED.get(extension)
    if expected is not None:
        kind = filetype.guess(data)
        if kind is None or kind.mime not in expected:
            raise UnsafeDocument(
                _("文件内容与扩展名 .%(extension)s 不符") % {"extension": extension}
            )
    if extension == "pdf":
        found = pdf_findings(upload)
        if found:
            raise UnsafeDocument(
                _("PDF 含有脚本或自动执行的动作（%(found)s），不能上传")
                % {"found": "、".join(sorted(found))}
            )


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document form (every upload path: add, multiple, chooser) with the checks
    above (WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            try:
                check_document(upload)
            except UnsafeDocument as error:
                raise forms.ValidationError(str(error)) from None
        return upload
