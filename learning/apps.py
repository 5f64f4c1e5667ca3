from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "学习"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search.registry import register

        # Receivers: group permissions, daily login points, processing uploads.
        from . import access, auth, processing  # noqa: F401
        from .models import AudiobookPage, MicroLessonPage

        register(
            MicroLessonPage,
            "lesson",
            "微课",
            summary="summary",
            body=("speaker", "get_category_display", "transcript"),
        )
        register(
            AudiobookPage,
            "audiobook",
            "有声读物",
            summary="description",
            body=("narrator", AudiobookPage.chapters_text),
        )
