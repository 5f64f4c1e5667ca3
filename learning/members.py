"""Members' accounts: bulk import from CSV/Excel by a branch's (or a higher level's)
reviewers, all or nothing, with line-numbered errors.

Columns: 姓名, 手机号, 支部代码, and optionally 用户名 (default: the phone number) and 初始密码
(default: a random one, shown once to whoever imports). A phone number that already
belongs to a member updates that member (name, branch), so importing twice changes
nothing the second time; but only a member inside the importer's subtree (`within`): a
phone of a member elsewhere is a line error, so no import reaches across branches.
"""

import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from base.tables import TableError, line_error, read_table
from sites.models import OrganisationPage
from sites.tree import below_path_q

from .models import MemberProfile

COLUMNS = {
    "name": ["姓名", "name"],
    "phone": ["手机号", "手机", "phone"],
    "branch": ["支部代码", "支部", "branch", "branch_code"],
    "username": ["用户名", "username"],
    "password": ["初始密码", "密码", "password"],
}
REQUIRED = ["name", "phone", "branch"]
PHONE = re.compile(r"^1\d{10}$")


@dataclass
class ImportReport:
    created: list = field(default_factory=list)  # (name, phone, username, password or "")
    updated: int = 0
    unchanged: int = 0

    def summary(self):
        return f"新增 {len(self.created)} 人，更新 {self.updated} 人，未变 {self.unchanged} 人。"


def import_members(raw, filename, within=None):
    """Import a table of members into branches under `within` (an OrganisationPage; None:
    anywhere). Raises TableError listing every bad line; writes nothing then."""
    rows = read_table(raw, filename, COLUMNS, REQUIRED)
    with transaction.atomic():
        return _import_rows(rows, within)


def _import_rows(rows, within):
    branches = branches_by_code({r["branch"].lower() for _, r in rows}, within)
    User = get_user_model()
    phones = [r["phone"] for _, r in rows]
    members = {
        m.phone: m
        for m in MemberProfile.objects.select_for_update()
        .select_related("branch")
        .filter(phone__in=phones)
    }
    taken = set(
        User.objects.filter(username__in=[r.get("username") or r["phone"] for _, r in rows])
        .exclude(member__phone__in=phones)
        .values_list("username", flat=True)
    )
    errors, seen_phones, seen_names = [], {}, {}
    for line, row in rows:
        errors += row_errors(line, row, branches, taken, seen_phones, seen_names, members)
        errors += outside_errors(line, members.get(row["phone"]), within)
    if errors:
        raise TableError(errors)
    report = ImportReport()
    for _, row in rows:
        apply_row(row, branches[row["branch"].lower()], members, report)
    return report


def outside_errors(line, member, within):
    """A phone of a member whose branch lies outside `within` may not be taken over."""
    if member is None or within is None or member.branch.path.startswith(within.path):
        return []
    return [gettext("第 %(line)s 行：该手机号已属于其他组织的党员") % {"line": line}]


def branches_by_code(codes, within):
    branches = OrganisationPage.originals().filter(code__in=codes, kind="branch")
    if within is not None:
        branches = branches.filter(below_path_q(within.path, inclusive=True))
    return {b.code: b for b in branches}


def row_errors(line, row, branches, taken, seen_phones, seen_names, members):
    errors = []
    name, phone = row["name"], row["phone"]
    username = row.get("username") or phone
    if not name or len(name) > 40:
        errors.append(line_error(line, "姓名不能为空，且不超过 40 字"))
    if not PHONE.match(phone):
        errors.append(line_error(line, f"手机号“{phone}”应为 11 位数字，以 1 开头"))
    elif phone in seen_phones:
        errors.append(line_error(line, f"手机号 {phone} 与第 {seen_phones[phone]} 行重复"))
    seen_phones.setdefault(phone, line)
    if row["branch"].lower() not in branches:
        errors.append(line_error(line, f"没有代码为“{row['branch']}”的支部，或不在您管理的范围内"))
    if username in taken or (username in seen_names and seen_names[username] != phone):
        errors.append(line_error(line, f"用户名“{username}”已被占用"))
    seen_names.setdefault(username, phone)
    if row.get("password"):
        try:
            validate_password(row["password"])
        except ValidationError as exc:
            errors.append(line_error(line, f"初始密码不可用：{' '.join(exc.messages)}"))
    return errors


def apply_row(row, branch, members, report):
    member = members.get(row["phone"])
    if member is not None:
        if (member.name, member.branch_id) == (row["name"], branch.pk):
            report.unchanged += 1
            return
        member.name, member.branch = row["name"], branch
        member.save(update_fields=["name", "branch"])
        report.updated += 1
        return
    password = row.get("password") or secrets.token_urlsafe(8)
    user = get_user_model().objects.create_user(
        username=row.get("username") or row["phone"], password=password
    )
    MemberProfile.objects.create(user=user, branch=branch, name=row["name"], phone=row["phone"])
    report.created.append(
        (row["name"], row["phone"], user.username, "" if row.get("password") else password)
    )
