"""Figures of the web app, drawn on the server so that a view opens at once and reads without
script: the subgraph behind an answer as SVG, and the responsibility matrix as an HTML table
shaded like a heat map (each cell's count written in it, in a colour that keeps its contrast)."""
from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from ontology import codelists
from ontology.folding import fold
from ontology.lexicon import role_group
from qa.phrasing import vn_date
from qa.succession import Lineage

MAX_GRAPH_ITEMS = 40
MAX_MATRIX_AGENCIES = 25
NO_PILLAR = "Chưa phân loại"
ALL_SCOPE = "all"
ALL_ROLES_VALUE = "*"

# One colour per role, far apart from each other (the three "chủ trì…" roles too): a test holds
# every pair at least 100 apart in RGB.
ROLE_COLORS = {
    "chủ trì": "#d62728", "phối hợp": "#1f77b4", "chủ trì tổng hợp": "#9467bd",
    "chủ trì theo dõi, đánh giá": "#e6a100", "theo dõi, đôn đốc": "#2ca02c", "hướng dẫn": "#5b2c06",
}
# The graph is drawn at a fixed size so that labels are kept apart: one row every ROW_PIXELS, four
# columns at COLUMN_X, each label cut to what its column holds (CHAR_PIXELS a character);
# the page scrolls the figure sideways on narrow screens.
GRAPH_WIDTH = 1180
ROW_PIXELS = 26
CHAR_PIXELS = 5.2  # the mean width of a character of a 12 px label in the page font (Source Sans Pro, which Gradio serves)
COLUMN_X = {"province": 150, "document": 450, "item": 560, "agency": 830}
LABEL_CHARS = {"province": 18, "document": 30, "item": 30, "agency": 46}
NODE_STYLE = {  # kind: (Vietnamese legend name, colour); the marker shapes are _SHAPES
    "province": ("Tỉnh", "#1b4f72"),
    "document": ("Văn bản", "#6e2c00"),
    "item": ("Chỉ tiêu / nhiệm vụ", "#c27803"),
    "agency": ("Cơ quan", "#117a65"),
}


def _short(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n - 1] + "…"


def _esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


@dataclass
class _Node:
    key: str
    kind: str
    label: str
    hover: str
    links: list[str] = field(default_factory=list)
    y: float = 0.0


@dataclass
class AnswerGraph:
    """Nodes and role-labelled edges behind an answer: provinces → documents → items → agencies."""

    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    shown: int = 0
    total: int = 0
    group_left_out: int = 0  # items assigned only through a group, left out when direct ones exist

    def node(self, key: str, kind: str, label: str, hover: str) -> _Node:
        if key not in self.nodes:
            self.nodes[key] = _Node(key, kind, label, hover)
        return self.nodes[key]

    def edge(self, a: str, b: str, role: str) -> None:
        if (a, b, role) not in self.edges:
            self.edges.append((a, b, role))
            self.nodes[a].links.append(b)
            self.nodes[b].links.append(a)


def answer_graph(answer: dict | None, max_items: int = MAX_GRAPH_ITEMS) -> AnswerGraph:
    """Build the subgraph of an answer from its items (direct assignments first)."""
    g = AnswerGraph()
    raw = answer.get("items") if isinstance(answer, dict) else None
    items = [i for i in raw if isinstance(i, dict)] if isinstance(raw, list) else []
    g.total = len(items)
    direct = [i for i in items if not i.get("via_group")]
    g.group_left_out = len(items) - len(direct) if direct else 0
    items = (direct or items)[:max_items]
    g.shown = len(items)

    def order(i: dict) -> tuple:
        source = i.get("source") if isinstance(i.get("source"), dict) else {}
        return str(i.get("province") or "~"), str(source.get("document") or ""), str(source.get("line") or 0).zfill(8)

    items.sort(key=order)
    for n, item in enumerate(items):
        province = str(item["province"]) if item.get("province") else None
        source = item.get("source") if isinstance(item.get("source"), dict) else {}
        file = source.get("document")
        pkey = f"province:{province}" if province else None
        if pkey:
            g.node(pkey, "province", _short(province, LABEL_CHARS["province"]), f"Tỉnh {province}")
        dkey = f"document:{file}" if file else None
        if dkey:  # a plan is named as answers cite it ("KH 11252/KH-UBND (Khánh Hòa)"), its file in the details
            plan = re.sub(r"(, (trang|dòng) \d+.*)$", "", str(source.get("citation") or "")) or str(file)
            g.node(dkey, "document", _short(plan, LABEL_CHARS["document"]), plan)
            if pkey:
                g.edge(pkey, dkey, "thuộc tỉnh")
        kind = str(item.get("kind") or "")
        label = str(item.get("label") or "")
        if kind in ("agency", "province", "document") and not item.get("agencies"):  # a node, not an item
            nkind = {"agency": "agency", "province": "province", "document": "document"}[kind]
            key = f"{nkind}:{province}:{label}" if nkind == "agency" else f"{nkind}:{label}"
            g.node(key, nkind, _short(label, LABEL_CHARS[nkind]), label)
            if dkey and key != dkey:
                g.edge(dkey, key, "nguồn")
            continue
        ikey = f"item:{n}"
        number = str(item.get("number") or "")
        details = [f"{number} {label}".strip()]
        for name, value in (("Thời hạn", item.get("deadline")), ("Mục tiêu", item.get("target"))):
            if value:
                details.append(f"{name}: {value}")
        if source.get("citation"):
            details.append(f"Nguồn: {source['citation']}")
        g.node(ikey, "item", _short(f"{number} {label}".strip(), LABEL_CHARS["item"]), "\n".join(details))
        if dkey:
            g.edge(dkey, ikey, "nguồn")
        agencies = item.get("agencies") if isinstance(item.get("agencies"), list) else []
        for entry in agencies:
            role, _, name = str(entry).partition(": ")
            if not name:
                role, name = "", role
            akey = f"agency:{province}:{name}"
            named = name + (f" ({province})" if province and fold(province) not in fold(name) else "")
            g.node(akey, "agency", _short(named, LABEL_CHARS["agency"]), named)
            g.edge(ikey, akey, role or "liên quan")
    return g


