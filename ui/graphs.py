"""Figures of the web app (Plotly, drawn by Gradio's bundled plotly.js, so no CDN):
the subgraph behind an answer and the responsibility matrix as a heat map."""
from __future__ import annotations

import html
import re
import textwrap
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
NODE_STYLE = {  # kind: (Vietnamese legend name, colour, marker symbol, size)
    "province": ("Tỉnh", "#1b4f72", "diamond", 18),
    "document": ("Văn bản", "#6e2c00", "square", 14),
    "item": ("Chỉ tiêu / nhiệm vụ", "#f39c12", "circle", 11),
    "agency": ("Cơ quan", "#117a65", "triangle-up", 13),
}


def _plain(text: object, width: int = 70, limit: int = 400) -> str:
    """Text for Plotly labels and hovers: escaped and wrapped with <br>."""
    s = " ".join(str(text or "").split())
    if len(s) > limit:
        s = s[:limit - 1] + "…"
    return "<br>".join(html.escape(part, quote=False) for part in textwrap.wrap(s, width) or [""])


def _short(text: str, n: int = 28) -> str:
    text = " ".join((text or "").split())
    return html.escape(text if len(text) <= n else text[:n - 1] + "…", quote=False)


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
            g.node(pkey, "province", _short(province), _plain(f"Tỉnh {province}"))
        dkey = f"document:{file}" if file else None
        if dkey:  # a plan is named as answers cite it ("KH 11252/KH-UBND (Khánh Hòa)"), its file in the details
            plan = re.sub(r"(, (trang|dòng) \d+.*)$", "", str(source.get("citation") or "")) or str(file)
            g.node(dkey, "document", _short(plan, 30), _plain(f"{plan} — tệp {file}"))
            if pkey:
                g.edge(pkey, dkey, "thuộc tỉnh")
        kind = str(item.get("kind") or "")
        label = str(item.get("label") or "")
        if kind in ("agency", "province", "document") and not item.get("agencies"):  # a node, not an item
            nkind = {"agency": "agency", "province": "province", "document": "document"}[kind]
            key = f"{nkind}:{province}:{label}" if nkind == "agency" else f"{nkind}:{label}"
            g.node(key, nkind, _short(label), _plain(label))
            if dkey and key != dkey:
                g.edge(dkey, key, "nguồn")
            continue
        ikey = f"item:{n}"
        number = str(item.get("number") or "")
        details = [f"{number} {label}".strip()]
        for name, value in (("Thời hạn", item.get("deadline")), ("Mục tiêu", item.get("target"))):
            if value:
                details.append(f"{name}: {value}")
        if file:
            cited = source.get("citation")
            details.append(f"Nguồn: {cited} (tệp {file})" if cited else f"Nguồn: {file}, dòng {source.get('line')}")
        g.node(ikey, "item", html.escape(number, quote=False) or _short(label, 12),
               "<br>".join(_plain(d) for d in details))
        if dkey:
            g.edge(dkey, ikey, "nguồn")
        agencies = item.get("agencies") if isinstance(item.get("agencies"), list) else []
        for entry in agencies:
            role, _, name = str(entry).partition(": ")
            if not name:
                role, name = "", role
            akey = f"agency:{province}:{name}"
            named = name + (f" ({province})" if province and fold(province) not in fold(name) else "")
            g.node(akey, "agency", _short(named, 40), _plain(named))
            g.edge(ikey, akey, role or "liên quan")
    return g


def _spread(nodes: list[_Node], lo: float, hi: float) -> None:
    """Space nodes evenly from `hi` down to `lo`, in their order."""
    if not nodes:
        return
    step = (hi - lo) / max(len(nodes) - 1, 1)
    for i, node in enumerate(nodes):
        node.y = hi - i * step if len(nodes) > 1 else (lo + hi) / 2


