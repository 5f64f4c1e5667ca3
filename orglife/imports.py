"""Meeting records from a spreadsheet (CSV or Excel .xlsx), all or nothing, into one
organisation — what branches kept in tables before 组织生活 was online.

Columns (Chinese headers, English accepted): 类型 (a meeting type's name or code), 时间
or 日期 (with an optional 时刻), 地点, 主持人, 主题, 出席, 请假 (姓名（原因） or 姓名：原因),
缺席, 决议, 会议记录 (plain text, one paragraph a line) and 学习文件 (directives by title or
文号, separated by 、 or ；). Attendees are named by name or phone (separated by 、，, ;
or spaces) and must be members of the organisation (their branch is it or lies below it);
a name two members share asks for the phone.

Every problem of the file is reported at once as 第 N 行：…, and then nothing is written
(`TableError`). A row whose organisation, type, time and topic are those of a record
already kept is skipped and named in the report, so importing the same table twice (or
a table that grew by a few rows) adds only what is new; two such rows inside one file
are an error. Each record is saved with its attendance and directives, and its tallies
move in the same transaction (MeetingRecord.save → tallies.sync)."""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from base.tables import TableError, line_error, read_table
from content.cascade import is_visible_to
from content.models import DirectivePage
from learning.models import MemberProfile
from sites.models import OrganisationPage

from . import rules
from .models import Attendance, MeetingRecord, MeetingType

COLUMNS = {
    "type": ["类型", "会议类型", "type"],
    "date": ["时间", "日期", "date", "time", "held_at"],
    "clock": ["时刻", "clock"],
    "place": ["地点", "place"],
    "host": ["主持人", "host"],
    "topic": ["主题", "topic"],
    "present": ["出席", "出席人员", "present"],
    "leave": ["请假", "请假人员", "leave"],
    "absent": ["缺席", "缺席人员", "absent"],
    "resolutions": ["决议", "resolutions"],
    "minutes": ["会议记录", "记录", "minutes"],
    "directives": ["学习文件", "directives"],
}
REQUIRED = ["type", "date", "topic"]
LIMITS = {"place": 100, "host": 40, "topic": 200}
LABELS = {
    "place": gettext_lazy("地点"),
    "host": gettext_lazy("主持人"),
    "topic": gettext_lazy("主题"),
}
STATUS_COLUMNS = {
    "present": Attendance.PRESENT,
    "leave": Attendance.LEAVE,
    "absent": Attendance.ABSENT,
}

PHONE = re.compile(r"^1\d{10}$")
DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时点]\s*(\d{1,2})?\s*(?:[:：分]\s*(\d{1,2})?)?\s*秒?)?$"
)
CLOCK = re.compile(r"^(\d{1,2})\s*[:：时点]\s*(\d{1,2})?\s*(?:[:：分]\s*(\d{1,2})?)?\s*秒?$")
SEPARATORS = "、，,;；"
OPENING, CLOSING = "(（", ")）"
DIRECTIVE_SEPARATORS = re.compile(r"[、;；\n]+")

# What the downloadable template holds: the headers and one example row.
TEMPLATE_HEADERS = [
    "类型",
    "时间",
    "地点",
    "主持人",
    "主题",
    "出席",
    "请假",
    "缺席",
    "决议",
    "会议记录",
    "学习文件",
]
TEMPLATE_EXAMPLE = [
    "支部党员大会",
    "2026-03-05 09:30",
    "党员活动室",
    "王书记",
    "学习党的二十大精神",
    "张三、李四、13800000001",
    "王五（出差）",
    "赵六",
    "每名党员撰写一篇心得体会",
    "王书记领学报告原文。\n党员逐一交流发言。",
    "",
]


@dataclass
class ImportReport:
    created: list = field(default_factory=list)  # MeetingRecord
    skipped: list = field(default_factory=list)  # (line, the record already kept)

    def summary(self):
        return _("导入 %(created)d 条记录，跳过 %(skipped)d 条已有记录。") % {
            "created": len(self.created),
            "skipped": len(self.skipped),
        }


