"""The 传达学习 note on a directive's public page (content/reader_notes.py).

Who sees it: a signed-in editor or reviewer of an organisation the directive reaches.
Which organisation: the one whose site shows the page when the user works there,
otherwise each of the user's own organisations (few: one for nearly everybody). A branch
sees its own status (已传达 with its record, 待传达 with the days left, 逾期 with the days
past); an organisation above branches sees how many of its branches have relayed it,
with a link to the 传达学习情况 of its subtree. Anonymous visitors, members and
directives without a study deadline get nothing.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language

from sites.audit import organisations_of

from . import relay
from .visibility import can_edit, organisations_edited

MAX_ORGANISATIONS = 3  # a user working in more sees the first ones (the admin has all)
RECORDS = "wagtailsnippets_orglife_meetingrecord"


def organisations_for(user, shown_at):
    """[(organisation, the name to show, its language or "")]: the organisation whose site
    shows the page (by its name there, in the site's language) when the user works in it,
    else the user's own (by their zh-hans names, marked as such on a translated page)."""
    mine = list(organisations_of(user).order_by("path")[: MAX_ORGANISATIONS + 1])
    if shown_at is not None:
        here = [o for o in mine if o.translation_key == shown_at.translation_key]
        if here:
            return [(here[0], shown_at.title, "")]
    marked = "" if get_language() == settings.LANGUAGE_CODE else "zh-Hans"
    return [(org, org.title, marked) for org in mine[:MAX_ORGANISATIONS]]


def note_for(user, directive, organisation):
    """What the note says for one organisation (a dict for the template), or None."""
    if not relay.reaches(directive, organisation):
        return None
    found = relay.status(directive, organisation)
    if found is not None:
        note = {"status": found}
        if found.record is not None:
            view = "edit" if can_edit(user, found.record) else "inspect"
            note["record_url"] = reverse(f"{RECORDS}:{view}", args=[found.record.pk])
        elif organisations_edited(user).filter(pk=organisation.pk).exists():
            note["add_url"] = relay.add_record_url(directive)
        return note
    coverage = relay.Coverage(directive, organisation)
    if not coverage.total.owing:
        return None
    return {
        "coverage": coverage,
        "coverage_url": reverse("orglife_relay_coverage", args=[directive.pk, organisation.pk]),
    }


def directive_relay_note(request, directive, shown_at):
    directive = relay.source_directive(directive)
    if not directive.study_deadline:
        return ""
    user = request.user
    notes = []
    for org, name, lang in organisations_for(user, shown_at):
        note = note_for(user, directive, org)
        if note is not None:
            notes.append({**note, "name": name, "name_lang": lang})
    if not notes:
        return ""
    return render_to_string(
        "orglife/includes/directive_relay.html",
        {"notes": notes, "directive": directive},
        request=request,
    )
