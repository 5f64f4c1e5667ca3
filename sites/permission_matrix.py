"""The permission matrix: who may do what where in the admin, as data.

Roles × targets × actions. A role works in one organisation ("own"); its targets are
that organisation, a sibling (same parent), its parent and a child (what does not exist
for a role — a branch has no child, the city no sibling — is left out). Roles without an
organisation of their own (anonymous, a member, a superuser) are seen from the branch.

`EXPECTED[role][action]` is the set of targets where the action succeeds; every other
cell must fail (404, 403, a redirect to the login or the admin home, or the target's
objects absent from a list). tests/sites/test_permission_matrix.py asserts every cell
over HTTP; `manage.py permission_matrix --write` puts the table in the README (between
the markers below) and a test checks that the README is in step.

Cells of "no-leak" actions (reports that show a sample, not everything) are checked one
way: outside `EXPECTED`, nothing of the target appears.
"""

OWN, SIBLING, PARENT, CHILD = "own", "sibling", "parent", "child"
TARGETS = [OWN, SIBLING, PARENT, CHILD]
TARGET_LABELS = {OWN: "本组织", SIBLING: "同级", PARENT: "上级", CHILD: "下级"}

# The tree the matrix is checked on (below the test city "testcity").
TREE_CSV = """code,parent_code,name,kind
da,,甲区,district
db,,乙区,district
da-s1,da,甲区一街道,street
da-s2,da,甲区二街道,street
da-s1-c1,da-s1,一街道一社区,community
da-s1-c2,da-s1,一街道二社区,community
da-s1-c1-b1,da-s1-c1,一社区第一支部,branch
da-s1-c1-b2,da-s1-c1,一社区第二支部,branch
"""
CITY = "testcity"
PLACES = {  # where a role works -> its targets' organisation codes
    "branch": {OWN: "da-s1-c1-b1", SIBLING: "da-s1-c1-b2", PARENT: "da-s1-c1"},
    "community": {OWN: "da-s1-c1", SIBLING: "da-s1-c2", PARENT: "da-s1", CHILD: "da-s1-c1-b1"},
    "street": {OWN: "da-s1", SIBLING: "da-s2", PARENT: "da", CHILD: "da-s1-c1"},
    "district": {OWN: "da", SIBLING: "db", PARENT: CITY, CHILD: "da-s1"},
    "city": {OWN: CITY, CHILD: "da"},
}

# role -> (label, place, groups: "{code}" is the place's own organisation code)
ROLES = {
    "anonymous": ("匿名访客", "branch", None),
    "member": ("党员", "branch", None),
    "branch_editor": ("支部编辑", "branch", ["{code}:editors"]),
    "branch_reviewer": ("支部审核员", "branch", ["{code}:reviewers"]),
    "community_editor": ("社区编辑", "community", ["{code}:editors"]),
    "street_editor": ("街道编辑", "street", ["{code}:editors"]),
    "district_editor": ("区编辑", "district", ["{code}:editors"]),
    "city_chushen": ("市 初审", "city", ["{code}:初审"]),
    "city_fushen": ("市 复审", "city", ["{code}:复审"]),
    "city_zhongshen": ("市 终审", "city", ["{code}:终审"]),
    "superuser": ("超级管理员", "branch", "superuser"),
}

