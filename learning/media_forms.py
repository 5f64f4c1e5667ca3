"""The admin upload form for lesson media (WAGTAILMEDIA["MEDIA_FORM_BASE"]): a file is
accepted only if ffprobe reads it as the kind it is being added as, within the size
limit — a text file renamed .mp4, a truncated video or an audio file under 添加视频 get a
clear message and are not stored."""

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from wagtailmedia.forms import BaseMediaForm

from . import ffmpeg

KIND_LABEL = {"video": "视频", "audio": "音频"}


def probe_upload(upload):
    if hasattr(upload, "temporary_file_path"):
        return ffmpeg.probe(upload.temporary_file_path())
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        return ffmpeg.probe(copy.name)


class LessonMediaForm(BaseMediaForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # editing without a new file
        limit = settings.WAGTAILMEDIA_MAX_UPLOAD_SIZE
        if upload.size > limit:
            raise forms.ValidationError(f"文件超过 {limit // 2**20} MB")
        kind = self.instance.type
        allowed = settings.WAGTAILMEDIA[f"{kind.upper()}_EXTENSIONS"]
        if Path(upload.name).suffix.lower().lstrip(".") not in allowed:
            raise forms.ValidationError(f"{KIND_LABEL[kind]}只接受这些格式：{'、'.join(allowed)}")
        try:
            info = probe_upload(upload)
        except ffmpeg.MediaError as error:
            raise forms.ValidationError(str(error)) from None
        finally:
            upload.seek(0)
        if info.kind != kind:
            raise forms.ValidationError(
                f"这是一个{KIND_LABEL[info.kind]}文件，请在“添加{KIND_LABEL[info.kind]}”中上传"
            )
        return upload
