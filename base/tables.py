"""Read an uploaded table (CSV or Excel .xlsx) into records with their line numbers.

Members, question banks and other bulk imports share it: Chinese or English headers map
to field keys, a CSV may be UTF-8 (with or without BOM) or GB18030 (what Excel saves on
a Chinese Windows), and every problem is reported as 第 N 行：… for the whole file at
once, so the importer can refuse it all and change nothing.
"""

import csv
import io
import zipfile

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


class TableError(Exception):
    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


def line_error(line, message):
    return f"第 {line} 行：{message}"


def read_table(raw, filename, columns, required):
    """[(line, {key: text})] of the data rows. `columns` maps each key to the header names
    that mean it (e.g. {"phone": ["phone", "手机号", "手机"]}); `required` keys must have
    a column. Empty rows are skipped; cells are stripped strings."""
    if len(raw) > MAX_BYTES:
        raise TableError([f"文件超过 {MAX_BYTES // 2**20} MB"])
    if filename.lower().endswith(".xlsx"):
        rows = xlsx_rows(raw)
    elif filename.lower().endswith((".csv", ".txt")):
        rows = csv_rows(raw)
    else:
        raise TableError(["只支持 CSV（.csv）或 Excel（.xlsx）文件"])
    try:
        line, header = next(rows)
    except StopIteration:
        raise TableError([line_error(1, "文件为空，缺少表头")]) from None
    keys = header_keys(line, header, columns, required)
    records, errors = [], []
    try:
        for line, values in rows:
            if not any(values):
                continue
            if len(records) >= MAX_ROWS:
                raise TableError([f"超过 {MAX_ROWS} 行，请分批导入"])
            if len(values) > len(keys) and any(values[len(keys) :]):
                errors.append(line_error(line, f"列数过多：表头只有 {len(keys)} 列"))
                continue
            values = values + [""] * (len(keys) - len(values))
            records.append((line, {k: v for k, v in zip(keys, values, strict=False) if k}))
    except csv.Error as exc:
        errors.append(line_error(line + 1, f"CSV 格式错误：{exc}"))
    if errors:
        raise TableError(errors)
    return records


def header_keys(line, header, columns, required):
    aliases = {name.lower(): key for key, names in columns.items() for name in [key, *names]}
    keys, errors = [], []
    for title in header:
        key = aliases.get(title.strip().lower())
        if title.strip() and key is None:
            errors.append(line_error(line, f"未知的列“{title}”"))
        keys.append(key)
    missing = [columns[k][0] if columns[k] else k for k in required if k not in keys]
    if missing:
        errors.append(line_error(line, f"表头缺少列：{'、'.join(missing)}"))
    if errors:
        raise TableError(errors)
    return keys


def decode_text(raw):
    """Bytes as text: UTF-8 (with or without a BOM), else GB18030, as Chinese Windows and
    Excel save it; UnicodeDecodeError (of the GB18030 attempt) when neither."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def csv_rows(raw):
    try:
        text = decode_text(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TableError([line_error(line, "无法识别的文字编码（请存为 UTF-8 CSV）")]) from None
    # Rows are numbered as a spreadsheet shows them: a quoted cell with line breaks in it
    # (minutes, a question's explanation) is still one row.
    reader = csv.reader(io.StringIO(text, newline=""))
    for number, values in enumerate(reader, 1):
        yield number, [v.strip() for v in values]


def xlsx_rows(raw):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError([f"不是有效的 Excel（.xlsx）文件：{exc}"]) from None
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, [cell_text(c) for c in cells]
    finally:
        book.close()


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers typed as numbers
    return str(value).strip()