# action -> (label, the admin URL names it covers; "no-leak" marks one-way checks)
ACTIONS = {
    "view_draft": ("查看草稿", ["wagtailadmin_pages:view_draft"]),
    "edit": (
        "编辑",
        [
            "wagtailadmin_pages:edit",
            "wagtailadmin_pages:preview_on_edit",
            "wagtailadmin_pages:confirm_workflow_cancellation",
            "wagtailadmin_pages:convert_alias",
            "wagtailadmin_editing_sessions:ping",
        ],
    ),
    "publish": ("发布", ["wagtail_bulk_action"]),
    "move": ("移动", ["wagtailadmin_pages:move", "wagtailadmin_pages:move_confirm"]),
    # Reordering a column's pages (drag and drop in the explorer): Wagtail asks "publish".
    "reorder": ("调整顺序", ["wagtailadmin_pages:set_page_position"]),
    "delete": ("删除", ["wagtailadmin_pages:delete"]),
    "copy": ("复制", ["wagtailadmin_pages:copy"]),
    # Copying by the admin API's page actions: into the target's column, which needs "add"
    # there (the copy form above opens for "change" alone).
    "api_copy": ("后台 API：复制", ["wagtailadmin_api:pages:action"]),
    "history": ("历史", ["wagtailadmin_pages:history", "wagtailadmin_pages:history_results"]),
    "usage": ("引用", ["wagtailadmin_pages:usage"]),
    "revisions": ("修订版本", ["wagtailadmin_pages:revisions_view"]),
    "choose_page": (
        "选择页面",
        [
            "wagtailadmin_choose_page_search",
            "wagtailadmin_choose_page_child",
            "wagtailadmin_choose_page_chosen_multiple",
        ],
    ),
    "explore": ("浏览栏目", ["wagtailadmin_explore", "wagtailadmin_explore_results"]),
    "add_subpage": (
        "新建子页面",
        [
            "wagtailadmin_pages:add_subpage",
            "wagtailadmin_pages:add",
            "wagtailadmin_pages:preview_on_add",
        ],
    ),
    "compare": ("比较修订", ["wagtailadmin_pages:revisions_compare"]),
    # Of a page in review (its history and one workflow run).
    "workflow_history": (
        "审核历史",
        ["wagtailadmin_pages:workflow_history", "wagtailadmin_pages:workflow_history_detail"],
    ),
    # Acting on a page's review task: the action form, collecting its data, the preview.
    "review": (
        "审核",
        [
            "wagtailadmin_pages:workflow_action",
            "wagtailadmin_pages:collect_workflow_action_data",
            "wagtailadmin_pages:workflow_preview",
        ],
    ),
    # The same views asked about a page not in review: their "not awaiting moderation"
    # notice names the page.
    "review_notice": (
        "审核提示",
        ["wagtailadmin_pages:workflow_action", "wagtailadmin_pages:workflow_preview"],
    ),
    "workflow_reports": (
        "报表（审核）",
        [
            "wagtailadmin_reports:workflow",
            "wagtailadmin_reports:workflow_results",
            "wagtailadmin_reports:workflow_tasks",
            "wagtailadmin_reports:workflow_tasks_results",
        ],
    ),
    "image_edit": (
        "编辑图片",
        [
            "wagtailimages:edit",
            "wagtailimages:image_usage",
            "wagtailimages:preview",
            "wagtailimages:edit_multiple",
        ],
    ),
    "image_delete": ("删除图片", ["wagtailimages:delete", "wagtailimages:delete_multiple"]),
    "document_edit": ("编辑文档", ["wagtaildocs:edit", "wagtaildocs:edit_multiple"]),
    "document_delete": ("删除文档", ["wagtaildocs:delete", "wagtaildocs:delete_multiple"]),
    "media_edit": ("编辑音视频", ["wagtailmedia:edit", "wagtailmedia:media_usage"]),
    "media_delete": ("删除音视频", ["wagtailmedia:delete"]),
    # Every upload form, given the target's collection: the file lands there or nowhere.
    "upload": (
        "上传到该组织",
        [
            "wagtailimages:add",
            "wagtailimages:add_multiple",
            "wagtailimages_chooser:create",
            "wagtaildocs:add",
            "wagtaildocs:add_multiple",
            "wagtaildocs_chooser:create",
            "wagtailmedia:add",
            "wagtailmedia:chooser_upload",
        ],
    ),
    "choose_image": (
        "选择图片",
        [
            "wagtailimages_chooser:choose",
            "wagtailimages_chooser:choose_results",
            "wagtailimages_chooser:chosen",
            "wagtailimages_chooser:chosen_multiple",
            "wagtailimages_chooser:select_format",
        ],
    ),
    "choose_document": (
        "选择文档",
        [
            "wagtaildocs_chooser:choose",
            "wagtaildocs_chooser:choose_results",
            "wagtaildocs_chooser:chosen",
            "wagtaildocs_chooser:chosen_multiple",
        ],
    ),
    "choose_media": (
        "选择音视频",
        ["wagtailmedia:chooser", "wagtailmedia:chooser_typed", "wagtailmedia:media_chosen"],
    ),
    "choose_member": (
        "选择党员",
        [
            "wagtailsnippetchoosers_learning_memberprofile:choose",
            "wagtailsnippetchoosers_learning_memberprofile:choose_results",
            "wagtailsnippetchoosers_learning_memberprofile:chosen",
            "wagtailsnippetchoosers_learning_memberprofile:chosen_multiple",
        ],
    ),
    "reports": (
        "报表（页面类型）",
        ["wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results"],
    ),
    "audit": ("发布审计", ["portal_publishing_audit", "portal_publishing_audit_results"]),
    "member_admin": ("党员管理", ["wagtailsnippets_learning_memberprofile:edit"]),
    "member_history": (
        "党员历史与引用",
        [
            "wagtailsnippets_learning_memberprofile:history",
            "wagtailsnippets_learning_memberprofile:usage",
        ],
    ),
    "member_copy": ("复制党员", ["wagtailsnippets_learning_memberprofile:copy"]),
    "member_delete": ("删除党员", ["wagtailsnippets_learning_memberprofile:delete"]),
    # Adding a member into the target (members join branches: elsewhere it fails for all;
    # the snippet choosers have no creation form, so no "create" URL either).
    "member_add": (
        "新增党员",
        ["wagtailsnippets_learning_memberprofile:add"],
    ),
    "evaluation_admin": (
        "年度评议",
        [
            "wagtailsnippets_learning_evaluation:edit",
            "wagtailsnippets_learning_evaluation:history",
            "wagtailsnippets_learning_evaluation:history_results",
            "wagtailsnippets_learning_evaluation:usage",
            "wagtailsnippets_learning_evaluation:copy",
        ],
    ),
    "evaluation_delete": ("删除年度评议", ["wagtailsnippets_learning_evaluation:delete"]),
    "evaluation_list": (
        "年度评议列表",
        [
            "wagtailsnippets_learning_evaluation:list",
            "wagtailsnippets_learning_evaluation:list_results",
        ],
    ),
    # Adding an evaluation of the target's member.
    "evaluation_add": (
        "新增年度评议",
        ["wagtailsnippets_learning_evaluation:add"],
    ),
    "choose_evaluation": (
        "选择年度评议",
        [
            "wagtailsnippetchoosers_learning_evaluation:choose",
            "wagtailsnippetchoosers_learning_evaluation:choose_results",
            "wagtailsnippetchoosers_learning_evaluation:chosen",
            "wagtailsnippetchoosers_learning_evaluation:chosen_multiple",
        ],
    ),
    "export": ("导出党员", ["wagtailsnippets_learning_memberprofile:list"]),
    # The import form offers the target or an organisation above it (whose subtree holds it).
    "import": ("导入党员", ["learning_member_import"]),
    "api_images": (
        "后台 API：图片",
        [
            "wagtailadmin_api:images:listing",
            "wagtailadmin_api:images:detail",
            "wagtailadmin_api:images:find",
        ],
    ),
    "api_documents": (
        "后台 API：文档",
        [
            "wagtailadmin_api:documents:listing",
            "wagtailadmin_api:documents:detail",
            "wagtailadmin_api:documents:find",
        ],
    ),
    "unpublish": ("撤销发布", ["wagtailadmin_pages:unpublish"]),
    "lock": ("锁定与解锁", ["wagtailadmin_pages:lock", "wagtailadmin_pages:unlock"]),
    "privacy": ("访问限制", ["wagtailadmin_pages:set_privacy"]),
    "revert": (
        "修订列表与恢复",
        ["wagtailadmin_pages:revisions_index", "wagtailadmin_pages:revisions_revert"],
    ),
    "api_pages": (
        "后台 API：页面",
        [
            "wagtailadmin_api:pages:listing",
            "wagtailadmin_api:pages:detail",
            "wagtailadmin_api:pages:find",
        ],
    ),
    "aging_pages": (
        "报表（久未更新）",
        ["wagtailadmin_reports:aging_pages", "wagtailadmin_reports:aging_pages_results"],
    ),
    "locked_pages": (
        "报表（已锁定）",
        ["wagtailadmin_reports:locked_pages", "wagtailadmin_reports:locked_pages_results"],
    ),
    "site_history": (
        "报表（站点历史）",
        ["wagtailadmin_reports:site_history", "wagtailadmin_reports:site_history_results"],
    ),
    "image_list": ("图片库", ["wagtailimages:index", "wagtailimages:index_results"]),
    "document_list": ("文档库", ["wagtaildocs:index", "wagtaildocs:index_results"]),
    "media_list": ("音视频库", ["wagtailmedia:index"]),
    "member_list": ("党员列表", ["wagtailsnippets_learning_memberprofile:list_results"]),
    "document_usage": ("文档引用", ["wagtaildocs:document_usage"]),
    "member_history_results": (
        "党员历史（结果）",
        ["wagtailsnippets_learning_memberprofile:history_results"],
    ),
    # Cancelling the schedule of a revision that is to go live: whoever may publish.
    "unschedule": ("取消定时发布", ["wagtailadmin_pages:revisions_unschedule"]),
    "page_search": ("搜索页面", ["wagtailadmin_pages:search", "wagtailadmin_pages:search_results"]),
    "type_use": (
        "页面类型的使用",
        ["wagtailadmin_pages:type_use", "wagtailadmin_pages:type_use_results"],
    ),
    # The pages explorer's start: no link into the target outside the subtree.
    "explore_root": ("页面浏览起点", ["wagtailadmin_explore_root"]),
    # Submitting a page for translation and updating its translations: wagtail-localize
    # asks for its own permission, which only superusers hold here.
    "translate_submit": (
        "提交翻译",
        ["wagtail_localize:submit_page_translation", "wagtail_localize:update_translations"],
    ),
    # The translation editor (zh-hant drafts): who may edit the translated page — nobody
    # but superusers, as organisations' groups hold permissions on zh-hans pages only.
    "translate": (
        "翻译编辑",
        [
            "wagtail_localize:download_pofile",
            "wagtail_localize:preview_translation",
            "wagtail_localize:convert_to_alias",
            "wagtail_localize:edit_string_translation",
            "wagtail_localize:edit_override",
            "wagtail_localize:upload_pofile",
            "wagtail_localize:machine_translate",
            "wagtail_localize:stop_translation",
        ],
    ),
    "translations_report": (
        "报表（翻译）",
        ["wagtail_localize:translations_report", "wagtail_localize:translations_report_results"],
    ),
    # wagtail-localize's snippets API (its translation editor's chooser): members.
    "snippets_api": (
        "翻译用片段 API",
        ["wagtail_localize:snippets_api_listing", "wagtail_localize:snippets_api_detail"],
    ),
    # The live event's stream key (推流密钥): whoever may edit the event page.
    "stream_key": ("推流密钥", ["livestream_stream_key"]),
    # "Add an article": the parent chosen leads on to the add form, or not.
    "choose_parent": ("选择上级页面", ["wagtailadmin_pages:choose_parent"]),
    # 快速发布 (kitchen/quick_publish.py) into the target's own column: as adding a page
    # there; its result screen (of a page in review), for whoever may edit that page.
    "quick_publish": ("快速发布", ["kitchen_quick_publish"]),
    "quick_publish_done": ("快速发布结果", ["kitchen_quick_publish_done"]),
    # 组织生活记录 (orglife): internal, seen by the organisation and the levels above, kept
    # by the organisation's own editors only.
    "record_inspect": ("查看组织生活记录", ["wagtailsnippets_orglife_meetingrecord:inspect"]),
    # Wagtail's history and usage views ask for a write permission of the model: editors.
    "record_history": (
        "组织生活记录历史与引用",
        [
            "wagtailsnippets_orglife_meetingrecord:history",
            "wagtailsnippets_orglife_meetingrecord:history_results",
            "wagtailsnippets_orglife_meetingrecord:usage",
        ],
    ),
    "record_edit": (
        "编辑组织生活记录",
        [
            "wagtailsnippets_orglife_meetingrecord:edit",
            "wagtailsnippets_orglife_meetingrecord:delete",
        ],
    ),
    "record_list": (
        "组织生活记录列表",
        [
            "wagtailsnippets_orglife_meetingrecord:list",
            "wagtailsnippets_orglife_meetingrecord:list_results",
        ],
    ),
    "record_add": ("新增组织生活记录", ["wagtailsnippets_orglife_meetingrecord:add"]),
    # 快速记录 (orglife/quick_record.py) for the target organisation: as adding a record;
    # its result screen and 发布公开摘要 of a record: as editing it.
    "record_quick": ("快速记录", ["orglife_quick_record"]),
    "record_quick_done": ("快速记录结果", ["orglife_quick_record_done"]),
    "record_summary": ("发布公开摘要", ["orglife_public_summary"]),
    "choose_record": (
        "选择组织生活记录",
        [
            "wagtailsnippetchoosers_orglife_meetingrecord:choose",
            "wagtailsnippetchoosers_orglife_meetingrecord:choose_results",
            "wagtailsnippetchoosers_orglife_meetingrecord:chosen",
            "wagtailsnippetchoosers_orglife_meetingrecord:chosen_multiple",
        ],
    ),
    # Importing records from a table (orglife/imports.py): into an organisation one edits.
    "record_import": ("导入组织生活记录", ["orglife_record_import"]),
    # 打印手册 (orglife): the target's 工作手册 (the form offers it, or not) and a build's
    # status page and PDF: for whoever sees the target's records.
    "handbook_print": ("打印工作手册", ["orglife_handbook"]),
    "handbook": ("工作手册进度与下载", ["orglife_handbook_status", "orglife_handbook_file"]),
    # 传达学习情况 (orglife): the directives' relay coverage over an organisation's subtree,
    # for its editors and reviewers and those above.
    "relay": ("传达学习情况", ["orglife_relay", "orglife_relay_coverage"]),
    # --- 监督 → 消息 (oversight/message_views.py) ---
    # 已发送: the reminders an organisation was sent and their email state, for those who
    # oversee it (its subtree's editors and reviewers, as 传达学习情况).
    "oversight_sent": ("已发送的提醒", ["oversight_messages_sent"]),
    # 监督总览 (oversight): the dashboard of an organisation's children, its ranking, its
    # 僵尸 list, 立即刷新 and the e-map, over the subtree of one's own organisation (as
    # 传达学习情况).
    "oversight": (
        "监督总览",
        [
            "oversight_dashboard",
            "oversight_ranking",
            "oversight_zombies",
            "oversight_refresh",
            "oversight_map",
        ],
    ),
}
NO_LEAK = {
    "reports",
    "aging_pages",
    "locked_pages",
    "site_history",
    "type_use",
    "explore_root",
    "review_notice",
    "workflow_reports",
    "translations_report",
}