def skipped_line(line, record):
    """What the report says of a row already on record."""
    return line_error(line, _("已有同一次会议的记录“%(topic)s”，跳过") % {"topic": record.topic})


def organisations_importable(user):
    """The organisations `user` may import records into: where they are an editor (all
    organisations for superusers), outermost first."""
    from .visibility import organisations_edited

    if user.is_authenticated and user.is_superuser:
        return OrganisationPage.originals().order_by("path")
    return organisations_edited(user).order_by("path")


def can_import(user):
    return organisations_importable(user).exists()


def import_records(raw, filename, organisation, user=None):
    """Import the table `raw` (named `filename`) into `organisation`, recorded as made
    by `user`. Returns an ImportReport; raises TableError (every bad line) and writes
    nothing then."""
    rows = read_table(raw, filename, COLUMNS, REQUIRED)
    with transaction.atomic():
        planned, report, errors = plan(rows, organisation)
        if errors:
            raise TableError(errors)
        for _line, row in planned:
            report.created.append(write(row, organisation, user))
    return report


# --- checking every row -------------------------------------------------------------


@dataclass
class Row:
    meeting_type: MeetingType
    held_at: datetime.datetime
    topic: str
    place: str = ""
    host: str = ""
    resolutions: str = ""
    minutes: str = ""
    attendances: list = field(default_factory=list)  # (member, status, reason)
    directives: list = field(default_factory=list)


def plan(rows, organisation):
    """([(line, Row)] to write, the report of skipped rows, [errors]) for the whole file
    in a fixed number of queries (types, members, directives, existing records)."""
    types = meeting_types()
    members = Members(organisation, rows)
    directives = Directives(organisation, rows)
    planned, errors, seen = [], [], {}
    for line, cells in rows:
        row, row_errors = check_row(line, cells, organisation, types, members, directives)
        errors += row_errors
        if row is None:
            continue
        key = (row.meeting_type.pk, row.held_at, row.topic)
        if key in seen:
            errors.append(
                line_error(
                    line,
                    _("与第 %(line)d 行是同一次会议（类型、时间、主题相同）") % {"line": seen[key]},
                )
            )
            continue
        seen[key] = line
        planned.append((line, row))
    report = ImportReport()
    kept = existing(organisation, [row for _line, row in planned])
    fresh = []
    for line, row in planned:
        record = kept.get((row.meeting_type.pk, row.held_at, row.topic))
        if record is None:
            fresh.append((line, row))
        else:
            report.skipped.append((line, record))
    return fresh, report, errors


def meeting_types():
    """{name or code, lower-cased: MeetingType}."""
    found = {}
    for meeting_type in MeetingType.objects.all():
        found[meeting_type.code.lower()] = meeting_type
        found[meeting_type.name.lower()] = meeting_type
    return found


def check_row(line, cells, organisation, types, members, directives):
    """(Row or None, [errors]) of one line of the table."""
    errors = []

    def error(message):
        errors.append(line_error(line, message))

    meeting_type = types.get(cells["type"].strip().lower())
    if meeting_type is None:
        names = "、".join(t.name for t in dict.fromkeys(types.values()))
        error(
            _("未知的会议类型“%(type)s”，应为以下之一：%(names)s")
            % {"type": cells["type"], "names": names}
        )
    held_at, message = parse_moment(cells["date"], cells.get("clock", ""))
    if message:
        error(message)
    elif held_at is not None:
        try:
            rules.check_not_future(held_at)
        except ValidationError as exc:
            error(" ".join(exc.message_dict["held_at"]))
    if not cells["topic"]:
        error(_("主题不能为空"))
    for name, limit in LIMITS.items():
        if len(cells.get(name, "")) > limit:
            error(_("%(label)s不能超过 %(limit)d 字") % {"label": LABELS[name], "limit": limit})
    attendances = []
    for name, status in STATUS_COLUMNS.items():
        for person, reason in people(cells.get(name, "")):
            member, message = members.find(person)
            if message:
                error(message)
            elif status == Attendance.LEAVE and not reason:
                error(_("请假的“%(name)s”须写明原因，如 %(name)s（出差）") % {"name": person})
            else:
                attendances.append((member, status, reason if status != Attendance.PRESENT else ""))
    errors += [line_error(line, m) for m in repeated(attendances)]
    studied, messages = directives.find_all(cells.get("directives", ""))
    errors += [line_error(line, m) for m in messages]
    if errors:
        return None, errors
    return Row(
        meeting_type=meeting_type,
        held_at=held_at,
        topic=cells["topic"],
        place=cells.get("place", ""),
        host=cells.get("host", ""),
        resolutions=cells.get("resolutions", ""),
        minutes=cells.get("minutes", ""),
        attendances=attendances,
        directives=studied,
    ), []


