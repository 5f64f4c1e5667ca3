"""Provision organisation sites from a CSV file: `code,parent_code,name,kind[,hostname]`.

All rows are read and checked before anything is written; any bad row aborts the whole
run with `line N: reason` for every problem found. Applying is one transaction and
idempotent: existing organisations are compared and only changes are written, missing
skeleton columns, groups, collections, permissions and sites are created.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from .access import ensure_access
from .kinds import OrganisationKind, allowed_child_kinds, kind_label, kind_not_allowed_message
from .models import CODE_PATTERN, OrganisationPage
from .skeleton import apply_columns, existing_columns, skeleton_for, top_level_slugs

REQUIRED_COLUMNS = ["code", "parent_code", "name", "kind"]
EXPECTED_HEADER = "code,parent_code,name,kind[,hostname]"
EXPECTED_HEADER = "code,parent_code,name,kind[,hostname]"
HOSTNAME_PATTERN = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
CODE_RE = re.compile(CODE_PATTERN)
MAX_NAME_LENGTH = 255


class ProvisioningError(Exception):
    """Raised with every problem found; `errors` is a list of 'line N: reason' strings."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass
class Row:
    line: int
    code: str
    parent_code: str
    name: str
    kind: str
    hostname: str = ""


@dataclass
class Report:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    columns_created: int = 0
    sites_created: int = 0
    sites_updated: int = 0
    access_created: int = 0
    dry_run: bool = False

    def summary(self):
        verb = "将" if self.dry_run else "已"
        return (
            f"{verb}新建组织 {len(self.created)} 个，{verb}更新 {len(self.updated)} 个，"
            f"未变 {self.unchanged} 个；{verb}新建栏目 {self.columns_created} 个，"
            f"站点 {self.sites_created} 个（更新 {self.sites_updated} 个），"
            f"权限组与媒体库 {self.access_created} 套。"
        )


# --- Reading -------------------------------------------------------------------------


def read_rows(data):
    """Parse CSV bytes (UTF-8, optional BOM) into Rows; raises ProvisioningError."""
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ProvisioningError(
                [f"line {line}: 文件不是 UTF-8 编码（请用 UTF-8 另存为 CSV）"]
            ) from None
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ProvisioningError(["line 1: 文件为空，缺少表头"]) from None
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ProvisioningError(
            [f"line 1: 表头缺少列 {', '.join(missing)}（应为 {EXPECTED_HEADER}）"]
        )
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + ["hostname"]]
    if unknown:
        raise ProvisioningError([f"line 1: 未知的列 {', '.join(unknown)}"])
    rows, errors = [], []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) < len(REQUIRED_COLUMNS):
                errors.append(
                    f"line {line}: 列数不足：至少 {len(REQUIRED_COLUMNS)} 列，实际 {len(values)} 列"
                )
                continue
            if len(values) > len(header):
                errors.append(
                    f"line {line}: 列数过多：最多 {len(header)} 列，实际 {len(values)} 列"
                )
                continue
            values = values + [""] * (len(header) - len(values))  # optional hostname left out
            record = {h: v.strip() for h, v in zip(header, values, strict=True)}
            rows.append(
                Row(
                    line=line,
                    code=record["code"].lower(),
                    parent_code=record["parent_code"].lower(),
                    name=record["name"],
                    kind=record["kind"].lower(),
                    hostname=record.get("hostname", "").lower().rstrip("."),
                )
            )
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: CSV 格式错误：{exc}")
    if errors:
        raise ProvisioningError(errors)
    return rows


# --- Checking ------------------------------------------------------------------------