_ALL = {OWN, SIBLING, PARENT, CHILD}
_SUBTREE = {OWN, CHILD}
_NONE = set()


def branch_targets(role):
    """The targets of `role` that are branches (支部): only those have members."""
    kinds = dict(line.split(",")[0::3] for line in TREE_CSV.strip().splitlines()[1:])
    return {t for t, code in PLACES[ROLES[role][1]].items() if kinds.get(code) == "branch"}


def _editor(publish=False):
    cells = {a: _NONE for a in ACTIONS}
    # Wagtail lets "change" delete (unpublished pages without "publish"), and moving is
    # deleting here and adding there: both inside the subtree.
    for action in ["view_draft", "edit", "move", "delete", "copy", "history", "usage"]:
        cells[action] = _SUBTREE
    for action in ["revisions", "explore", "add_subpage", "compare", "workflow_history"]:
        cells[action] = _SUBTREE
    # Wagtail counts deleting an image or document as changing it: editors may.
    for action in ["image_edit", "image_delete", "document_edit", "document_delete"]:
        cells[action] = _SUBTREE
    # wagtailmedia's policy, like Wagtail's for images, lets "change" delete.
    cells["media_edit"] = cells["media_delete"] = _SUBTREE
    cells["upload"] = _SUBTREE
    cells["publish"] = _SUBTREE if publish else _NONE
    cells["unschedule"] = cells["reorder"] = cells["publish"]
    # Unpublishing and view restrictions need "publish"; nobody holds "lock" (only
    # superusers lock, and unlock what they did not lock).
    cells["unpublish"] = cells["privacy"] = cells["aging_pages"] = cells["publish"]
    for action in ["revert", "api_pages", "locked_pages", "site_history"]:
        cells[action] = _SUBTREE
    cells["choose_page"] = _SUBTREE  # drafts; live pages are choosable everywhere
    for action in ["choose_image", "choose_document", "choose_media", "reports", "audit"]:
        cells[action] = _SUBTREE
    for action in ["image_list", "document_list", "media_list"]:
        cells[action] = _SUBTREE
    for action in ["api_images", "api_documents"]:
        cells[action] = _SUBTREE
    for action in ["page_search", "type_use", "explore_root", "choose_parent"]:
        cells[action] = _SUBTREE
    cells["review_notice"] = cells["workflow_reports"] = cells["translations_report"] = _SUBTREE
    for action in ["record_inspect", "record_history", "record_list", "choose_record"]:
        cells[action] = _SUBTREE
    # the organisation's own editors
    cells["record_edit"] = cells["record_add"] = cells["record_import"] = {OWN}
    cells["relay"] = _SUBTREE
    return cells