def _spread(nodes: list[_Node], lo: float, hi: float) -> None:
    """Space nodes evenly from `hi` down to `lo`, in their order."""
    if not nodes:
        return
    step = (hi - lo) / max(len(nodes) - 1, 1)
    for i, node in enumerate(nodes):
        node.y = hi - i * step if len(nodes) > 1 else (lo + hi) / 2


_SHAPES = {  # kind: SVG of its marker around (0, 0)
    "province": "<path d='M0,-9 L9,0 L0,9 L-9,0 Z'/>",
    "document": "<rect x='-7' y='-7' width='14' height='14'/>",
    "item": "<circle r='6'/>",
    "agency": "<path d='M0,-8 L8,6 L-8,6 Z'/>",
}
STRUCTURE_COLOR = "#9aa0a6"
# Labels on a white halo (drawn under the letters), so that an edge passing under one never hides it;
# presentation attributes, not a style sheet, so that the page's own styles leave them alone.
_LABEL_PAINT = ("font-size='12' fill='#1f2933' stroke='#ffffff' stroke-width='5' stroke-linejoin='round' "
                "paint-order='stroke'")


def answer_svg(answer: dict | None, max_items: int = MAX_GRAPH_ITEMS) -> str:
    """The answer's subgraph in four columns (province → plan → item → agency) as SVG: edges coloured
    by role, each node's details in its tooltip, labels on a white halo so no edge hides them, and
    a legend of the roles drawn."""
    g = answer_graph(answer, max_items)
    if not g.nodes:
        return ("<p class='dtikg-empty' role='status'>Chưa có câu trả lời để vẽ đồ thị. "
                "Hãy đặt câu hỏi ở thẻ Hỏi đáp.</p>")
    by_kind: dict[str, list[_Node]] = defaultdict(list)
    for node in g.nodes.values():
        by_kind[node.kind].append(node)
    rows = max(len(by_kind.get("item", [])), len(by_kind.get("agency", [])), 3)
    _spread(by_kind.get("item", []), 0, rows - 1)
    placed = {n.key for n in by_kind.get("item", [])}
    for kind in ("agency", "document", "province"):  # each column ordered by its placed neighbours
        nodes = by_kind.get(kind, [])

        def center(node: _Node) -> float:
            ys = [g.nodes[k].y for k in node.links if k in placed]
            return sum(ys) / len(ys) if ys else 0.0
        nodes.sort(key=center, reverse=True)
        _spread(nodes, 0, rows - 1)
        placed |= {n.key for n in nodes}
    top = 40

    def y_of(node: _Node) -> float:
        return top + (rows - 1 - node.y) * ROW_PIXELS

    edges, roles = [], []
    for a, b, role in g.edges:
        na, nb = g.nodes[a], g.nodes[b]
        structural = role in ("nguồn", "thuộc tỉnh")
        colour = STRUCTURE_COLOR if structural else ROLE_COLORS.get(role, "#5f6b76")
        if not structural and role not in roles:
            roles.append(role)
        # an item's edges to its agencies leave from the end of its label, not through it
        x1 = COLUMN_X[na.kind] + (16 + CHAR_PIXELS * len(na.label) if na.kind == "item" and nb.kind == "agency" else 0)
        edges.append(f"<line x1='{x1:.0f}' y1='{y_of(na):.1f}' x2='{COLUMN_X[nb.kind]}' y2='{y_of(nb):.1f}' "
                     f"stroke='{colour}' stroke-width='{1 if structural else 1.8}'><title>{_esc(role)}</title></line>")
    nodes = []
    for kind in ("province", "document", "item", "agency"):
        name, colour = NODE_STYLE[kind]
        left = kind in ("province", "document")  # the first two columns read leftwards from their node
        for n in by_kind.get(kind, []):
            x, y = COLUMN_X[kind], y_of(n)
            nodes.append(
                f"<g class='dtikg-node dtikg-node-{kind}' transform='translate({x},{y:.1f})'>"
                f"<title>{_esc(n.hover)}</title><g fill='{colour}' stroke='#fff'>{_SHAPES[kind]}</g>"
                f"<text class='dtikg-node-label' x='{-12 if left else 12}' dy='0.35em' "
                f"text-anchor='{'end' if left else 'start'}' {_LABEL_PAINT}>{_esc(n.label)}</text></g>")
    heads = "".join(f"<text class='dtikg-column' x='{COLUMN_X[k]}' y='18' text-anchor='middle' font-size='13' "
                    f"font-weight='600' fill='#1f2933'>{label}</text>"
                    for k, label in (("province", "Tỉnh"), ("document", "Văn bản"), ("item", "Mục"),
                                     ("agency", "Cơ quan")))
    title = "Đồ thị con của câu trả lời"
    if g.shown < g.total:
        title += f" (hiển thị {g.shown}/{g.total} mục"
        title += "; không vẽ các mục chỉ giao chung cho nhóm cơ quan)" if g.group_left_out else ")"
    counts = Counter(n.kind for n in g.nodes.values())
    summary = (f"{counts['province']} tỉnh, {counts['document']} văn bản, {counts['item']} mục, "
               f"{counts['agency']} cơ quan")
    legend = "".join(f"<li><span class='dtikg-swatch' style='background:{ROLE_COLORS.get(r, '#5f6b76')}'></span>"
                     f"vai trò: {_esc(r)}</li>" for r in roles)
    legend += f"<li><span class='dtikg-swatch' style='background:{STRUCTURE_COLOR}'></span>nguồn / thuộc tỉnh</li>"
    legend += "".join(f"<li><span class='dtikg-swatch' style='background:{colour}'></span>{name}</li>"
                      for kind, (name, colour) in NODE_STYLE.items() if counts[kind])
    height = top + rows * ROW_PIXELS
    return (f"<figure class='dtikg-graph'><figcaption class='dtikg-graph-title'>{_esc(title)}</figcaption>"
            "<p class='dtikg-narrow'>Màn hình hẹp: kéo ngang khung hình để xem hết đồ thị.</p>"
            f"<div class='dtikg-graph-wrap' tabindex='0' role='region' aria-label='{_esc(title)}'><svg xmlns='http://www.w3.org/2000/svg' width='{GRAPH_WIDTH}' "
            f"height='{height}' viewBox='0 0 {GRAPH_WIDTH} {height}' role='img' "
            f"aria-label='{_esc(title)}: {summary}'>"
            f"{heads}<g class='dtikg-edges'>{''.join(edges)}</g>{''.join(nodes)}</svg></div>"
            f"<ul class='dtikg-legend' aria-label='Chú giải'>{legend}</ul></figure>")


