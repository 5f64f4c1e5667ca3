"""ffprobe/ffmpeg for lesson media: what a file is, a poster frame, a web rendition.

Debian's `ffmpeg` package gives both tools (CI installs it). Without it, the ffmpeg that
imageio-ffmpeg bundles is used, and probing reads `ffmpeg -i`'s report instead of
ffprobe's JSON, so `make run` works on a machine with nothing installed.
"""

import json
import re
import shutil
import subprocess
from dataclasses import dataclass

TIMEOUT = 600


class MediaError(Exception):
    """A file that is not playable media, with a message for editors."""


@dataclass
class Probe:
    kind: str  # "video" or "audio"
    duration: float
    width: int | None
    height: int | None
    video_codec: str | None
    audio_codec: str | None
    container: str


def ffmpeg_binary():
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def probe(path):
    """What `path` is; MediaError when it is no audio or video we can read."""
    ffprobe = shutil.which("ffprobe")
    result = _ffprobe(ffprobe, path) if ffprobe else _ffmpeg_probe(path)
    if result.duration <= 0:
        raise MediaError("无法识别的音视频文件：时长为 0")
    return result


def _ffprobe(ffprobe, path):
    command = [ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise MediaError(f"无法识别的音视频文件：{_last_line(done.stderr)}")
    info = json.loads(done.stdout or "{}")
    streams = info.get("streams", [])
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not s.get("disposition", {}).get("attached_pic")  # an mp3's cover art
        ),
        None,
    )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if not (video or audio):
        raise MediaError("无法识别的音视频文件：没有音频或视频流")
    duration = float(info.get("format", {}).get("duration") or 0)
    return Probe(
        kind="video" if video else "audio",
        duration=duration,
        width=video and video.get("width"),
        height=video and video.get("height"),
        video_codec=video and video.get("codec_name"),
        audio_codec=audio and audio.get("codec_name"),
        container=info.get("format", {}).get("format_name", ""),
    )


DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+)(?!.*attached pic).*?, (\d{2,5})x(\d{2,5})")
AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)")
INPUT = re.compile(r"Input #0, ([\w,]+), from")


def _ffmpeg_probe(path):
    done = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    )
    report = done.stderr
    duration = DURATION.search(report)
    video, audio = VIDEO.search(report), AUDIO.search(report)
    if not duration or not (video or audio):
        raise MediaError(f"无法识别的音视频文件：{_last_line(report)}")
    hours, minutes, seconds = duration.groups()
    container = INPUT.search(report)
    return Probe(
        kind="video" if video else "audio",
        duration=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        width=int(video.group(2)) if video else None,
        height=int(video.group(3)) if video else None,
        video_codec=video.group(1) if video else None,
        audio_codec=audio.group(1) if audio else None,
        container=container.group(1) if container else "",
    )


def _last_line(text):
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][-200:] if lines else "ffmpeg 无法读取"


def browser_friendly(info):
    """Plays in every browser as uploaded: H.264/AAC MP4, or AAC/MP3 audio."""
    if info.kind == "video":
        return (
            "mp4" in info.container
            and info.video_codec == "h264"
            and (info.audio_codec in (None, "aac"))
        )
    return info.audio_codec in ("aac", "mp3") and info.container.split(",")[0] in (
        "mov",
        "mp3",
        "aac",
    )


def _run(arguments):
    done = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", *arguments],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if done.returncode != 0:
        raise MediaError(f"ffmpeg 处理失败：{_last_line(done.stderr)}")


def poster(path, target, at_seconds):
    """A JPEG frame of the video at `at_seconds`."""
    _run(["-ss", f"{at_seconds:.2f}", "-i", str(path), "-frames:v", "1", "-q:v", "3", str(target)])


def web_rendition(path, target, kind):
    """H.264/AAC MP4 at most 1280 wide (video) or AAC in MP4 (audio), fast start."""
    if kind == "video":
        codec = [
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "26",
            "-pix_fmt",
            "yuv420p",
            "-vf",
            "scale='min(1280,iw)':-2",
        ]
    else:
        codec = ["-vn"]
    _run(
        [
            "-i",
            str(path),
            *codec,
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-movflags",
            "+faststart",
            str(target),
        ]
    )


def remux_mp4(path, target):
    """The same streams in an MP4 with fast start (no re-encoding): for H.264/AAC
    sources such as an nginx-rtmp FLV recording."""
    copy = ["-map", "0:v:0", "-map", "0:a?", "-c", "copy", "-movflags", "+faststart"]
    _run(["-i", str(path), *copy, str(target)])
