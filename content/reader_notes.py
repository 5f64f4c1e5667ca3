"""Notes on a public directive page for the signed-in reader, written by apps above content.

content does not know what they say (组织生活's 传达学习 status, for one): an app registers
a note in its AppConfig.ready() with `register_directive_note(note)`, where
`note(request, directive, shown_at)` returns the HTML to show (or "") — `shown_at` is the
organisation whose site shows the page. The directive page's template places them with
`{% directive_notes page %}` (content/templatetags/reader_notes.py).

Notes depend on who is signed in, so a directive page served to a signed-in user is
marked `Cache-Control: private` (DirectivePage.serve); anonymous visitors get the page as
before, without notes.
"""

_directive_notes = []


def register_directive_note(note):
    if note not in _directive_notes:
        _directive_notes.append(note)


def has_directive_notes():
    return bool(_directive_notes)


def directive_notes(request, directive, shown_at):
    """The notes' HTML for this reader, in registration order (empty ones left out)."""
    if request is None or not request.user.is_authenticated:
        return []
    notes = (note(request, directive, shown_at) for note in _directive_notes)
    return [html for html in notes if html]
