"""Schema entries for the public endpoints served outside django-ninja, so /api/schema/
describes the whole public API: Wagtail's /api/v2/pages/, the screens' feed and heartbeat
(plain views, the feed even before Django's middleware) and the live viewer heartbeat.
Their URLs and behaviour stay those of their own views; only the OpenAPI document learns
about them here."""

import datetime
from typing import Any, Literal

from django.conf import settings
from pydantic import BaseModel, Field

from base.api import MAX_ID, MAX_OFFSET, ErrorOut


class PageMeta(BaseModel):
    type: str
    detail_url: str
    html_url: str | None = None
    slug: str | None = None
    first_published_at: datetime.datetime | None = None
    locale: str | None = None


class PageItem(BaseModel):
    id: int
    meta: PageMeta
    title: str | None = None


class PageListMeta(BaseModel):
    total_count: int


class PageList(BaseModel):
    meta: PageListMeta
    items: list[PageItem]


class Snapshot(BaseModel):
    """A display group's playlist as built by screens/snapshots.py."""

    model_config = {"extra": "allow"}
    items: list[dict[str, Any]]


class Play(BaseModel):
    item: str = Field(pattern=r"^(page|image|clip|emergency):\d{1,12}$")
    started_at: datetime.datetime
    duration: float = Field(ge=0, le=3600)


class HeartbeatIn(BaseModel):
    player_version: str = Field("", max_length=32)
    status: dict[str, Any] = Field(default_factory=dict, description="不超过 4 KB")
    plays: list[Play] = Field(default_factory=list, max_length=2000)


class HeartbeatOut(BaseModel):
    ok: bool
    plays: int


class ViewerIn(BaseModel):
    viewer: str = Field(pattern=r"^[A-Za-z0-9-]{8,64}$", description="播放器自己生成的编号")


class ViewerOut(BaseModel):
    state: Literal["upcoming", "live", "replay", "ended"]
    state_label: str
    viewers: int


STATUS_TEXT = {
    200: "OK",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden (a path that is not an event's is not this view's: CSRF refuses it)",
    404: "Not Found",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


class Builder:
    def __init__(self, schema):
        self.schema = schema
        self.components = schema.setdefault("components", {}).setdefault("schemas", {})

    def ref(self, model):
        found = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in found.pop("$defs", {}).items():
            self.components.setdefault(name, definition)
        self.components.setdefault(model.__name__, found)
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    def responses(self, answers):
        out = {}
        for status, model in answers.items():
            out[str(status)] = {"description": STATUS_TEXT[status]}
            if model is not None:
                out[str(status)]["content"] = {"application/json": {"schema": self.ref(model)}}
        return out


def query(name, schema, description):
    return {
        "in": "query",
        "name": name,
        "required": False,
        "schema": schema,
        "description": description,
    }


def add_outside_operations(schema):
    """Add the operations above to a generated OpenAPI document (in place); returns it."""
    build = Builder(schema)
    languages = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["DeviceToken"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "地铁屏设备令牌（create_screen_device 打印）",
    }
    paths = schema.setdefault("paths", {})
    paths["/api/v2/pages/"] = {
        "get": {
            "operationId": "wagtail_pages_listing",
            "summary": "页面（Wagtail API）",
            "description": "Wagtail 的页面接口；`site` 可以是组织代码或主机名。",
            "tags": ["内容"],
            "parameters": [
                query("site", {"type": "string"}, "组织代码或站点主机名"),
                query("type", {"type": "string"}, "页面类型，如 content.ArticlePage"),
                query("locale", {"type": "string", "enum": languages}, "内容语言"),
                query(
                    "offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "跳过几条"
                ),
                query(
                    "limit",
                    {"type": "integer", "minimum": 0, "maximum": settings.WAGTAILAPI_LIMIT_MAX},
                    "每页几条",
                ),
            ],
            "responses": build.responses({200: PageList, 400: ErrorOut, 404: ErrorOut}),
        }
    }
    device = [{"DeviceToken": []}]
    paths["/api/screens/v1/feed/"] = {
        "get": {
            "operationId": "screens_feed",
            "summary": "地铁屏播放列表",
            "description": "设备所在分组的快照；If-None-Match 命中时 304。",
            "tags": ["地铁屏"],
            "security": device,
            "parameters": [
                {
                    "in": "header",
                    "name": "If-None-Match",
                    "required": False,
                    "schema": {"type": "string"},
                }
            ],
            "responses": build.responses({200: Snapshot, 304: None, 401: ErrorOut, 503: ErrorOut}),
        }
    }
    paths["/api/screens/v1/heartbeat/"] = {
        "post": {
            "operationId": "screens_heartbeat",
            "summary": "地铁屏心跳与播放记录",
            "tags": ["地铁屏"],
            "security": device,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": build.ref(HeartbeatIn)}},
            },
            "responses": build.responses(
                {200: HeartbeatOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut}
            ),
        }
    }
    paths["/api/live/{event_id}/heartbeat/"] = {
        "post": {
            "operationId": "live_viewer_heartbeat",
            "summary": "直播观看心跳",
            "description": "播放器每隔一段时间报告一次；返回直播状态和在看人数。",
            "tags": ["直播"],
            "parameters": [
                {
                    "in": "path",
                    "name": "event_id",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/x-www-form-urlencoded": {"schema": build.ref(ViewerIn)}},
            },
            "responses": build.responses(
                {
                    200: ViewerOut,
                    400: ErrorOut,
                    403: None,
                    404: ErrorOut,
                    413: ErrorOut,
                    429: ErrorOut,
                }
            ),
        }
    }
    return schema