def parse_moment(date_text, clock_text=""):
    """(aware datetime, None) or (None, the Chinese message): 2026-03-05, 2026/3/5,
    2026年3月5日 or 2026.3.5, with a time of day (09:30, 9时30分) in the same cell or in
    `clock_text`; no time means the start of the day."""
    match = DATE.match(date_text.strip())
    if not match:
        return None, _("时间“%(text)s”无法识别，请写成 2026-03-05 或 2026-03-05 09:30") % {
            "text": date_text
        }
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if clock_text.strip():
        clock = CLOCK.match(clock_text.strip())
        if not clock:
            return None, _("时刻“%(text)s”无法识别，请写成 09:30") % {"text": clock_text}
        hour, minute, second = (int(g) if g else 0 for g in clock.groups())
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None, _("时间“%(text)s”不是有效的日期或时刻") % {"text": date_text}
    return timezone.make_aware(moment), None


def people(text):
    """[(name or phone, reason)] of a cell: entries separated by 、，, ; or spaces; a
    reason in brackets after the name (王五（出差）) or after a colon (王五：出差)."""
    entries, current, depth = [], "", 0
    for char in text:
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(depth - 1, 0)
        if depth == 0 and (char in SEPARATORS or char.isspace()):
            entries.append(current)
            current = ""
        else:
            current += char
    entries.append(current)
    found = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        bracket = re.match(r"^(.+?)\s*[(（](.*)[)）]$", entry)
        colon = re.match(r"^(.+?)\s*[:：]\s*(.*)$", entry)
        match = bracket or colon
        name, reason = (match.group(1), match.group(2).strip()) if match else (entry, "")
        found.append((name.strip(), reason[:200]))
    return found


def repeated(attendances):
    """Messages for members named twice in one row (in one column or in two)."""
    first, messages = {}, []
    for member, _status, _reason in attendances:
        if member.pk in first:
            messages.append(_("“%(name)s”在出勤中出现了两次") % {"name": member.name})
        first.setdefault(member.pk, member)
    return messages


class Members:
    """Who the table's names and phones are, among the organisation's members (one
    query), and for those not found there, whether they are members elsewhere (one)."""

    def __init__(self, organisation, rows):
        self.organisation = organisation
        own = MemberProfile.objects.filter(branch__path__startswith=organisation.path)
        self.by_phone, self.by_name = {}, {}
        for member in own.select_related("branch").order_by("pk"):
            if member.phone:
                self.by_phone[member.phone] = member
            self.by_name.setdefault(member.name, []).append(member)
        wanted = {
            p for _line, cells in rows for c in STATUS_COLUMNS for p, _r in people(cells.get(c, ""))
        }
        missing = [w for w in wanted if w not in self.by_phone and w not in self.by_name]
        self.elsewhere = {}
        if missing:
            others = MemberProfile.objects.filter(
                Q(phone__in=missing) | Q(name__in=missing)
            ).select_related("branch")
            for member in others:
                self.elsewhere.setdefault(member.phone, member)
                self.elsewhere.setdefault(member.name, member)

    def find(self, person):
        """(member, None) or (None, the Chinese message)."""
        if PHONE.match(person):
            member = self.by_phone.get(person)
            if member is not None:
                return member, None
        else:
            found = self.by_name.get(person, [])
            if len(found) == 1:
                return found[0], None
            if len(found) > 1:
                return None, _("姓名“%(name)s”对应 %(count)d 名党员，请改填其手机号") % {
                    "name": person,
                    "count": len(found),
                }
        other = self.elsewhere.get(person)
        if other is not None:
            try:
                rules.check_member_of(other, self.organisation)
            except ValidationError as exc:
                return None, " ".join(exc.message_dict["member"])
        return None, _("本组织没有姓名或手机号为“%(name)s”的党员") % {"name": person}


