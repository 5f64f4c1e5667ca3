"""风采展示: every branch site gets an album column; an album is ordered photos with
captions, a plain list of pictures without JavaScript (each linking to its large one),
listed in its column by its cover."""

import re

from content.models import AlbumIndexPage, AlbumPage, AlbumPhoto, ArticlePage
from tests.factories import ImageFactory
from tests.sites.factories import column

BRANCH = "da-s1-b1.localhost"


def make_album(parent, captions, slug="album", cover=None):
    album = AlbumPage(title="主题党日活动", slug=slug, summary="重温入党誓词", cover=cover)
    for n, caption in enumerate(captions):
        image = ImageFactory(description=f"照片{n}", file__width=1200, file__height=800)
        album.photos.add(AlbumPhoto(image=image, caption=caption, sort_order=n))
    parent.add_child(instance=album)
    return album


def test_branches_get_a_gallery_column_that_takes_only_albums(org_tree):
    gallery = column(org_tree["da-s1-b1"], "gallery").specific
    assert isinstance(gallery, AlbumIndexPage) and gallery.title == "风采展示"
    assert (
        not AlbumIndexPage.objects.descendant_of(org_tree["da-s1"])
        .exclude(path__startswith=org_tree["da-s1-b1"].path)
        .exists()
    )
    assert AlbumPage.can_create_at(gallery)
    assert not ArticlePage.can_create_at(gallery)
    assert not AlbumPage.can_create_at(column(org_tree["da-s1-b1"], "news"))


def test_an_album_is_a_plain_ordered_list_of_its_photos_with_captions(org_tree, client):
    gallery = column(org_tree["da-s1-b1"], "gallery")
    make_album(gallery, ["重温入党誓词", "", "集体合影"])
    response = client.get("/gallery/album/", HTTP_HOST=BRANCH)
    assert response.status_code == 200
    html = response.content.decode()
    items = re.findall(r'<li class="album__photo">(.*?)</li>', html, re.S)
    assert len(items) == 3
    for item in items:
        link = re.search(r'<a class="album__link" href="([^"]+)"', item).group(1)
        img = re.search(r"<img [^>]+>", item).group(0)
        assert link.endswith(".webp") and 'loading="lazy"' in img and "srcset=" in img
        assert client.get(link, HTTP_HOST=BRANCH).status_code == 200
    assert "重温入党誓词" in items[0] and "集体合影" in items[2]
    assert 'alt="重温入党誓词"' in items[0]
    assert 'alt="照片1"' in items[1]  # no caption: the image's own alt text
    assert "共 3 张照片" in html
    assert re.search(r'<script src="[^"]*content/album\.js" defer>', html)


def test_an_album_is_listed_in_its_column_by_its_first_photo(org_tree, client):
    gallery = column(org_tree["da-s1-b1"], "gallery")
    album = make_album(gallery, ["第一张", "第二张"])
    first = album.photos.order_by("sort_order").first().image
    assert album.cover_id == first.pk
    listing = client.get("/gallery/", HTTP_HOST=BRANCH).content.decode()
    assert "主题党日活动" in listing
    assert re.search(r'<a class="item-thumb"[^>]*><img [^>]*alt="照片0"', listing)


def test_a_photo_whose_file_is_gone_is_left_out_not_a_500(org_tree, client):
    gallery = column(org_tree["da-s1-b1"], "gallery")
    album = make_album(gallery, ["在", "丢失", "在"])
    lost = album.photos.get(caption="丢失").image
    lost.file.storage.delete(lost.file.name)
    response = client.get("/gallery/album/", HTTP_HOST=BRANCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<li class="album__photo">') == 2 and "丢失" not in html


def test_an_empty_album_says_so(org_tree, client):
    make_album(column(org_tree["da-s1-b1"], "gallery"), [], slug="empty")
    response = client.get("/gallery/empty/", HTTP_HOST=BRANCH)
    assert response.status_code == 200 and "相册暂无照片" in response.content.decode()
