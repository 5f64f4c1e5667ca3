"""The text of attached files, where it can be read, so a directive is found by words
that are only in its attachment: PDF (pypdf; scanned PDFs have no text and give none),
Word .docx (python-docx: paragraphs and tables), plain text (UTF-8 or GB18030). Old .doc
and WPS files are not read. A damaged or oversized file gives no text and never stops its
page from being indexed."""

import io
import logging
from pathlib import Path

from base.tables import decode_text

logger = logging.getLogger(__name__)
MAX_BYTES = 20 * 2**20
MAX_CHARS = 50_000  # enough for a long implementation plan; the rest adds little


def pdf_text(data):
    from pypdf import PdfReader

    out, size = [], 0
    for page in PdfReader(io.BytesIO(data)).pages:
        text = page.extract_text() or ""
        out.append(text)
        size += len(text)
        if size >= MAX_CHARS:
            break
    return "\n".join(out)


def docx_text(data):
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


READERS = {".pdf": pdf_text, ".docx": docx_text, ".txt": decode_text}


def text_of(document):
    """What can be read of a Wagtail document's file (at most MAX_CHARS characters)."""
    reader = READERS.get(Path(document.file.name).suffix.lower())
    if reader is None:
        return ""
    try:
        if document.file.size > MAX_BYTES:
            return ""
        with document.file.open("rb") as handle:
            data = handle.read()
        return " ".join(reader(data).split())[:MAX_CHARS]
    except Exception as error:  # noqa: BLE001 (any reader's failure: index the page without it)
        logger.warning("附件文字读取失败（%s）：%s", document.file.name, error)
        return ""
