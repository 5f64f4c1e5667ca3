/*
 * 党建电子地图 (oversight/map_views.py): the city outline (a GeoJSON file of the portal's
 * own static files) and one mark per organisation, drawn as SVG by hand — no map
 * library, no tile server, nothing loaded from anywhere but the portal.
 *
 * - Projection: equirectangular, x scaled by cos(latitude), fitted to the scope (its
 *   polygon in the outline when it has one, and its marks).
 * - Zoom: the +/− buttons, the wheel (around the pointer), a pinch (two pointers);
 *   drag to pan.
 * - Clustering: marks closer than 30 px on screen merge into a circle with their count,
 *   coloured by the worst status inside; zooming in, or clicking the circle, splits them.
 * - A click on a mark opens the organisation's card.
 */
(function () {
    "use strict";

    var root = document.querySelector("[data-omap]");
    var dataNode = document.getElementById("omap-data");
    if (!root || !dataNode) {
        return;
    }
    var NS = "http://www.w3.org/2000/svg";
    var CLUSTER_PX = 30;
    var MARK_R = 8;
    var MIN_K = 1;
    var MAX_K = 256;
    var PAD = 28;
    var PAD_LEFT = 72; // the zoom buttons' column

    var data = JSON.parse(dataNode.textContent);
    var svg = root.querySelector(".omap-svg");
    var land = svg.querySelector(".omap-land");
    var labels = svg.querySelector(".omap-labels");
    var layer = svg.querySelector(".omap-marks");
    var card = root.querySelector(".omap-card");
    var words = {};
    var wordsNode = document.getElementById("omap-words");
    if (wordsNode) {
        wordsNode.content.querySelectorAll("[data-word]").forEach(function (node) {
            words[node.dataset.word] = node.textContent;
        });
    }

    var marks = data.marks;
    var features = [];
    var view = { k: 1, x: 0, y: 0, w: 0, h: 0 };
    var fit = null; // {lon0, lat0, cos, s, ox, oy}
    var selected = null;

    // --- projection ---------------------------------------------------------------------

    function bboxOfRing(ring, box) {
        ring.forEach(function (p) {
            box[0] = Math.min(box[0], p[0]);
            box[1] = Math.min(box[1], p[1]);
            box[2] = Math.max(box[2], p[0]);
            box[3] = Math.max(box[3], p[1]);
        });
        return box;
    }

    function polygonsOf(feature) {
        var g = feature.geometry || {};
        if (g.type === "Polygon") {
            return [g.coordinates];
        }
        if (g.type === "MultiPolygon") {
            return g.coordinates;
        }
        return [];
    }

    function scopeBox() {
        var box = [Infinity, Infinity, -Infinity, -Infinity];
        var own = features.filter(function (f) {
            return f.properties && f.properties.code === data.scope.code;
        });
        own.forEach(function (f) {
            polygonsOf(f).forEach(function (poly) {
                bboxOfRing(poly[0], box);
            });
        });
        if (data.bbox) {
            bboxOfRing([[data.bbox[0], data.bbox[1]], [data.bbox[2], data.bbox[3]]], box);
        }
        if (!isFinite(box[0])) {
            features.forEach(function (f) {
                polygonsOf(f).forEach(function (poly) {
                    bboxOfRing(poly[0], box);
                });
            });
        }
        if (!isFinite(box[0])) {
            box = [117.15, 39.08, 117.25, 39.18];
        }
        // A lone mark (or a row of them) still gets some ground around it.
        var minSpan = 0.004;
        if (box[2] - box[0] < minSpan) {
            box[0] -= minSpan / 2;
            box[2] += minSpan / 2;
        }
        if (box[3] - box[1] < minSpan) {
            box[1] -= minSpan / 2;
            box[3] += minSpan / 2;
        }
        return box;
    }

    function computeFit() {
        var rect = svg.getBoundingClientRect();
        view.w = rect.width || 300;
        view.h = rect.height || 300;
        var box = scopeBox();
        var lat0 = (box[1] + box[3]) / 2;
        var cos = Math.cos((lat0 * Math.PI) / 180);
        var spanX = (box[2] - box[0]) * cos;
        var spanY = box[3] - box[1];
        var s = Math.min((view.w - PAD - PAD_LEFT) / spanX, (view.h - 2 * PAD) / spanY);
        fit = {
            lon0: box[0],
            lat1: box[3],
            cos: cos,
            s: s,
            ox: PAD_LEFT + (view.w - PAD - PAD_LEFT - spanX * s) / 2,
            oy: (view.h - spanY * s) / 2,
        };
    }

    // Base coordinates: pixels at zoom 1.
    function project(lon, lat) {
        return [fit.ox + (lon - fit.lon0) * fit.cos * fit.s, fit.oy + (fit.lat1 - lat) * fit.s];
    }

    function toScreen(p) {
        return [p[0] * view.k + view.x, p[1] * view.k + view.y];
    }

    // --- drawing ------------------------------------------------------------------------

    function el(name, attrs, parent) {
        var node = document.createElementNS(NS, name);
        Object.keys(attrs || {}).forEach(function (key) {
            node.setAttribute(key, attrs[key]);
        });
        if (parent) {
            parent.appendChild(node);
        }
        return node;
    }

    function drawLand() {
        land.textContent = "";
        // Districts first, the city's boundary on top.
        var ordered = features.slice().sort(function (a, b) {
            return (a.properties.kind === "city") - (b.properties.kind === "city");
        });
        ordered.forEach(function (f) {
            var d = "";
            polygonsOf(f).forEach(function (poly) {
                poly.forEach(function (ring) {
                    d +=
                        ring
                            .map(function (p, i) {
                                var xy = project(p[0], p[1]);
                                return (i ? "L" : "M") + xy[0].toFixed(1) + " " + xy[1].toFixed(1);
                            })
                            .join("") + "Z";
                });
            });
            el(
                "path",
                {
                    d: d,
                    class: f.properties.kind === "city" ? "omap-city" : "omap-district",
                    "data-code": f.properties.code || "",
                },
                land
            );
        });
    }

    function drawLabels() {
        labels.textContent = "";
        features.forEach(function (f) {
            if (f.properties.kind === "city") {
                return;
            }
            // The mean of the outer ring's corners: inside these districts' shapes.
            var ring = (polygonsOf(f)[0] || [[]])[0].slice(0, -1);
            if (!ring.length) {
                return;
            }
            var lon = 0;
            var lat = 0;
            ring.forEach(function (p) {
                lon += p[0];
                lat += p[1];
            });
            var at = toScreen(project(lon / ring.length, lat / ring.length));
            var text = el("text", { x: at[0].toFixed(1), y: at[1].toFixed(1) }, labels);
            text.textContent = f.properties.name;
        });
    }

    function clusters() {
        // Greedy: the worst (then the highest) organisation seeds a group taking every
        // free mark within CLUSTER_PX of it; a grid of CLUSTER_PX cells finds them.
        var points = marks.map(function (m, i) {
            var s = toScreen(m._p);
            return { i: i, x: s[0], y: s[1], taken: false };
        });
        var grid = {};
        points.forEach(function (p) {
            var key = Math.floor(p.x / CLUSTER_PX) + ":" + Math.floor(p.y / CLUSTER_PX);
            (grid[key] = grid[key] || []).push(p);
        });
        var order = points.slice().sort(function (a, b) {
            var ma = marks[a.i];
            var mb = marks[b.i];
            return mb.severity - ma.severity || ma.depth - mb.depth || a.i - b.i;
        });
        var groups = [];
        order.forEach(function (seed) {
            if (seed.taken) {
                return;
            }
            var members = [];
            var cx = Math.floor(seed.x / CLUSTER_PX);
            var cy = Math.floor(seed.y / CLUSTER_PX);
            for (var gx = cx - 1; gx <= cx + 1; gx++) {
                for (var gy = cy - 1; gy <= cy + 1; gy++) {
                    (grid[gx + ":" + gy] || []).forEach(function (p) {
                        if (!p.taken && Math.hypot(p.x - seed.x, p.y - seed.y) < CLUSTER_PX) {
                            p.taken = true;
                            members.push(p);
                        }
                    });
                }
            }
            groups.push(members);
        });
        return groups;
    }

    function worst(list) {
        return list.reduce(function (a, b) {
            return b.severity > a.severity ? b : a;
        });
    }

    function drawMarks() {
        layer.textContent = "";
        var groups = clusters();
        var shown = 0;
        groups.forEach(function (members) {
            var list = members.map(function (p) {
                return marks[p.i];
            });
            if (members.length === 1) {
                var m = list[0];
                var g = el(
                    "g",
                    {
                        class: "omap-mark" + (selected === m.code ? " is-selected" : ""),
                        "data-code": m.code,
                        "data-status": m.status,
                        tabindex: "0",
                        role: "button",
                    },
                    layer
                );
                el(
                    "circle",
                    {
                        cx: members[0].x.toFixed(1),
                        cy: members[0].y.toFixed(1),
                        r: MARK_R + (m.kind === "branch" ? 0 : 2),
                        class: "omap-status-" + m.status,
                    },
                    g
                );
                el("title", {}, g).textContent = m.name + "：" + m.status_label;
                g.addEventListener("click", function () {
                    if (!moved) {
                        openCard(m);
                    }
                });
                g.addEventListener("keydown", function (event) {
                    if (event.key === "Enter" || event.key === " ") {
                        event.preventDefault();
                        openCard(m);
                    }
                });
                shown += 1;
                return;
            }
            var x = 0;
            var y = 0;
            members.forEach(function (p) {
                x += p.x;
                y += p.y;
            });
            x /= members.length;
            y /= members.length;
            var top = worst(list);
            var cluster = el(
                "g",
                {
                    class: "omap-cluster",
                    "data-count": String(members.length),
                    "data-status": top.status,
                    "data-codes": list
                        .map(function (m) {
                            return m.code;
                        })
                        .join(" "),
                    tabindex: "0",
                    role: "button",
                },
                layer
            );
            el(
                "circle",
                {
                    cx: x.toFixed(1),
                    cy: y.toFixed(1),
                    r: Math.min(26, 13 + 3 * Math.log2(members.length)).toFixed(1),
                    class: "omap-status-" + top.status,
                },
                cluster
            );
            el("text", { x: x.toFixed(1), y: y.toFixed(1) }, cluster).textContent = String(
                members.length
            );
            var open = function () {
                splitCluster(list, x, y);
            };
            cluster.addEventListener("click", function () {
                if (!moved) {
                    open();
                }
            });
            cluster.addEventListener("keydown", function (event) {
                if (event.key === "Enter" || event.key === " ") {
                    event.preventDefault();
                    open();
                }
            });
            shown += 1;
        });
        root.dataset.zoom = view.k.toFixed(3);
        root.dataset.groups = String(shown);
    }

    function redraw() {
        land.setAttribute(
            "transform",
            "translate(" + view.x.toFixed(2) + " " + view.y.toFixed(2) + ") scale(" + view.k + ")"
        );
        drawLabels();
        drawMarks();
    }

    // --- zoom and pan -------------------------------------------------------------------

    function zoomAt(factor, sx, sy) {
        var k = Math.max(MIN_K, Math.min(MAX_K, view.k * factor));
        var ratio = k / view.k;
        view.x = sx - (sx - view.x) * ratio;
        view.y = sy - (sy - view.y) * ratio;
        view.k = k;
        if (k === MIN_K) {
            view.x = 0;
            view.y = 0;
        }
        redraw();
    }

    function splitCluster(list, sx, sy) {
        // Zoom until the members' spread is wide enough to part, centred on them; where
        // they share one spot (or at the deepest zoom) list them in the card instead.
        var xs = list.map(function (m) {
            return m._p[0];
        });
        var ys = list.map(function (m) {
            return m._p[1];
        });
        var spread = Math.max(
            Math.max.apply(null, xs) - Math.min.apply(null, xs),
            Math.max.apply(null, ys) - Math.min.apply(null, ys)
        );
        if (spread * MAX_K < CLUSTER_PX || view.k >= MAX_K) {
            openList(list);
            return;
        }
        var wanted = Math.min(MAX_K, Math.max(view.k * 2, (CLUSTER_PX * 3) / spread));
        var cx = (Math.max.apply(null, xs) + Math.min.apply(null, xs)) / 2;
        var cy = (Math.max.apply(null, ys) + Math.min.apply(null, ys)) / 2;
        view.k = wanted;
        view.x = view.w / 2 - cx * wanted;
        view.y = view.h / 2 - cy * wanted;
        redraw();
    }

    var pointers = new Map();
    var moved = false;
    var downAt = null;
    var pinch = null;

    svg.addEventListener("pointerdown", function (event) {
        pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
        if (pointers.size === 1) {
            moved = false;
            downAt = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y };
        } else if (pointers.size === 2) {
            pinch = pinchState();
        }
    });

    function pinchState() {
        var pts = Array.from(pointers.values());
        return {
            d: Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y) || 1,
            x: (pts[0].x + pts[1].x) / 2,
            y: (pts[0].y + pts[1].y) / 2,
        };
    }

    svg.addEventListener("pointermove", function (event) {
        if (!pointers.has(event.pointerId)) {
            return;
        }
        pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
        var rect = svg.getBoundingClientRect();
        if (pointers.size >= 2 && pinch) {
            var now = pinchState();
            moved = true;
            view.x += now.x - pinch.x;
            view.y += now.y - pinch.y;
            zoomAt(now.d / pinch.d, now.x - rect.left, now.y - rect.top);
            pinch = now;
            return;
        }
        if (pointers.size === 1 && downAt) {
            var dx = event.clientX - downAt.x;
            var dy = event.clientY - downAt.y;
            if (!moved && Math.hypot(dx, dy) < 6) {
                return;
            }
            if (!moved) {
                moved = true;
                svg.setPointerCapture(event.pointerId);
                svg.classList.add("is-dragging");
            }
            view.x = downAt.vx + dx;
            view.y = downAt.vy + dy;
            redraw();
        }
    });

    function pointerEnd(event) {
        pointers.delete(event.pointerId);
        if (pointers.size < 2) {
            pinch = null;
        }
        if (pointers.size === 0) {
            downAt = null;
            svg.classList.remove("is-dragging");
            // A click that ends a drag is no click; the next press starts afresh.
            setTimeout(function () {
                moved = false;
            }, 0);
        }
    }
    svg.addEventListener("pointerup", pointerEnd);
    svg.addEventListener("pointercancel", pointerEnd);

    svg.addEventListener(
        "wheel",
        function (event) {
            event.preventDefault();
            var rect = svg.getBoundingClientRect();
            var factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0025));
            zoomAt(factor, event.clientX - rect.left, event.clientY - rect.top);
        },
        { passive: false }
    );

    root.querySelectorAll("[data-zoom]").forEach(function (button) {
        button.addEventListener("click", function () {
            var how = button.dataset.zoom;
            if (how === "reset") {
                view.k = 1;
                view.x = 0;
                view.y = 0;
                redraw();
                return;
            }
            zoomAt(how === "in" ? 2 : 0.5, view.w / 2, view.h / 2);
        });
    });

    // --- the card -----------------------------------------------------------------------

    function field(name) {
        return card.querySelector('[data-field="' + name + '"]');
    }

    function openCard(m) {
        selected = m.code;
        card.hidden = false;
        card.dataset.code = m.code;
        card.querySelector("[data-card-one]").hidden = false;
        card.querySelector("[data-card-many]").hidden = true;
        field("name").textContent = m.name;
        field("kind_label").textContent = m.kind_label;
        var badge = field("status_badge");
        badge.textContent = m.status_label;
        badge.className = "omap-badge omap-status-" + m.status;
        field("parent").textContent = m.parent || words.none || "—";
        field("status_label").textContent = m.status_label;
        field("last_update").textContent = m.last_update || words.never || "";
        field("days_quiet").textContent = (words.days || "").replace("{n}", m.days_quiet);
        field("compliance").textContent =
            m.compliance === null ? words.none || "—" : m.compliance + "%";
        field("score").textContent = m.score === null ? words.none || "—" : String(m.score);
        field("dashboard_url").href = m.dashboard_url;
        var site = field("site_url");
        site.hidden = !m.site_url;
        if (m.site_url) {
            site.href = m.site_url;
        }
        drawMarks();
    }

    function openList(list) {
        selected = null;
        card.hidden = false;
        card.dataset.code = "";
        card.querySelector("[data-card-one]").hidden = true;
        card.querySelector("[data-card-many]").hidden = false;
        field("many_title").textContent = (words.many || "{n}").replace("{n}", list.length);
        var ul = field("many_list");
        ul.textContent = "";
        list.forEach(function (m) {
            var li = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            var dot = document.createElement("span");
            dot.className = "omap-swatch omap-status-" + m.status;
            button.appendChild(dot);
            button.appendChild(document.createTextNode(m.name + "（" + m.status_label + "）"));
            button.addEventListener("click", function () {
                openCard(m);
            });
            li.appendChild(button);
            ul.appendChild(li);
        });
    }

    card.querySelector("[data-card-close]").addEventListener("click", function () {
        card.hidden = true;
        selected = null;
        drawMarks();
    });

    // --- start --------------------------------------------------------------------------

    function start() {
        computeFit();
        marks.forEach(function (m) {
            m._p = project(m.longitude, m.latitude);
        });
        drawLand();
        redraw();
        root.dataset.ready = "1";
    }

    var resizeTimer = null;
    window.addEventListener("resize", function () {
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(function () {
            var k = view.k;
            view.k = 1;
            view.x = 0;
            view.y = 0;
            start();
            if (k !== 1) {
                zoomAt(k, view.w / 2, view.h / 2);
            }
        }, 150);
    });

    fetch(root.dataset.outlineUrl, { credentials: "same-origin" })
        .then(function (response) {
            return response.ok ? response.json() : { features: [] };
        })
        .catch(function () {
            return { features: [] };
        })
        .then(function (outline) {
            features = (outline.features || []).filter(function (f) {
                return f && f.properties;
            });
            start();
        });
})();