def check(rows, home):
    """Validate rows against each other and the database; return them parents first."""
    errors = []
    existing = {
        o.code: o
        for o in OrganisationPage.originals().only("id", "code", "kind", "path", "depth", "title")
    }
    existing_parent_code = _existing_parent_codes(existing)
    reserved = set(settings.PORTAL_RESERVED_CODES) | top_level_slugs()
    by_code = {}
    for row in rows:
        problem = _check_row(row, reserved)
        if problem:
            errors.append(f"line {row.line}: {problem}")
            continue
        if row.code in by_code:
            errors.append(
                f"line {row.line}: 组织代码 {row.code} 重复（第 {by_code[row.code].line} 行已有）"
            )
            continue
        by_code[row.code] = row
    if errors:
        raise ProvisioningError(errors)

    hostnames_taken = dict(Site.objects.values_list("hostname", "root_page_id"))
    hostname_rows = {}
    for row in rows:
        parent_kind = _parent_kind(row, by_code, existing, home)
        if parent_kind is None:
            errors.append(f"line {row.line}: 未知的上级组织代码 {row.parent_code}")
            continue
        if row.kind not in allowed_child_kinds(parent_kind):
            errors.append(f"line {row.line}: {kind_not_allowed_message(parent_kind, row.kind)}")
        current = existing.get(row.code)
        if current is not None:
            if current.pk == home.pk:
                errors.append(f"line {row.line}: {row.code} 是门户首页（市）的代码，不能导入")
                continue
            if current.kind != row.kind:
                errors.append(
                    f"line {row.line}: 组织 {row.code} 已是{kind_label(current.kind)}，"
                    f"不能改为{kind_label(row.kind)}"
                )
            if existing_parent_code[row.code] != (row.parent_code or home.code):
                errors.append(
                    f"line {row.line}: 组织 {row.code} 已在 {existing_parent_code[row.code]} 之下，"
                    "导入不能移动组织（请在后台移动页面）"
                )
        hostname = row.hostname or default_hostname(row.code)
        owner = hostnames_taken.get(hostname)
        if owner is not None and (current is None or owner != current.pk):
            errors.append(f"line {row.line}: 域名 {hostname} 已被其他站点使用")
        if hostname in hostname_rows:
            errors.append(f"line {row.line}: 域名 {hostname} 与第 {hostname_rows[hostname]} 行重复")
        hostname_rows[hostname] = row.line
    errors.extend(_cycle_errors(rows, by_code, existing))
    if errors:
        raise ProvisioningError(sorted(set(errors), key=_line_number))
    return _parents_first(rows, by_code)


def _check_row(row, reserved):
    if not row.code:
        return "缺少组织代码 code"
    if not CODE_RE.match(row.code):
        return f"组织代码 {row.code} 无效：只能用小写字母、数字和连字符（最多 63 个字符）"
    if row.code in reserved:
        return f"组织代码 {row.code} 是门户或栏目的保留名称"
    if not row.name:
        return "缺少名称 name"
    if len(row.name) > MAX_NAME_LENGTH:
        return f"名称过长（最多 {MAX_NAME_LENGTH} 个字符）"
    if row.kind not in OrganisationKind.values:
        kinds = "、".join(OrganisationKind.values)
        return f"组织类型 {row.kind or '（空）'} 无效，应为 {kinds} 之一"
    if row.kind == OrganisationKind.CITY:
        return "市级组织就是门户首页，不能导入（请把区级组织的 parent_code 留空）"
    if row.parent_code == row.code:
        return "上级组织不能是自己"
    if row.hostname and not HOSTNAME_PATTERN.match(row.hostname):
        return f"域名 {row.hostname} 无效"
    return None


def _existing_parent_codes(existing):
    by_path = {o.path: o.code for o in existing.values()}
    steplen = OrganisationPage.steplen
    return {o.code: by_path.get(o.path[:-steplen]) for o in existing.values()}


def _parent_kind(row, by_code, existing, home):
    if not row.parent_code:
        return OrganisationKind.CITY
    if row.parent_code in by_code:
        return by_code[row.parent_code].kind
    if row.parent_code in existing:
        return existing[row.parent_code].kind
    return None


def _cycle_errors(rows, by_code, existing):
    errors = []
    for row in rows:
        seen = {row.code}
        parent = row.parent_code
        while parent and parent in by_code and parent not in existing:
            if parent in seen:
                errors.append(f"line {row.line}: 上级关系成环（{row.code} → … → {parent}）")
                break
            seen.add(parent)
            parent = by_code[parent].parent_code
    return errors


def _parents_first(rows, by_code):
    depth = {}

    def depth_of(row):
        if row.code not in depth:
            parent = by_code.get(row.parent_code)
            depth[row.code] = 0 if parent is None else depth_of(parent) + 1
        return depth[row.code]

    return sorted(rows, key=lambda r: (depth_of(r), r.line))


def _line_number(error):
    match = re.match(r"line (\d+):", error)
    return int(match.group(1)) if match else 0


def default_hostname(code):
    return f"{code}.{settings.PORTAL_DOMAIN}"