def _reviewer():
    cells = _editor(publish=True)
    # Publishing past the workflow (bulk 发布 here, the editor's 发布) is for the city's
    # 终审 and superusers (kitchen/direct_publish.py); the reviewer's approval publishes.
    cells["publish"] = _NONE
    cells["review"] = _SUBTREE  # 一审 of their branch (本组织审核)
    # They read the records only.
    cells["record_edit"] = cells["record_add"] = cells["record_history"] = _NONE
    cells["record_import"] = _NONE
    for action in ["member_admin", "member_history", "choose_member", "export", "import"]:
        cells[action] = _SUBTREE
    for action in ["member_list"]:
        cells[action] = _SUBTREE
    for action in ["member_copy", "member_add", "evaluation_admin", "evaluation_add"]:
        cells[action] = _SUBTREE  # reviewers may add members but not delete them
    for action in ["evaluation_list", "choose_evaluation"]:
        cells[action] = _SUBTREE
    return cells


def _outsider():
    return {a: _NONE for a in ACTIONS}


def _city_step(first=False):
    # 初审/复审 review through their workflow tasks only: no page permissions of their own.
    # Pages in 三审 wait for 初审 here: its reviewers act on them and see their history.
    cells = _outsider()
    if first:
        cells["review"] = cells["workflow_history"] = _SUBTREE
    return cells


