"""Media for the demo library.

- Lesson clips: made at demo load, Pillow frames (the same red title cards as the screen
  clips, base/demo_media.py) with a test tone, encoded H.264/AAC MP4 by ffmpeg (Debian's, or
  the one imageio-ffmpeg bundles) — a few tens of KB each.
- Audiobook narrations: made once with espeak-ng (Mandarin voice) and committed under
  demo_media/ as small AAC files, so a fresh machine needs no speech synthesiser:
  `python -m learning.demo_media` makes them again.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from base.demo_media import CLIP_SECONDS, clip_frames, encode_frames, raw_video_input

from . import ffmpeg

FOLDER = Path(__file__).resolve().parent / "demo_media"
NARRATION_TEXTS = {
    "dangshi-1.m4a": "一九二一年七月，中国共产党第一次全国代表大会召开，中国共产党宣告成立。"
    "从此，中国革命的面貌焕然一新。",
    "dangshi-2.m4a": "井冈山的星星之火，点燃了中国革命的燎原之势。"
    "农村包围城市、武装夺取政权的道路由此开辟。",
    "dangshi-3.m4a": "二万五千里长征，是理想信念的伟大远征。"
    "长征精神，是中国共产党人革命风范的生动反映。",
    "dangzhang-1.m4a": "中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。",
    "dangzhang-2.m4a": "党的最高理想和最终目标是实现共产主义。党必须坚持全心全意为人民服务。",
    "dangzhang-3.m4a": "年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，"
    "可以申请加入中国共产党。",
}
NARRATIONS = list(NARRATION_TEXTS)


def narration(name):
    return (FOLDER / name).read_bytes()


def narration_text(name):
    return NARRATION_TEXTS[name]


def make_lesson_clip(lines):
    """An MP4 (H.264 + AAC test tone) of the title card `lines`."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "lesson.mp4"
        command = [
            *raw_video_input(ffmpeg.ffmpeg_binary()),
            *("-f", "lavfi", "-i", f"sine=frequency=523:duration={CLIP_SECONDS}"),
            *("-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p"),
            *("-vf", "scale=640:-2", "-c:a", "aac", "-b:a", "48k", "-shortest"),
            *("-movflags", "+faststart", str(target)),
        ]
        encode_frames(command, clip_frames(lines))
        return target.read_bytes()


def process_now(media):
    """Process a demo upload at once (the worker would do the same later)."""
    from .processing import process

    process(media.pk)


def make_narrations():
    """Regenerate demo_media/*.m4a with espeak-ng (Debian package espeak-ng)."""
    FOLDER.mkdir(exist_ok=True)
    for name, text in NARRATION_TEXTS.items():
        with tempfile.TemporaryDirectory() as folder:
            wav = Path(folder) / "speech.wav"
            subprocess.run(
                ["espeak-ng", "-v", "cmn", "-s", "150", "-w", str(wav), text], check=True
            )
            subprocess.run(
                [
                    ffmpeg.ffmpeg_binary(),
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-y",
                    "-i",
                    str(wav),
                    "-ac",
                    "1",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "16k",
                    "-movflags",
                    "+faststart",
                    str(FOLDER / name),
                ],
                check=True,
            )
        print(name, (FOLDER / name).stat().st_size, "bytes", file=sys.stderr)


if __name__ == "__main__":
    make_narrations()
