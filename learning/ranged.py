"""Serve local media with HTTP Range (development and single-machine set-ups), so video
and audio can seek: `Range: bytes=a-b`, `a-` and `-n` get 206 with Content-Range, a range
past the end 416, anything else the whole file. Path checks and content types are
django.views.static's; production serves media from nginx or object storage."""

import mimetypes
import re
from pathlib import Path

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils._os import safe_join
from django.views.static import serve

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def serve_ranged(request, path, document_root):
    header = request.headers.get("Range", "")
    match = RANGE.match(header.strip())
    if not match or request.method not in ("GET", "HEAD"):
        response = serve(request, path, document_root=document_root)
        response["Accept-Ranges"] = "bytes"
        return response
    try:
        fullpath = Path(safe_join(document_root, path))
    except ValueError:
        raise Http404 from None  # outside the media root
    if not fullpath.is_file():
        raise Http404
    size = fullpath.stat().st_size
    first, last = match.groups()
    if first == last == "":
        return serve(request, path, document_root=document_root)
    if first == "":  # the last n bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    content_type = mimetypes.guess_type(str(fullpath))[0] or "application/octet-stream"
    response = StreamingHttpResponse(
        read_range(fullpath, start, end), status=206, content_type=content_type
    )
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return response


def read_range(path, start, end):
    with open(path, "rb") as handle:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