def _city_final():
    # 终审 holds change and publish on the city (its approval publishes), nothing else:
    # no media collections, and no organisation group for the publishing audit.
    cells = _editor(publish=True)
    for action in ["choose_image", "choose_document", "choose_media", "audit"]:
        cells[action] = _NONE
    for action in ["image_list", "document_list", "media_list"]:
        cells[action] = _NONE
    for action in ["image_edit", "image_delete", "document_edit", "document_delete"]:
        cells[action] = _NONE
    cells["media_edit"] = cells["media_delete"] = cells["upload"] = _NONE
    cells["add_subpage"] = cells["choose_parent"] = _NONE  # change and publish, not add
    for action in ["api_images", "api_documents"]:
        cells[action] = _NONE
    # No organisation group: no meeting records.
    for action in ACTIONS:
        if action.startswith("record_") or action in ("choose_record", "relay"):
            cells[action] = _NONE
    return cells


def _superuser():
    return {a: _ALL for a in ACTIONS}


EXPECTED = {
    "anonymous": _outsider(),
    "member": _outsider(),
    "branch_editor": _editor(),
    "branch_reviewer": _reviewer(),
    "community_editor": _editor(),
    "street_editor": _editor(),
    "district_editor": _editor(),
    "city_chushen": _city_step(first=True),
    "city_fushen": _city_step(),
    "city_zhongshen": _city_final(),
    "superuser": _superuser(),
}
# Cells that follow others: usage and history results follow the object's edit and
# history views; members are added to branches only; the stream key is the event page's
# edit; copying by the API and 快速发布 need "add" where the page goes (快速发布's result
# screen tells the page's review state to whoever may edit it, which includes the
# reviewer of its current task, as its review history does); the snippets API lists the
# members the user's member list shows.
for _role, _cells in EXPECTED.items():
    _cells["document_usage"] = _cells["document_edit"]
    _cells["member_history_results"] = _cells["member_history"]
    _cells["member_add"] = _cells["member_add"] & branch_targets(_role)
    _cells["stream_key"] = _cells["edit"]
    _cells["api_copy"] = _cells["add_subpage"]
    _cells["quick_publish"] = _cells["add_subpage"]
    _cells["quick_publish_done"] = _cells["edit"] | _cells["workflow_history"]
    _cells["snippets_api"] = _cells["member_list"]
    _cells["record_quick"] = _cells["record_add"]
    _cells["record_quick_done"] = _cells["record_summary"] = _cells["record_edit"]

    _cells["handbook_print"] = _cells["handbook"] = _cells["record_inspect"]
    _cells["oversight"] = _cells["relay"]  # oversight/access.py: the same subtrees