# --- Applying ------------------------------------------------------------------------


def portal_home():
    """The city: the first organisation of the tree (its translations come later)."""
    home = OrganisationPage.originals().filter(depth=2).order_by("path").first()
    if home is None:
        raise ProvisioningError(["line 0: 门户首页尚未建立，请先运行 load_demo 或 setup_portal"])
    return home.specific


def provision_csv(data, dry_run=False, progress_factory=None):
    """Read, check and (unless dry_run) apply a CSV. Returns a Report."""
    rows = read_rows(data)
    home = portal_home()
    ordered = check(rows, home)
    return provision_rows(ordered, home, dry_run=dry_run, progress_factory=progress_factory)


def provision_rows(rows, home, dry_run=False, progress_factory=None):
    report = Report(dry_run=dry_run)
    existing = {o.code: o for o in OrganisationPage.originals()}
    for row in rows:
        org = existing.get(row.code)
        if org is None:
            report.created.append(row.code)
        elif org.title != row.name:
            report.updated.append(row.code)
        else:
            report.unchanged += 1
    if dry_run:
        report.columns_created = sum(
            sum(spec.count() for spec in skeleton_for(row.kind))
            for row in rows
            if row.code in report.created
        )
        report.sites_created = len(report.created)
        return report
    with transaction.atomic():
        _apply(rows, home, existing, report, progress_factory)
    return report


def _progress(progress_factory, total, desc):
    if progress_factory is None:
        return None
    return progress_factory(total=total, desc=desc)


def _apply(rows, home, existing, report, progress_factory):
    existing[home.code] = home
    columns = existing_columns()
    orgs = []
    bar = _progress(progress_factory, len(rows), "组织页面与栏目")
    for row in rows:
        org = existing.get(row.code)
        if org is None:
            parent = existing[row.parent_code or home.code]
            # Live from creation: its first publication is when it was set up (the date
            # oversight's update rules count from).
            org = OrganisationPage(
                code=row.code,
                slug=row.code,
                title=row.name,
                kind=row.kind,
                first_published_at=timezone.now(),
            )
            parent.add_child(instance=org)
            existing[row.code] = org
        elif org.title != row.name:
            org.title = row.name
            org.draft_title = row.name
            org.save(update_fields=["title", "draft_title"])
        # Right after creation, before its child organisations exist, a new organisation
        # has no children, so its whole skeleton is bulk-inserted (sites/skeleton.py);
        # for an existing one only missing columns are added.
        report.columns_created += apply_columns(org, skeleton_for(org.kind), columns)
        orgs.append(org)
        if bar:
            bar.update(1)
    if bar:
        bar.close()

    hostnames = {row.code: row.hostname or default_hostname(row.code) for row in rows}
    created, updated = ensure_sites(orgs, hostnames)
    report.sites_created, report.sites_updated = created, updated

    bar = _progress(progress_factory, len(orgs), "权限组与媒体库")
    report.access_created = ensure_access(orgs, progress=bar)
    if bar:
        bar.close()


def ensure_sites(orgs, hostnames):
    """One Site per organisation; returns (created, updated)."""
    port = settings.PORTAL_PORT
    sites = {s.root_page_id: s for s in Site.objects.filter(root_page__in=[o.pk for o in orgs])}
    new, changed = [], []
    for org in orgs:
        hostname = hostnames.get(org.code) or default_hostname(org.code)
        site = sites.get(org.pk)
        if site is None:
            new.append(Site(hostname=hostname, port=port, root_page=org, site_name=org.title))
        elif (site.hostname, site.port, site.site_name) != (hostname, port, org.title):
            site.hostname, site.port, site.site_name = hostname, port, org.title
            changed.append(site)
    Site.objects.bulk_create(new, batch_size=1000)
    Site.objects.bulk_update(changed, ["hostname", "port", "site_name"], batch_size=1000)
    if new or changed:
        Site.clear_site_root_paths_cache()
        from .site_index import bump_version

        bump_version()
    return len(new), len(changed)


def provision_organisation(org, hostname=None):
    """Give one organisation (e.g. created in the admin) its columns, site and access."""
    with transaction.atomic():
        apply_columns(org, skeleton_for(org.kind), existing_columns([org.path]))
        ensure_sites([org], {org.code: hostname} if hostname else {})
        ensure_access([org])
