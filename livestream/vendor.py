"""Vendor hls.js from npm into static files: `python -m livestream.vendor`.

Fetches the pinned release with `npm pack` (checked against its published sha512) and
copies `dist/hls.min.js` (without its source-map comment) and the licence into
livestream/static/livestream/vendor/, with a stamp naming the version. The result is
committed, so `make run` needs no npm; run this again after changing VERSION. Does
nothing when the stamp already matches.
"""

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "hls.js"
VERSION = "1.6.15"
INTEGRITY = (  # npm's published dist.integrity of the tarball
    "sha512-E3a5VwgXimGHwpRGV+WxRTKeSp2DW5DI5MWv34ulL3t5UNmyJWCQ1KmLEHbYzcfThfXG8amBL+"
    "fCYPneGHC4VA=="
)
FILES = {"package/dist/hls.min.js": "hls.min.js", "package/LICENSE": "hls.js.LICENSE"}
TARGET = Path(__file__).resolve().parent / "static" / "livestream" / "vendor"
STAMP = TARGET / "hls.js.version"


def stamp_text():
    return f"{PACKAGE}@{VERSION} {INTEGRITY}\n"


def is_current():
    return STAMP.exists() and STAMP.read_text() == stamp_text() and (TARGET / "hls.min.js").exists()


def integrity_of(path):
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def vendor():
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm 未安装：无法更新 hls.js（Debian: apt-get install npm）")
    with tempfile.TemporaryDirectory(prefix="portal-npm-") as folder:
        subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent"],
            cwd=folder,
            check=True,
            capture_output=True,
        )
        tarball = next(Path(folder).glob("*.tgz"))
        if integrity_of(tarball) != INTEGRITY:
            raise SystemExit(f"{tarball.name} 的校验值与 {VERSION} 发布的不一致，已放弃")
        TARGET.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for member, name in FILES.items():
                data = archive.extractfile(member).read()
                # The source map is not vendored: drop its reference (no 404 in devtools).
                data = data.replace(b"\n//# sourceMappingURL=hls.min.js.map", b"")
                (TARGET / name).write_bytes(data)
    STAMP.write_text(stamp_text())


def main():
    if is_current():
        print(f"{PACKAGE} {VERSION} 已在 {TARGET}")
        return
    vendor()
    print(f"{PACKAGE} {VERSION} → {TARGET}")


if __name__ == "__main__":
    sys.exit(main())