# --- 监督 → 消息 (oversight/message_views.py) ---
for _cells in EXPECTED.values():
    _cells["oversight_sent"] = _cells["relay"]

# Admin URL names (or namespace prefixes, ending in ":" or "_") that are not about one
# organisation's objects — site-wide settings, the user's own account, static helpers —
# or that only superusers reach, each with the reason. Every other admin URL must be
# covered by an action above.
GENERAL = "no organisation's objects (account, sign-in, static, city-wide tools)"
NOT_OBJECT_SCOPED = {
    "wagtailadmin_workflows:": "workflows and tasks: site-wide settings (superusers)",
    "wagtailusers_users:": "user accounts: superusers",
    "wagtailusers_groups:": "groups: superusers",
    "wagtailsites:": "sites: superusers",
    "wagtaillocales:": "locales: superusers",
    "wagtailredirects:": "redirects: superusers",
    "wagtailadmin_collections:": "collections: superusers",
    "wagtailembeds:": "embeds of outside URLs: no organisation's objects",
    "wagtailsnippets_content_": "screens, central kitchen: superusers",
    "wagtailsnippetchoosers_content_": "choosers of those snippets: superusers",
    "wagtailsnippets_learning_quiz:": "quizzes: city-wide, no organisation",
    "wagtailsnippets_oversight_": "update rules and score weights: superusers (the city)",
    "wagtailsnippetchoosers_oversight_": "update rules and score weights: superusers",
    "wagtailsnippets_learning_question:": "the question bank: city-wide",
    "wagtailsnippets_learning_pointrule:": "point rules: city-wide",
    "wagtailsnippetchoosers_learning_quiz:": "city-wide",
    "wagtailsnippetchoosers_learning_question:": "city-wide",
    "wagtailsnippetchoosers_learning_pointrule:": "city-wide",
    "content_lexicon_import": GENERAL,
    "content_outbox_dead": GENERAL,
    "content_screen_plays": GENERAL,
    "learning_question_import": GENERAL,
    "orglife_record_import_template": "the import template: headers and an example row",
    "wagtailadmin_account": GENERAL,
    "wagtailadmin_block_preview": GENERAL,
    "wagtailadmin_choose_page_anchor_link": GENERAL,
    "wagtailadmin_choose_page_email_link": GENERAL,
    "wagtailadmin_choose_page_external_link": GENERAL,
    "wagtailadmin_choose_page_phone_link": GENERAL,
    "wagtailadmin_dismissibles": GENERAL,
    "wagtailadmin_error_test": GENERAL,
    "wagtailadmin_home": GENERAL,
    "wagtailadmin_javascript_catalog": GENERAL,
    "wagtailadmin_login": GENERAL,
    "wagtailadmin_logout": GENERAL,
    "wagtailadmin_password_reset": GENERAL,
    "wagtailadmin_password_reset_complete": GENERAL,
    "wagtailadmin_password_reset_confirm": GENERAL,
    "wagtailadmin_password_reset_done": GENERAL,
    "wagtailadmin_sprite": GENERAL,
    "wagtailadmin_tag_autocomplete": GENERAL,
    "wagtailadmin_tag_model_autocomplete": GENERAL,
    "wagtailsnippets:index": GENERAL,
    # The URL generator needs Wagtail's dynamic image serve view, which the portal does
    # not register: both answer 404 to everyone, superusers too (a test checks it).
    "wagtailimages:url_generator": "404 for everyone: no dynamic image serve view",
    "wagtailimages:url_generator_output": "404 for everyone: no dynamic image serve view",
    # The page chooser's browse view at the tree root (the same view as
    # wagtailadmin_choose_page_child, a cell of choose_page): its rows are the city home
    # pages, live and choosable by all, by their live title outside the subtree
    # (tests/sites/test_admin_leaks.py).
    "wagtailadmin_choose_page": "the tree root: live city home pages only",
    # A multiple upload's unfinished files are their uploader's own: Wagtail refuses
    # anyone else (tests/sites/test_admin_leaks.py).
    "wagtailimages:create_multiple_from_uploaded_image": "the uploader's own unfinished upload",
    "wagtailimages:delete_upload_multiple": "the uploader's own unfinished upload",
    "wagtaildocs:create_multiple_from_uploaded_document": "the uploader's own unfinished upload",
    "wagtaildocs:delete_upload_multiple": "the uploader's own unfinished upload",
    # Ending one's own editing session (pinging one is part of "edit").
    "wagtailadmin_editing_sessions:release": "the user's own editing session",
    "wagtail_localize:javascript_catalog": "wagtail-localize's static message catalogue",
    # No snippet model of the portal is translatable: 404 for everyone.
    "wagtail_localize:submit_snippet_translation": "no translatable snippets: 404 for all",
    # --- 监督 → 消息 (oversight/message_views.py) ---
    # The signed-in user's own deliveries only; another's message is 404
    # (tests/oversight/test_messages.py).
    "oversight_messages": "the user's own messages",
    "oversight_message": "the user's own message (another's: 404)",
    "oversight_messages_read_all": "marks the user's own messages read",
}


