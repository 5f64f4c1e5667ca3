"""Version tokens and the site index agree across processes without Redis (the embedded
file cache, portal/settings): a gunicorn with two workers is asked before and after
another process (a management command) changes something."""

import sys
from pathlib import Path

import pytest
import requests

from base.env import check_shared_cache
from base.ports import free_port

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VENV_BIN = Path(sys.executable).parent
HOME = "from portal.setup import ensure_portal_home; ensure_portal_home('测试市', 'testcity')"


@pytest.fixture
def server(outside):
    port = free_port()
    outside.shell(HOME + "; print('ok')")
    command = [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py"]
    outside.start(
        command,
        "gunicorn.log",
        GUNICORN_WORKERS="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PORTAL_PORT=str(port),
    )
    base = f"http://127.0.0.1:{port}"

    def get(path, host="localhost", **headers):
        return requests.get(base + path, headers={"Host": host, **headers}, timeout=120)

    def up():
        try:
            return get("/api/v2/directives/").status_code == 200
        except requests.ConnectionError:
            return False

    outside.wait_for(up, what="gunicorn")
    return get


def test_a_version_bumped_in_another_process_ends_the_304s(outside, server):
    etag = server("/api/v2/directives/").headers["ETag"]
    for _ in range(4):  # both workers hold the same version
        assert server("/api/v2/directives/", **{"If-None-Match": etag}).status_code == 304
    outside.shell("from content.versions import content_version; content_version.bump()")
    for _ in range(4):  # as after the worker published a scheduled article
        fresh = server("/api/v2/directives/", **{"If-None-Match": etag})
        assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def test_a_site_provisioned_by_a_command_is_served_at_once(outside, server):
    assert server("/", host="newdistrict.localhost").status_code == 404
    csv = outside.var_dir / "sites.csv"
    csv.write_text("code,parent_code,name,kind\nnewdistrict,,新区,district\n", encoding="utf-8")
    outside.manage("provision_sites", str(csv))
    for _ in range(4):  # every worker, without a restart
        page = server("/", host="newdistrict.localhost")
        assert page.status_code == 200 and "新区" in page.text


def test_production_refuses_a_per_process_cache():
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(Exception, match="进程内缓存"):
        check_shared_cache(locmem, debug=False)
    check_shared_cache(locmem, debug=True)  # development: one process may be all there is
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    check_shared_cache(redis, debug=False)
