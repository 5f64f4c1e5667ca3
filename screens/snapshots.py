"""Display group snapshots: each group's playlist rendered to stored JSON with a content hash.

Items carry their schedule windows resolved for the next 24 hours, media are sized for the
group, with sha256 and bytes. A change that affects a group (a screen page published,
unpublished or expired, a playlist or an emergency insert saved) rebuilds its snapshot once,
in the background worker; the periodic task rebuilds every group hourly so the 24-hour
windows always reach ahead.
"""

import datetime
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from content.channels import iso, still_spec

from .models import DisplayGroup, EmergencyInsert, MediaDigest

HORIZON = datetime.timedelta(hours=24)


def digest(storage_file):
    """(bytes, sha256) of a file in storage, cached by name and size."""
    name, size = storage_file.name, storage_file.size
    known = MediaDigest.objects.filter(name=name, size=size).first()
    if known:
        return size, known.sha256
    sha = hashlib.sha256()
    with storage_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    MediaDigest.objects.update_or_create(
        name=name, defaults={"size": size, "sha256": sha.hexdigest()}
    )
    return size, sha.hexdigest()


def image_media(image, group):
    rendition = image.get_rendition(still_spec(image, group.width, group.height))
    size, sha = digest(rendition.file)
    return {
        "type": "image",
        "url": rendition.url,
        "bytes": size,
        "sha256": sha,
        "width": rendition.width,
        "height": rendition.height,
        "duration": None,
    }


def clip_media(document, group, duration):
    if not group.accepts_clip(document.file.name):
        return None
    size, sha = digest(document.file)
    return {
        "type": "video",
        # Documents are reached only through the portal's document view (collection
        # privacy; with object storage it redirects to a freshly signed URL).
        "url": document.url,
        "bytes": size,
        "sha256": sha,
        "width": group.width,
        "height": group.height,
        "duration": duration,
    }


def item_entry(item, group, windows, now=None):
    """One playable entry, or None when there is nothing the group can show."""
    media, title, duration = [], item.title, item.duration
    if item.page_id:
        page = item.page.specific
        if not (page.live and getattr(page, "channel_screen", False)):
            return None
        duration = duration or page.screen_duration
        title = title or page.screen_slide_title
        still = page.screen_still(group.width, group.height)
        if still is not None:
            media.append(image_media(still, group))
        if page.screen_clip_id:
            clip = clip_media(page.screen_clip, group, duration)
            if clip:
                media.append(clip)
        windows = clip_windows(windows, page.screen_valid_from, page.screen_valid_until)
        if windows is not None and now is not None:
            # A window that has already ended (e.g. validity ran out this morning) is gone.
            windows = [(lo, hi) for lo, hi in windows if hi is None or hi > now]
    elif item.image_id:
        duration = duration or 15
        title = title or item.image.title
        media.append(image_media(item.image, group))
    else:
        duration = duration or 15
        title = title or item.clip.title
        clip = clip_media(item.clip, group, duration)
        if clip is None:
            return None
        media.append(clip)
    if not media or windows == []:
        return None
    return {
        "id": item.key,
        "title": title[:40],
        "duration": duration,
        "media": media,
        "windows": None if windows is None else [[iso(lo), iso(hi)] for lo, hi in windows],
    }


def clip_windows(windows, valid_from, valid_until):
    """Intersect windows (None = always) with a validity range (either end may be open).
    A window is (from or None, until or None)."""
    if valid_from is None and valid_until is None:
        return windows
    if windows is None:
        windows = [(None, None)]
    result = []
    for lo, hi in windows:
        lo = max(x for x in (lo, valid_from) if x is not None) if (lo or valid_from) else None
        hi = min(x for x in (hi, valid_until) if x is not None) if (hi or valid_until) else None
        if lo is None or hi is None or lo < hi:
            result.append((lo, hi))
    return result


def playlist_windows(playlist, start, end):
    """None when the playlist always plays; else its dayparts that touch the horizon."""
    rules = list(playlist.rules.all())
    if not rules:
        return None
    return sorted(w for rule in rules for w in rule.windows(start, end))


def emergency_entry(insert, group):
    media = []
    if insert.image_id:
        media.append(image_media(insert.image, group))
    if insert.clip_id:
        clip = clip_media(insert.clip, group, None)
        if clip:
            media.append(clip)
    return {
        "id": f"emergency:{insert.pk}",
        "title": insert.title,
        "text": insert.text,
        "priority": insert.priority,
        "starts_at": iso(insert.starts_at),
        "ends_at": iso(insert.ends_at),
        "media": media,
    }


def build_snapshot(group, now=None):
    """The group's feed for the next 24 hours (a dict; see README “Metro screens”)."""
    now = now or timezone.now()
    end = now + HORIZON
    items = []
    playlists = (
        group.playlists.filter(active=True)
        .prefetch_related("rules", "items__page", "items__image", "items__clip")
        .order_by("-priority", "pk")
    )
    for playlist in playlists:
        windows = playlist_windows(playlist, now, end)
        for item in playlist.items.all():
            entry = item_entry(item, group, windows, now)
            if entry:
                items.append(entry)
    inserts = EmergencyInsert.objects.filter(
        groups=group, ends_at__gt=now, starts_at__lt=end
    ).order_by("-priority", "starts_at")
    return {
        "group": {
            "slug": group.slug,
            "name": group.name,
            "width": group.width,
            "height": group.height,
            "orientation": group.orientation,
            "poll_interval": group.poll_interval,
        },
        "valid_from": iso(now),
        "valid_until": iso(end),
        "items": items,
        "emergency": [emergency_entry(insert, group) for insert in inserts],
    }


def content_hash(snapshot):
    """Fingerprint of what a player would show: generation times left out, so an hourly
    rebuild that changes nothing keeps the ETag (and players get 304s)."""
    stable = {k: v for k, v in snapshot.items() if k not in ("valid_from", "valid_until")}
    raw = json.dumps(stable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def rebuild(group, now=None):
    snapshot = build_snapshot(group, now)
    digest_ = content_hash(snapshot)
    DisplayGroup.objects.filter(pk=group.pk).update(
        snapshot=snapshot, snapshot_hash=digest_, snapshot_built_at=timezone.now()
    )
    group.snapshot, group.snapshot_hash = snapshot, digest_
    return digest_


def groups_showing_page(page_id):
    return DisplayGroup.objects.filter(playlists__items__page_id=page_id).distinct()


def request_rebuild(groups):
    """Rebuild these groups' snapshots in the worker, after the current commit."""
    ids = sorted({g.pk if hasattr(g, "pk") else int(g) for g in groups})
    if not ids:
        return

    def enqueue():
        from .tasks import rebuild_screen_snapshots

        rebuild_screen_snapshots.enqueue(ids)

    transaction.on_commit(enqueue)
