import pytest
from wagtail.models import Locale

from portal.demo_i18n import machine_translate_page
from portal.translation import HandWrittenTranslator, OpenCCTranslator


@pytest.fixture
def translate(admin_user):
    """`translate(page, language, **strings)`: `page` translated into `language` and
    published, as an editor does it: zh-hant by OpenCC, en by hand (`strings`: Chinese ->
    English; what is left out stays as it is)."""

    def translate(page, language, **strings):
        translator = (
            OpenCCTranslator({})
            if language == "zh-hant"
            else HandWrittenTranslator({"strings": strings})
        )
        locale = Locale.objects.get(language_code=language)
        return machine_translate_page(page, locale, admin_user, translator)

    return translate
