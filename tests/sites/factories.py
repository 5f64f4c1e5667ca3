"""Organisations, made by the real provisioning code (sites/provisioning.py), and the test
trees the shared fixtures build."""

import factory

from sites.models import ColumnPage, OrganisationPage
from sites.provisioning import provision_csv

# A district with two streets, each with a branch: enough for own/sibling/child/parent.
TREE_CSV = """code,parent_code,name,kind
da,,甲区,district
da-s1,da,甲区一街道,street
da-s2,da,甲区二街道,street
da-s1-b1,da-s1,一街道第一支部,branch
da-s2-b1,da-s2,二街道第一支部,branch
"""

# Two districts; under da a street, a community and a branch (4 levels below the city).
DEEP_CSV = """code,parent_code,name,kind
da,,甲区,district
da-s1,da,甲区一街道,street
da-s1-c1,da-s1,一街道一社区,community
da-s1-c1-b1,da-s1-c1,一社区第一支部,branch
da-s1-c2,da-s1,一街道二社区,community
db,,乙区,district
db-s1,db,乙区一街道,street
"""


def provision_tree(csv, home):
    """Provision `csv` below the portal `home`; every organisation by code, the city as
    "home"."""
    provision_csv(csv.encode("utf-8"))
    orgs = {o.code: o for o in OrganisationPage.objects.all()}
    orgs["home"] = home
    return orgs


def column(org, slug):
    """The organisation's own column `slug` (news, notices, topics, directives …)."""
    return ColumnPage.objects.descendant_of(org).get(slug=slug, depth=org.depth + 1)


class OrganisationFactory(factory.Factory):
    """An organisation provisioned like a CSV row: page, site, columns, groups and
    collection. `parent` is its upper organisation (none: directly under the city);
    `create_batch` provisions all its rows in one file, as an import would."""

    class Meta:
        model = OrganisationPage

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"组织{n}")
    kind = "district"
    parent = None

    @staticmethod
    def _provision(rows):
        lines = ["code,parent_code,name,kind"]
        for row in rows:
            parent = row["parent"].code if row["parent"] is not None else ""
            lines.append(f"{row['code']},{parent},{row['name']},{row['kind']}")
        provision_csv(("\n".join(lines) + "\n").encode("utf-8"))
        codes = [row["code"] for row in rows]
        found = {o.code: o for o in OrganisationPage.originals().filter(code__in=codes)}
        return [found[code] for code in codes]

    @classmethod
    def _create(cls, model_class, **row):
        return cls._provision([row])[0]

    @classmethod
    def create_batch(cls, size, **fields):
        rows = [vars(stub) for stub in cls.stub_batch(size, **fields)]
        return cls._provision(rows)
