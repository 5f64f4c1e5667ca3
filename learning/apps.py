from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "学习"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search.registry import register
        from sites.insite import register_cascaded
        from sites.presentation import add_home_context

        # Receivers: group permissions, daily login points, processing uploads.
        from . import access, auth, processing  # noqa: F401
        from .home import learning_home_card
        from .models import AudiobookPage, CoursePage, MicroLessonPage

        # 学习园地 on every home; lessons, audiobooks and courses open inside the site of
        # every organisation below the one whose 学习园地 holds them.
        add_home_context(learning_home_card)
        for model in (MicroLessonPage, AudiobookPage, CoursePage):
            register_cascaded(model)

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
