from wagtail import hooks

from .fallback import serve_fallback


@hooks.register("on_serve_page")
def fallback_copies(next_serve_page):
    """A page under a language prefix it has no translation in: its fallback copy."""

    def serve(page, request, args, kwargs):
        return serve_fallback(next_serve_page, page, request, args, kwargs)

    return serve
