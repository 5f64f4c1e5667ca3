"""Static files in production: names that carry a hash of their content, and a gzip copy
beside every text file, so nginx (deploy/nginx/portal.conf) sends them compressed from
disk (gzip_static) and lets browsers keep them for a year: a changed file is a new name.

`collectstatic` writes both. A process started on a tree that was never collected (a
test server, a one-off command) gets the plain names instead of an error on every page.
"""

import gzip
import logging

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

logger = logging.getLogger(__name__)

COMPRESSIBLE = (".css", ".js", ".mjs", ".svg", ".json", ".map", ".txt", ".xml", ".ico", ".html")
MIN_SIZE = 256  # smaller files are not worth a second request's header


class HashedStaticFilesStorage(ManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected here: the plain name
            logger.warning("static file %s is not collected; serving its plain name", name)
            return name

    def post_process(self, paths, dry_run=False, **options):
        yield from super().post_process(paths, dry_run=dry_run, **options)
        if not dry_run:
            for name in set(self.hashed_files.values()):
                self.write_gzip(name)

    def write_gzip(self, name):
        if not name.lower().endswith(COMPRESSIBLE) or not self.exists(name):
            return
        path = self.path(name)
        with open(path, "rb") as source:
            data = source.read()
        if len(data) < MIN_SIZE:
            return
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if len(packed) < len(data):
            with open(f"{path}.gz", "wb") as target:
                target.write(packed)