# ---------------------------------------------------------------------------- responsibility matrix
def matrix_scopes(catalog) -> list[tuple[str, str]]:
    """(Vietnamese label, value) choices for the heat map's scope."""
    provinces = sorted({i.province for i in catalog.items.values() if i.province})
    pillars = sorted({i.pillar for i in catalog.items.values() if i.pillar})
    out = [("Mọi tỉnh — cơ quan × tỉnh", ALL_SCOPE)]
    out += [(f"Tỉnh {p} — cơ quan × trụ cột DTI", f"tinh:{p}") for p in provinces]
    out += [(f"Trụ cột {p} — cơ quan × tỉnh", f"tru-cot:{p}") for p in pillars]
    return out


def matrix_roles(catalog) -> list[tuple[str, str]]:
    roles = Counter(a.role_label for items in catalog.assignments.values() for a in items)
    return [("Mọi vai trò", ALL_ROLES_VALUE)] + [(r, r) for r, _ in roles.most_common()]


def responsibility_matrix(catalog, scope: str = ALL_SCOPE, role: str = "chủ trì",
                          max_agencies: int = MAX_MATRIX_AGENCIES,
                          as_of: date | None = None) -> tuple[list[str], list[str], list[list[int]], str]:
    """(agencies, columns, counts, caption): how many items each named agency holds a role for,
    per province (all items or one pillar) or per DTI pillar (one province). With `as_of`, by the
    agencies and provinces of that day: an item of a former agency counts for its successor."""
    scope = scope or ALL_SCOPE
    lineage = Lineage(catalog) if as_of else None
    if scope.startswith("tinh:"):
        province, pillar, by = scope[5:], None, "pillar"
        caption = f"Tỉnh {province}: số mục theo cơ quan và trụ cột DTI"
    elif scope.startswith("tru-cot:"):
        province, pillar, by = None, scope[8:], "province"
        caption = f"Trụ cột {pillar}: số mục theo cơ quan và tỉnh"
    else:
        province, pillar, by = None, None, "province"
        caption = "Số mục theo cơ quan và tỉnh"
    group: tuple[str, ...] = ()
    if role and role != ALL_ROLES_VALUE:
        group = role_group(role)
        labels = sorted((codelists.role(r).label for r in group), key=lambda label: label != role)
        caption += f" (vai trò: {role}" + (f" — gồm {', '.join(labels)}" if len(labels) > 1 else "") + ")"
    if lineage is not None:
        change = lineage.province_change(province, as_of) if province else None
        if change is not None:
            province = change.new_province
            caption = caption.replace(f"Tỉnh {scope[5:]}", f"Tỉnh {province}")
        caption += f" — theo cơ quan, tỉnh tại ngày {vn_date(as_of.isoformat())}"
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for iri, assignments in catalog.assignments.items():
        item = catalog.items.get(iri)
        if item is None or (pillar and item.pillar != pillar):
            continue
        for a in assignments:
            if a.group or (role and role != ALL_ROLES_VALUE and
                           (a.role not in group if group else a.role_label != role)):
                continue
            holders = [(a.agent_label, item.province)]
            if lineage is not None:
                holders = [(catalog.agents[h].label if h in catalog.agents else a.agent_label,
                            (catalog.agents[h].province if h in catalog.agents else None) or item.province)
                           for h in lineage.holders(a.agent, item.text, as_of)]
            for label, held_in in holders:
                if province and held_in != province:
                    continue
                column = (item.pillar or NO_PILLAR) if by == "pillar" else (held_in or "—")
                cells[(label, column)].add(iri)
    totals = Counter()
    for (agent, _), items in cells.items():
        totals[agent] += len(items)
    agencies = [a for a, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:max_agencies]]
    columns = sorted({c for (a, c) in cells if a in agencies}, key=lambda c: (c == NO_PILLAR, c))
    counts = [[len(cells.get((a, c), ())) for c in columns] for a in agencies]
    return agencies, columns, counts, caption


