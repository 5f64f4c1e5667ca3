"""Write an organisation's 党支部工作手册 for a year as a PDF:
`manage.py handbook ORG_CODE YEAR -o FILE.pdf`. Nothing is written unless the whole
booklet was built (it goes to a temporary file beside FILE, then takes its name)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm
from wagtail.models import Locale

from orglife.handbook import render
from orglife.handbook_builds import check_year
from sites.models import OrganisationPage


def find_organisation(code):
    organisation = (
        OrganisationPage.objects.filter(code=code.strip().lower(), locale=Locale.get_default())
        .order_by("pk")
        .first()
    )
    if organisation is None:
        raise CommandError(f"没有代码为 {code} 的组织")
    return organisation


class Command(BaseCommand):
    help = "生成组织某一年度的党支部工作手册（PDF）"

    def add_arguments(self, parser):
        parser.add_argument("code", help="组织代码，例如 donghu-hp-yh-d1")
        parser.add_argument("year", help="年度，例如 2026")
        parser.add_argument("-o", "--output", required=True, help="输出的 PDF 文件")

    def handle(self, code, year, output, **options):
        try:
            year = check_year(year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        organisation = find_organisation(code)
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"目录不存在：{target.parent}")
        quiet = options["verbosity"] < 1
        with tqdm(total=1, desc="工作手册", disable=quiet, leave=False) as bar:

            def progress(done, total, stage):
                bar.total = total
                bar.set_postfix_str(stage)
                bar.update(done - bar.n)

            pdf, pages = render(organisation, year, progress=progress)
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(pdf)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"{organisation.title} {year}年工作手册：{pages} 页，{len(pdf) // 1024} KB → {target}"
        )