class Directives:
    """The directives a table names (by title or 文号, one query), and whether each
    reaches the organisation (content's cascade rule)."""

    def __init__(self, organisation, rows):
        self.organisation = organisation
        wanted = {w for _line, cells in rows for w in titles(cells.get("directives", ""))}
        self.by_key = {}
        if wanted:
            found = (
                DirectivePage.objects.live()
                .filter(locale__language_code=settings.LANGUAGE_CODE)  # not translations
                .filter(Q(title__in=wanted) | Q(doc_number__in=wanted))
                .select_related("issuing_organisation")
                .order_by("pk")
            )
            for directive in found:
                for key in {directive.title, directive.doc_number} & wanted:
                    self.by_key.setdefault(key, []).append(directive)

    def find_all(self, text):
        """([directives], [messages]) for one cell."""
        found, messages, outside = [], [], []
        for key in titles(text):
            candidates = self.by_key.get(key, [])
            reaching = [d for d in candidates if is_visible_to(d, self.organisation)]
            if len(reaching) == 1:
                found.append(reaching[0])
            elif len(reaching) > 1 and all(d.title == key for d in reaching):
                messages.append(
                    _("有 %(count)d 份文件名为“%(title)s”，请改填文号")
                    % {"count": len(reaching), "title": key}
                )
            elif len(reaching) > 1:
                messages.append(
                    _("有 %(count)d 份文件的文号为“%(number)s”，请改填标题")
                    % {"count": len(reaching), "number": key}
                )
            elif candidates:
                outside.append(candidates[0])
            else:
                messages.append(_("没有找到文件“%(title)s”（请填写标题或文号）") % {"title": key})
        if outside:
            try:
                rules.check_directives(outside, self.organisation)
            except ValidationError as exc:
                messages += exc.message_dict["directives"]
        return list(dict.fromkeys(found)), messages


def titles(text):
    """The directive titles or 文号 of a cell, without 《》."""
    keys = (part.strip().strip("《》").strip() for part in DIRECTIVE_SEPARATORS.split(text))
    return [key for key in keys if key]


def existing(organisation, rows):
    """{(type id, time, topic): the record already kept} among the rows' (one query)."""
    if not rows:
        return {}
    records = MeetingRecord.objects.filter(
        organisation=organisation,
        held_at__in={row.held_at for row in rows},
        topic__in={row.topic for row in rows},
    )
    return {(r.meeting_type_id, r.held_at, r.topic): r for r in records}


# --- writing ----------------------------------------------------------------------------


def minutes_html(text):
    """Plain text as rich text: each non-empty line a paragraph."""
    lines = (line.strip() for line in text.splitlines())
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line)


def write(row, organisation, user):
    """Save one record with its attendance and directives (one save: the tallies follow)."""
    record = MeetingRecord(
        organisation=organisation,
        meeting_type=row.meeting_type,
        held_at=row.held_at,
        topic=row.topic,
        place=row.place,
        host=row.host,
        resolutions=row.resolutions,
        minutes=minutes_html(row.minutes),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    record.attendances = [
        Attendance(member=member, status=status, reason=reason)
        for member, status, reason in row.attendances
    ]
    record.directives = row.directives
    record.save()
    return record


def template_rows():
    """The downloadable template: the headers and one example row."""
    return [TEMPLATE_HEADERS, TEMPLATE_EXAMPLE]