def targets_of(role):
    """{target: organisation code} for `role` (only the targets its place has)."""
    return PLACES[ROLES[role][1]]


def cells():
    """Every (role, action, target) of the matrix."""
    return [
        (role, action, target)
        for role in ROLES
        for action in ACTIONS
        for target in TARGETS
        if target in targets_of(role)
    ]


BEGIN, END = "<!-- permission-matrix:begin -->", "<!-- permission-matrix:end -->"


def readme_table():
    """The README section: one row per role, one column per action; each cell lists
    where the action succeeds (本 own, 同 sibling, 上 parent, 下 child; — nowhere)."""
    short = {OWN: "本", SIBLING: "同", PARENT: "上", CHILD: "下"}
    head = "| 角色 | " + " | ".join(label for label, _ in ACTIONS.values()) + " |"
    lines = [head, "|---" * (len(ACTIONS) + 1) + "|"]
    for role, (label, _, _) in ROLES.items():
        row = []
        for action in ACTIONS:
            allowed = [
                short[t] for t in TARGETS if t in EXPECTED[role][action] and t in targets_of(role)
            ]
            row.append("".join(allowed) or "—")
        lines.append(f"| {label} | " + " | ".join(row) + " |")
    count = len(cells())
    intro = (
        f"Generated from `sites/permission_matrix.py` by `manage.py permission_matrix "
        f"--write`; checked over HTTP by `tests/sites/test_permission_matrix.py` "
        f"({count} cells). 本 own organisation, 同 sibling, 上 parent, 下 child; — nowhere."
    )
    return "\n".join([BEGIN, "", intro, "", *lines, "", END])