def answer_figure(answer: dict | None, max_items: int = MAX_GRAPH_ITEMS):
    """The answer's subgraph as an interactive Plotly figure in four columns."""
    import plotly.graph_objects as go

    g = answer_graph(answer, max_items)
    fig = go.Figure()
    if not g.nodes:
        return _empty_figure("Chưa có câu trả lời để vẽ đồ thị. Hãy đặt câu hỏi ở thẻ Hỏi đáp.")
    columns = {"province": 0, "document": 1, "item": 2, "agency": 3}
    by_kind: dict[str, list[_Node]] = defaultdict(list)
    for node in g.nodes.values():
        by_kind[node.kind].append(node)
    height = max(len(by_kind.get("item", [])), len(by_kind.get("agency", [])), 6)
    _spread(by_kind.get("item", []), 0, height)
    placed = {n.key for n in by_kind.get("item", [])}
    for kind in ("agency", "document", "province"):  # each column ordered by its placed neighbours
        nodes = by_kind.get(kind, [])

        def center(node: _Node) -> float:
            ys = [g.nodes[k].y for k in node.links if k in placed]
            return sum(ys) / len(ys) if ys else 0.0
        nodes.sort(key=center, reverse=True)
        _spread(nodes, 0, height)
        placed |= {n.key for n in nodes}
    # edges, one trace per role so the legend explains the colours
    per_role: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for a, b, role in g.edges:
        na, nb = g.nodes[a], g.nodes[b]
        xs, ys = per_role[role]
        xs += [columns[na.kind], columns[nb.kind], None]
        ys += [na.y, nb.y, None]
    for role, (xs, ys) in per_role.items():
        structural = role in ("nguồn", "thuộc tỉnh")
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", hoverinfo="skip",
            name="nguồn / thuộc tỉnh" if structural else f"vai trò: {role}",
            legendgroup="structure" if structural else role, showlegend=not structural or role == "nguồn",
            line={"width": 1 if structural else 1.6,
                  "color": "#b3b6b7" if structural else ROLE_COLORS.get(role, "#7f8c8d")}))
    positions = {"province": "middle left", "document": "middle left", "item": "middle right",
                 "agency": "middle right"}
    for kind, nodes in by_kind.items():
        name, colour, symbol, size = NODE_STYLE[kind]
        fig.add_trace(go.Scatter(
            x=[columns[kind]] * len(nodes), y=[n.y for n in nodes], mode="markers+text", name=name,
            text=[n.label for n in nodes], textposition=positions[kind], textfont={"size": 11},
            hovertext=[n.hover for n in nodes], hoverinfo="text",
            marker={"size": size, "color": colour, "symbol": symbol, "line": {"width": 1, "color": "#fff"}}))
    title = "Đồ thị con của câu trả lời"
    if g.shown < g.total:
        title += f" (hiển thị {g.shown}/{g.total} mục"
        title += "; không vẽ các mục chỉ giao chung cho nhóm cơ quan)" if g.group_left_out else ")"
    fig.update_layout(
        title={"text": title, "x": 0.01}, height=max(420, 26 * height + 140), margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"visible": False, "range": [-0.9, 4.2], "fixedrange": False},
        yaxis={"visible": False, "range": [-1, height + 1]},
        legend={"orientation": "h", "y": -0.02, "yanchor": "top"}, plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff", hoverlabel={"align": "left"}, dragmode="pan")
    for x, label in enumerate(("Tỉnh", "Văn bản", "Mục", "Cơ quan")):
        fig.add_annotation(x=x, y=height + 0.8, text=f"<b>{label}</b>", showarrow=False)
    return fig


def _empty_figure(message: str):
    import plotly.graph_objects as go
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 14})
    fig.update_layout(height=300, xaxis={"visible": False}, yaxis={"visible": False},
                      plot_bgcolor="#ffffff", paper_bgcolor="#ffffff")
    return fig


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


def matrix_figure(catalog, scope: str = ALL_SCOPE, role: str = "chủ trì", as_of: date | None = None):
    """The responsibility matrix as a Plotly heat map with the counts written in the cells."""
    import plotly.graph_objects as go

    agencies, columns, counts, caption = responsibility_matrix(catalog, scope, role, as_of=as_of)
    if not agencies:
        return _empty_figure("Không có phân công nào cho lựa chọn này.")
    column_name = "Trụ cột" if (scope or "").startswith("tinh:") else "Tỉnh"
    fig = go.Figure(go.Heatmap(
        z=counts, x=[html.escape(c, quote=False) for c in columns],
        y=[html.escape(a, quote=False) for a in agencies], colorscale="YlOrRd",
        text=[[str(n) if n else "" for n in row] for row in counts], texttemplate="%{text}", hoverongaps=False, xgap=2, ygap=2,
        colorbar={"title": {"text": "Số mục"}},
        hovertemplate=f"Cơ quan: %{{y}}<br>{column_name}: %{{x}}<br>Số mục: %{{z}}<extra></extra>"))
    fig.update_layout(title={"text": html.escape(caption, quote=False), "x": 0.01},
                      height=max(360, 28 * len(agencies) + 160),
                      margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      yaxis={"autorange": "reversed", "automargin": True}, xaxis={"automargin": True, "side": "top"},
                      plot_bgcolor="#ffffff", paper_bgcolor="#ffffff")
    return fig