# Heat-map shades, light to dark (ColorBrewer YlOrRd); each cell's text is black or white,
# whichever contrasts more with its shade.
HEAT = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026")


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def text_colour(shade: str) -> str:
    """Black or white, whichever has the higher contrast ratio against `shade` (WCAG)."""
    light = _luminance(shade)
    return "#000000" if (light + 0.05) / 0.05 >= 1.05 / (light + 0.05) else "#ffffff"


def matrix_html(catalog, scope: str = ALL_SCOPE, role: str = "chủ trì", as_of: date | None = None) -> str:
    """The responsibility matrix as a table: agencies by row, provinces (or pillars) by column,
    each count in its cell shaded by size, with a legend of the shades."""
    agencies, columns, counts, caption = responsibility_matrix(catalog, scope, role, as_of=as_of)
    if not agencies:
        return "<p class='dtikg-empty' role='status'>Không có phân công nào cho lựa chọn này.</p>"
    top = max((n for row in counts for n in row), default=0) or 1

    def shade(n: int) -> str:
        return HEAT[min(len(HEAT) - 1, round((len(HEAT) - 1) * n / top))]
    head = "".join(f"<th scope='col'>{_esc(c)}</th>" for c in columns)
    body = []
    for agency, row in zip(agencies, counts):
        cells = "".join(f"<td style='background:{shade(n)};color:{text_colour(shade(n))}'>{n}</td>" if n
                        else "<td class='dtikg-zero'><span class='dtikg-sr'>0</span></td>" for n in row)
        body.append(f"<tr><th scope='row'>{_esc(agency)}</th>{cells}</tr>")
    steps = sorted({round(top * k / (len(HEAT) - 1)) for k in range(1, len(HEAT))} - {0})
    legend = "".join(f"<li><span class='dtikg-swatch' style='background:{shade(n)}'></span>{n}</li>" for n in steps)
    return (f"<figure class='dtikg-matrix'><div class='dtikg-table-wrap' tabindex='0' role='region' "
            f"aria-label='{_esc(caption)}'><table class='dtikg-table dtikg-heat'>"
            f"<caption>{_esc(caption)}</caption><thead><tr><th scope='col'>Cơ quan</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>"
            f"<ul class='dtikg-legend' aria-label='Thang màu: số mục'>{legend}</ul></figure>")
