"""`Answerer.answer(parsed) -> Answer`: prepared SPARQL with bound values, retrieval for
topics, Vietnamese prose grouped by province and role, every item with its source line."""
from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from rdflib import URIRef

from ontology.folding import fold, fold_aligned
from ontology.lexicon import question_phrases
from kg.queries import query
from kg.store import GraphStore

from .catalog import Catalog, CatalogDocument, CatalogItem
from .phrasing import (KIND_VI, agent_name, change_text, deadline_text, document_label, interpretation, plan_reference, plural_noun,
                       role_label, role_text, vn_date, words, write_citation)
from .records import Answer, AnswerItem, Intent, ParsedQuestion, Source, Target
from .retriever import INDEXED_KINDS, HybridRetriever
from .passages import Passages
from .succession import Inheritance, Lineage
from .topics import TopicMatcher, term_share, terms

ANSWER_KIND = {"sub_item": "indicator"}
TEAM_ROLES = ("team_leader", "team_deputy", "team_member", "inspected")
MAX_LISTED = 60
MAX_AGENTS_EXPLAINED = 10  # what-happened answers explain this many agencies one by one


class Answerer:
    def __init__(self, store: GraphStore, catalog: Catalog, retriever: HybridRetriever, mode: str = "hybrid",
                 texts: "Callable[[str], list[str] | None] | None" = None, today: date | None = None):
        self.store = store
        self.catalog = catalog
        self.retriever = retriever
        self.mode = mode
        self._group_index: dict | None = None
        self._covering: dict[frozenset, list] = {}
        self._plan_references: dict[str, str] = {}
        self._families = self.families()
        self.topics = TopicMatcher(retriever)
        self._by_province: dict[str | None, list[str]] = defaultdict(list)
        for iri, item in catalog.items.items():
            self._by_province[item.province].append(iri)
        self.today = today or date.today()
        self.texts = texts  # file → its converted lines, for plan-level facts (None: not kept)
        self.passages = Passages(catalog, texts)
        self.lineage = Lineage(catalog)

    # ------------------------------------------------------------------ shared helpers
    def _item(self, item: CatalogItem, roles=(), via_group=False, score=None, predecessor=None) -> AnswerItem:
        agencies = tuple(f"{role_label(a.role)}: {a.agent_label}" for a in self.catalog.assignments.get(item.iri, ()))
        grounds = tuple(document_label(self.catalog.documents[d]) for d in item.grounds if d in self.catalog.documents)
        return AnswerItem(
            kind=ANSWER_KIND.get(item.kind, item.kind), label=item.text, province=item.province,
            roles=tuple(roles), via_group=via_group, source=self._source(item.file, item.line, item.quote),
            number=item.number, agencies=agencies, deadline=item.deadline, target=item.target,
            grounds=grounds, score=score, predecessor=predecessor,
        )

    def item_record(self, iri: str) -> AnswerItem:
        """One item of the graph as answers list it (a plan page lists a whole plan this way)."""
        return self._item(self.catalog.items[iri])

    def _doc_item(self, doc: CatalogDocument, citation: dict | None = None) -> AnswerItem:
        source = None
        if citation:
            source = self._source(citation["file"], citation["line"], citation["quote"])
        elif doc.citations:
            c = doc.citations[0]
            source = self._source(c["file"], c["line"], c["quote"])
        return AnswerItem(kind="document", label=document_label(doc),
                          province=doc.province if doc.scope == "local" or doc.is_plan else None, source=source)

    def _plan_reference(self, file: str) -> str:
        plan = self._plan_references.get(file)
        if plan is None:
            plan = self._plan_references[file] = plan_reference(self.catalog.plan_of_file(file), file)
        return plan

    def _citation(self, file: str, line: int) -> str:
        """The citation of one line of a file (`write_citation` of the plan the file holds)."""
        page, confidence = self.catalog.line_facts(file, line)
        return write_citation(self._plan_reference(file), line, page, confidence)

    def _source(self, file: str, line: int, quote: str) -> Source:
        return Source(file, line, quote, self.catalog.line_facts(file, line)[0], self._citation(file, line))

    def _cite(self, item: CatalogItem) -> str:
        return f"[{self._citation(item.file, item.line)}]"

    def _search(self, pq: ParsedQuestion, kinds=None, province=None, k=5):
        text = pq.topic or pq.question
        return self.retriever.search(text, kinds=kinds or INDEXED_KINDS, province=province, k=k, mode=self.mode)

    def _best_item(self, pq: ParsedQuestion, kinds=None) -> CatalogItem | None:
        """The item the question is about: the best match of its topic, among the items of the
        agencies it names when it names some."""
        kinds = kinds or (pq.kinds or ("indicator", "sub_item", "task", "duty"))
        if "task" in kinds and "duty" not in kinds:
            kinds = (*kinds, "duty")  # a nhiệm vụ asked about may be a duty of the implementation section
        if pq.agencies:
            agents = set(self._agents_for(pq))
            own = {a.item for agent in agents for a in self.catalog.assignments_of_agent(agent)}
            hits = [h for h in self._search(pq, kinds=kinds, province=pq.province, k=200) if h[0] in own]
            if hits:
                return self.catalog.items[hits[0][0]]
        hits = self._search(pq, kinds=kinds, province=pq.province, k=3)
        return self.catalog.items[hits[0][0]] if hits else None

    def _items_of_agent(self, agent: str) -> list[tuple[str, str]]:
        """(item, role) of one agency or group, from the catalog (the graph as last loaded)."""
        return [(a.item, a.role) for a in self.catalog.assignments_of_agent(agent)]

    @staticmethod
    def _empty(pq: ParsedQuestion, text: str, count: int | None = None) -> Answer:
        return Answer(question=pq.question, answer=text, count=count, items=(), intent=pq.intent)

    def _kind_ok(self, item: CatalogItem, kinds: tuple[str, ...], counting: bool = False) -> bool:
        """Whether an item is of the kinds asked for. A list of nhiệm vụ also shows the
        implementation section's duties (marked as such); a count of nhiệm vụ does not."""
        if kinds:
            return item.kind in kinds or (item.kind == "duty" and "task" in kinds and not counting)
        return item.kind != "info_item"

    # ------------------------------------------------------------------ dispatch
    def families(self) -> dict[Intent, "Callable[[ParsedQuestion], Answer]"]:
        """The answer family of every intent (a closed registry; a test checks it is complete)."""
        return {
            Intent.TEAM: self._answer_team, Intent.DOCUMENT_PROVINCES: self._answer_document_provinces,
            Intent.DOCUMENT_INFO: self._answer_document_info, Intent.DOCUMENT_CONTEXT: self._answer_document_context,
            Intent.DOCUMENT_ITEMS: self._answer_items, Intent.BASELINE: self._answer_baseline,
            Intent.COMPARE: self._answer_compare, Intent.PLAN_DOCUMENTS: self._answer_plan_documents,
            Intent.ITEM_GROUNDS: self._answer_item_grounds, Intent.UNKNOWN_AGENCY: self._answer_unknown_agency,
            Intent.UNKNOWN_DOCUMENT: self._answer_unknown_document,
            Intent.AGENCY_PROVINCES: self._answer_agency_provinces, Intent.ITEM_AGENCIES: self._answer_item_agencies,
            Intent.AGENCY_ITEMS: self._answer_items, Intent.DEADLINE_ITEMS: self._answer_items,
            Intent.ITEM_DETAILS: self._answer_item_details, Intent.LIST_ITEMS: self._answer_items,
            Intent.TOPIC_PROVINCES: self._answer_topic_provinces, Intent.AGENCY_RANKING: self._answer_agency_ranking,
            Intent.PLAN_FACT: self._answer_plan_fact, Intent.CLARIFY: self._answer_clarify,
            Intent.SUCCESSION: self._answer_succession, Intent.SEARCH: self._answer_search,
        }

    def answer(self, pq: ParsedQuestion) -> Answer:
        if not pq.question.strip():
            return self._empty(pq, "Vui lòng nhập câu hỏi, ví dụ: “Sở Y tế chủ trì những chỉ tiêu nào?”.")
        answer = self._families[pq.intent](pq)
        said = interpretation(pq, self.catalog)
        if pq.as_of or self._renamed(pq):
            said += f" · Tên gọi tính đến ngày {vn_date(self._as_of(pq).isoformat())}"
        return replace(answer, interpretation=said)

    # ------------------------------------------------------------------ the 2025 reorganisation
    def _as_of(self, pq: ParsedQuestion) -> date:
        return pq.as_of or self.today

    def _scope(self, pq: ParsedQuestion) -> tuple[str, ...]:
        """The provinces the question's province covers as of its date (a current province with
        the old ones merged into it)."""
        return self.lineage.province_scope(pq.province, self._as_of(pq)) if pq.province else ()

    def _renamed(self, pq: ParsedQuestion) -> bool:
        """Whether a name of the question means something else as of its date than in the plans."""
        as_of = self._as_of(pq)
        if pq.province and (len(self._scope(pq)) > 1 or self.lineage.province_change(pq.province, as_of)):
            return True
        return any(not self.lineage.is_current(a, as_of) or self.lineage.predecessors(a, as_of)
                   for a in self._agents_for(pq))

    def _notes(self, pq: ParsedQuestion, agents: list[str]) -> list[str]:
        """What the question's names are now: an old province's new one, an old agency's
        successors, transfers into a named agency that the sources confirm only in part."""
        as_of, notes = self._as_of(pq), []
        for province in dict.fromkeys((pq.province,) if pq.province else ()):
            change = self.lineage.province_change(province, as_of)
            if change is not None:
                notes.append(f"Tỉnh {province} nay thuộc tỉnh {change.new_province} "
                             f"({change_text(change, self.catalog, with_result=False)}).")
        carried = {i.agent for a in agents for i in self.lineage.predecessors(a, as_of)}
        for agent in agents:
            if not self.lineage.is_current(agent, as_of) and agent not in carried:
                now = self.lineage.successors(agent, as_of)
                if now:
                    notes.append(f"{agent_name(self.catalog, agent)} nay là: " + "; ".join(
                        f"{agent_name(self.catalog, iri)} — "
                        + " → ".join(change_text(c, self.catalog, with_result=False) for c in steps)
                        for iri, steps in now) + ".")
            for change in self.lineage.unapplied_into(agent, as_of):
                if not self.catalog.assignments_of_agent(change.original):
                    continue  # nothing of the plans is left out by it
                notes.append(f"Có nguồn cho biết {agent_name(self.catalog, change.original)} chuyển sang "
                             f"{change_text(change, self.catalog)}; thông tin này chưa được xác nhận đầy đủ nên "
                             f"các mục của chức năng đó không được tính ở đây.")
        return list(dict.fromkeys(notes))

    def _split_successors(self, change, text: str) -> list[str]:
        """The agencies an item of a split agency may have gone to: every successor of the same
        original whose functions (or remainder) the item's text names."""
        return [r for c in self.lineage.changes_from(change.original, change.rule.date)
                if c.rule.date == change.rule.date and self.lineage.moves(c, text) for r in c.results]

    def _inheritance_text(self, inheritance: Inheritance) -> str:
        """"Sở Thông tin và Truyền thông (Ninh Thuận) → Sở Khoa học và Công nghệ (Ninh Thuận) từ …"."""
        return f"{agent_name(self.catalog, inheritance.agent)} → " + " → ".join(
            change_text(c, self.catalog) for c in inheritance.steps)

    # ------------------------------------------------------------------ agency → items
    def _agents_for(self, pq: ParsedQuestion) -> list[str]:
        """The agencies and groups the question names, in its provinces. A group stands for every
        group of the plans covering at least what it covers ("UBND cấp huyện": "UBND các huyện,
        thành phố", "UBND cấp huyện, xã")."""
        scope = self._scope(pq)
        agents = []
        for match in pq.agencies:
            for iri in match.agents:
                agent = self.catalog.agents.get(iri)
                if agent is None:
                    continue
                if pq.province and agent.province and agent.province not in scope:
                    continue
                agents.append(iri)
                if agent.group and agent.covers:
                    agents += [g.iri for g in self._groups_with(agent.covers)
                               if not pq.province or g.province in scope]
        return sorted(set(agents))

    def _groups_with(self, covers: set[str]) -> list:
        """The groups covering at least `covers` (an index over the catalog's groups, built once)."""
        key = frozenset(covers)
        if key not in self._covering:
            self._covering[key] = [g for g in self.catalog.agents.values() if g.group and g.covers and key <= g.covers]
        return self._covering[key]

    def _groups_covering(self, province: str | None, category: str) -> list:
        if self._group_index is None:
            index: dict[tuple, list] = defaultdict(list)
            for group in self.catalog.agents.values():
                if group.group:
                    for cat in group.covers:
                        index[(group.province, cat)].append(group)
            self._group_index = index
        return self._group_index.get((province, category), [])

    def _collect_agency_items(self, pq: ParsedQuestion):
        """(the agencies named, their items → roles, items reached through a group → (roles,
        group), items carried on from a predecessor → (inheritance, whether it cannot be told))."""
        agents = self._agents_for(pq)
        roles = set(pq.roles) or None
        as_of = self._as_of(pq)
        inherited = [i for agent in agents for i in self.lineage.predecessors(agent, as_of)]
        direct: "OrderedDict[str, set[str]]" = OrderedDict()
        origins: dict[str, tuple[Inheritance, bool]] = {}

        def wanted(item_iri: str, role: str):
            item = self.catalog.items.get(item_iri)
            if item is None or not self._kind_ok(item, pq.kinds, pq.wants_count):
                return None
            if roles and role not in roles:
                return None
            if not roles and role in TEAM_ROLES and pq.kinds:
                return None
            return item

        for item_iri, role in (pair for agent in agents for pair in self._items_of_agent(agent)):
            if wanted(item_iri, role) is not None:
                direct.setdefault(item_iri, set()).add(role)
        own = set(direct)
        for inheritance in inherited:
            for item_iri, role in self._items_of_agent(inheritance.agent):
                item = wanted(item_iri, role)
                if item is None:
                    continue
                carried, unsure = self.lineage.carries(inheritance, item.text)
                if not carried:
                    continue
                if unsure and item_iri not in own:  # said in the answer, not counted as the agency's
                    origins.setdefault(item_iri, (inheritance, True))
                    continue
                direct.setdefault(item_iri, set()).add(role)
                if item_iri not in own:
                    origins[item_iri] = (inheritance, False)
        via: "OrderedDict[str, tuple[set[str], str]]" = OrderedDict()
        groups = {}
        for agent_iri in agents + [i.agent for i in inherited]:
            agent = self.catalog.agents[agent_iri]
            if agent.group or not agent.category:
                continue
            for group in self._groups_covering(agent.province, agent.category):
                groups[group.iri] = group
        for group in groups.values():
            for item_iri, role in self._items_of_agent(group.iri):
                item = self.catalog.items.get(item_iri)
                if item is None or item_iri in direct or not self._kind_ok(item, pq.kinds, pq.wants_count):
                    continue
                if roles and role not in roles:
                    continue
                entry = via.setdefault(item_iri, (set(), group.label))
                entry[0].add(role)
        return agents, direct, via, origins

    def _answer_agency_provinces(self, pq: ParsedQuestion) -> Answer:
        agents, direct, _, _ = self._collect_agency_items(pq)
        name = pq.agencies[0].label if pq.agencies else "Cơ quan"
        relevant = direct
        if pq.topic:
            hits = dict(self.retriever.search(pq.topic, kinds=INDEXED_KINDS, k=60, mode=self.mode))
            relevant = OrderedDict((i, r) for i, r in direct.items() if hits.get(i, 0.0) >= 0.6)
        if not relevant:
            return self._empty(pq, f"Không tỉnh nào giao {name} {pq.role_phrase or ''} {pq.topic}".strip() + ".", 0)
        items = [self._item(self.catalog.items[i], [role_label(r) for r in sorted(rs)]) for i, rs in relevant.items()]
        provinces = sorted({it.province for it in items if it.province})
        prov_items = [AnswerItem(kind="province", label=p, province=p,
                                 source=next(it.source for it in items if it.province == p)) for p in provinces]
        lines = [f"{len(provinces)} tỉnh giao {name} {pq.role_phrase or 'phụ trách'}"
                 f"{' ' + pq.topic if pq.topic else ''}: {', '.join(provinces)}."]
        for it in items:
            lines.append(f"• {it.province}: {it.number}. {it.label} [{it.source.citation}]")
        return Answer(pq.question, "\n".join(lines), len(provinces), tuple(prov_items + items), pq.intent)

    # ------------------------------------------------------------------ item → agencies
    def _answer_item_agencies(self, pq: ParsedQuestion) -> Answer:
        if not pq.topic:
            return self._empty(pq, "Câu hỏi chưa nêu chỉ tiêu hay nhiệm vụ cụ thể; hãy ghi rõ nội dung chỉ tiêu.")
        item = self._best_item(pq)
        if item is None:
            return self._empty(pq, "Không tìm thấy chỉ tiêu hay nhiệm vụ nào khớp với câu hỏi.")
        roles = set(pq.roles) - set(TEAM_ROLES) or None
        assignments = self.catalog.assignments.get(item.iri, [])
        chosen = [a for a in assignments if roles is None or a.role in roles]
        where = f" ({item.province})" if item.province else ""
        if not chosen:
            others = "; ".join(f"{role_label(a.role)}: {a.agent_label}" for a in assignments) or "không có"
            return Answer(pq.question, f"{KIND_VI.get(item.kind, 'Mục').capitalize()} gần nhất{where}: "
                                       f"“{item.text}” {self._cite(item)} không ghi cơ quan "
                                       f"{', '.join(role_label(r) for r in roles or [])}. Phân công: {others}.",
                          0, (self._item(item),), pq.intent)
        by_agent: "OrderedDict[str, list]" = OrderedDict()
        for a in chosen:
            by_agent.setdefault(a.agent, []).append(a)
        out = []
        for agent_iri, rows in by_agent.items():
            agent = self.catalog.agents.get(agent_iri)
            out.append(AnswerItem(kind="agency", label=rows[0].agent_label,
                                  province=(agent.province if agent else None) or item.province,
                                  roles=tuple(dict.fromkeys(role_label(r.role) for r in rows)),
                                  source=self._source(item.file, rows[0].line, rows[0].quote),
                                  group=bool(agent and agent.group)))
        by_role: "OrderedDict[str, list[str]]" = OrderedDict()
        for a in chosen:
            by_role.setdefault(role_label(a.role), []).append(a.agent_label)
        parts = "; ".join(f"{r}: {', '.join(dict.fromkeys(names))}" for r, names in by_role.items())
        text = (f"{KIND_VI.get(item.kind, 'Mục').capitalize()} {item.number}{where} “{item.text}” — {parts}. "
                f"Nguồn: {self._cite(item)}.")
        return Answer(pq.question, text, len(out), tuple(out + [self._item(item)]), pq.intent)

    # ------------------------------------------------------------------ grounds
    def _cited_for(self, pq: ParsedQuestion) -> tuple[float, CatalogDocument, dict] | None:
        """The document whose citing sentence best matches the topic ("đề án … được phê duyệt bằng
        quyết định nào": the decision named beside the đề án), by the share of the topic's terms."""
        wanted = {t for t in terms(pq.topic) if t in self.topics.idf}
        if not wanted:
            return None
        best = None
        for doc in self.catalog.documents.values():
            if doc.is_plan or (pq.doc_type_asked and doc.type_label != pq.doc_type_asked):
                continue
            for c in doc.citations:
                if pq.province and self.catalog.plan_province.get(c["plan"]) != pq.province:
                    continue
                score = term_share(wanted, terms(c["quote"]), self.topics.idf)
                if best is None or score > best[0]:
                    best = (score, doc, c)
        return best

    def _answer_item_grounds(self, pq: ParsedQuestion) -> Answer:
        item = self._best_item(pq)
        cited = self._cited_for(pq) if pq.topic else None
        item_score = self.topics.score(pq.topic, item.iri) if item and pq.topic else 0.0
        item_has_grounds = bool(item and (item.grounds or (item.parent and item.parent in self.catalog.items
                                                          and self.catalog.items[item.parent].grounds)))
        if cited and cited[0] >= 0.5 and (not item_has_grounds or cited[0] > item_score):
            _score, doc, c = cited
            text = (f"{document_label(doc)} — được nêu tại: “{c['quote'].strip()[:300]}” "
                    f"[{self._citation(c['file'], c['line'])}].")
            return Answer(pq.question, text, 1, (self._doc_item(doc, c),), pq.intent)
        if item is None:
            return self._empty(pq, "Không tìm thấy chỉ tiêu nào khớp với câu hỏi.")
        docs = list(item.grounds)
        if not docs and item.parent and item.parent in self.catalog.items:
            docs = list(self.catalog.items[item.parent].grounds)
        plan = self.catalog.documents.get(item.plan)
        out = [self._doc_item(self.catalog.documents[d]) for d in docs if d in self.catalog.documents]
        where = f" ({item.province})" if item.province else ""
        if out:
            text = (f"{KIND_VI.get(item.kind, 'Mục').capitalize()} {item.number}{where} “{item.text}” "
                    f"{self._cite(item)} căn cứ: " + "; ".join(o.label for o in out) + ".")
            if plan:
                text += f" Mục này thuộc {document_label(plan)}."
        else:
            text = (f"{KIND_VI.get(item.kind, 'Mục').capitalize()} {item.number}{where} “{item.text}” "
                    f"{self._cite(item)} không dẫn văn bản riêng; nó thuộc "
                    f"{document_label(plan) if plan else 'kế hoạch đã nạp'}.")
            if plan:
                out.append(self._doc_item(plan, {"file": item.file, "line": item.line, "quote": item.quote}))
        return Answer(pq.question, text, len(out), tuple(out + [self._item(item)]), pq.intent)

    def _docs(self, pq: ParsedQuestion) -> list[CatalogDocument]:
        docs = []
        for match in pq.documents:
            candidates = [self.catalog.documents[d] for d in match.docs if d in self.catalog.documents]
            if pq.province:
                local = [d for d in candidates if d.province == pq.province or d.scope == "national"]
                candidates = local or candidates
            docs += candidates
        return docs

    def _answer_document_provinces(self, pq: ParsedQuestion) -> Answer:
        docs = self._docs(pq)
        provinces: "OrderedDict[str, dict]" = OrderedDict()
        for doc in docs:
            for r in self.store.select(query("plans_citing"), {"doc": URIRef(doc.iri)}):
                prov = str(r["provinceLabel"]) if r["provinceLabel"] else None
                if prov and prov not in provinces:
                    cite = next((c for c in doc.citations if c["plan"] == str(r["plan"])), None)
                    provinces[prov] = cite
        names = "; ".join(document_label(d) for d in docs)
        if not provinces:
            return self._empty(pq, f"Không kế hoạch nào đã nạp viện dẫn {names}.", 0)
        items = [AnswerItem(kind="province", label=p, province=p,
                            source=self._source(c["file"], c["line"], c["quote"]) if c else None)
                 for p, c in provinces.items()]
        lines = [f"{names} được viện dẫn bởi {len(items)} tỉnh: {', '.join(provinces)}."]
        for p, c in provinces.items():
            if c:
                lines.append(f"• {p}: “{c['quote'].strip()[:200]}” [{self._citation(c['file'], c['line'])}]")
        return Answer(pq.question, "\n".join(lines), len(items), tuple(items), pq.intent)

    def _answer_document_info(self, pq: ParsedQuestion) -> Answer:
        docs = self._docs(pq)
        if not docs:
            return self._answer_unknown_document(pq)
        lines, items = [], []
        for doc in docs:
            owner = (f"của tỉnh {doc.province}" if doc.province and (doc.scope == "local" or doc.is_plan)
                     else "văn bản trung ương")
            body = f" ({doc.issuing_body})" if doc.issuing_body else ""
            when = f", ban hành ngày {vn_date(doc.date)}" if doc.date else ", văn bản không ghi ngày ban hành"
            cited = sorted({self._plan_reference(c["file"]) for c in doc.citations})
            via = f"; được dẫn trong {', '.join(cited)}" if cited else ""
            lines.append(f"{document_label(doc)}: {owner}{body}{when}{via}.")
            for c in doc.citations[:2]:  # the citing sentence says what the document is for
                lines.append(f"• “{_around(c['quote'], doc.id_local)}” [{self._citation(c['file'], c['line'])}]")
            grounded = [c for c in self.lineage.rules_on(doc.iri) if c.comment]
            if grounded:  # a basis of the 2025 reorganisation: what it decided
                lines.append("Là căn cứ của việc sắp xếp bộ máy năm 2025: "
                             + " ".join(dict.fromkeys(r.comment for r in grounded)))
            items.append(self._doc_item(doc))
        return Answer(pq.question, "\n".join(lines), len(items), tuple(items), pq.intent)

    def _answer_document_context(self, pq: ParsedQuestion) -> Answer:
        docs = self._docs(pq)
        if not docs:
            return self._answer_unknown_document(pq)
        lines, items = [], []
        for doc in docs:
            lines.append(f"{document_label(doc)} được nhắc đến trong:")
            for c in doc.citations[:10]:
                lines.append(f"• “{c['quote'].strip().lstrip('-+ ')}” [{self._citation(c['file'], c['line'])}]")
                items.append(self._doc_item(doc, c))
            for r in self.store.select(query("items_grounded_in"), {"doc": URIRef(doc.iri)}):
                item = self.catalog.items.get(str(r["item"]))
                if item:
                    items.append(self._item(item))
                    lines.append(f"• {KIND_VI.get(item.kind, 'mục')} {item.number}: {item.text} {self._cite(item)}")
        return Answer(pq.question, "\n".join(lines), len(items), tuple(items), pq.intent)

    def _answer_unknown_document(self, pq: ParsedQuestion) -> Answer:
        name = pq.unknown_document or "văn bản này"
        return self._empty(pq, f"Không tìm thấy {name} trong các kế hoạch đã nạp.", 0)

    def _answer_plan_documents(self, pq: ParsedQuestion) -> Answer:
        plans = [d for d in self.catalog.documents.values() if d.is_plan and
                 (not pq.province or d.province == pq.province)]
        items, lines = [], []
        for doc in self.catalog.documents.values():
            if doc.is_plan:
                continue
            cites = [c for c in doc.citations if any(c["plan"] == p.iri for p in plans)]
            if not cites:
                continue
            if pq.doc_type_asked and doc.type_label != pq.doc_type_asked:
                continue
            if pq.issuer_asked and doc.issuer != pq.issuer_asked:
                continue
            items.append(self._doc_item(doc, cites[0]))
            lines.append(f"• {document_label(doc)} — “{cites[0]['quote'].strip()[:160]}” "
                         f"[{self._citation(cites[0]['file'], cites[0]['line'])}]")
        where = f" của {pq.province}" if pq.province else ""
        if not items:
            return self._empty(pq, f"Kế hoạch{where} không viện dẫn văn bản nào như câu hỏi nêu.", 0)
        head = f"Kế hoạch{where} viện dẫn {len(items)} văn bản" + \
            (f" loại {pq.doc_type_asked}" if pq.doc_type_asked else "") + ":"
        return Answer(pq.question, "\n".join([head] + lines), len(items), tuple(items), pq.intent)

    # ------------------------------------------------------------------ items under any filters
    def _deadline_ok(self, item: CatalogItem, deadline: tuple) -> bool:
        """Whether an item's deadline falls under the asked one. A deadline "trước 01/6/2024" ends
        on 31/5/2024; "năm 2023 và các năm tiếp theo" is asked as ("from", "2023")."""
        kind, a, b = deadline
        if kind == "continuous":
            return item.deadline_kind == "continuous" or bool(item.deadline and "thuong xuyen" in fold(item.deadline))
        if kind == "from":
            return item.deadline_kind == "from_year" and bool(item.begin) and item.begin[:4] == a
        end = item.due()
        if kind == "overdue":
            return end is not None and end < self.today and item.deadline_kind not in ("from_year", "continuous",
                                                                                         "recurring")
        if end is None:
            return False
        if kind == "range":
            return a <= end.isoformat() <= b
        if kind == "before":
            return end.isoformat() <= b
        if kind == "after":
            return end.isoformat() >= a
        if kind == "quarter":
            months = range(3 * int(a) - 2, 3 * int(a) + 1)
            return end.month in months and (not b or end.year == int(b)) and \
                item.deadline_kind in ("quarter", "month", "date")
        return False

    def _grounded_in(self, docs: list[CatalogDocument]) -> set[str]:
        found: set[str] = set()
        for doc in docs:
            found |= {str(r["item"]) for r in self.store.select(query("items_grounded_in"), {"doc": URIRef(doc.iri)})}
        return found

    def _select(self, pq: ParsedQuestion):
        """Every item that passes all the frame's filters: (direct: item → roles matched,
        via: item → (roles, group) reached only through a collective assignment, agents)."""
        counting = pq.wants_count
        scope = set(self._scope(pq))
        parts_apart = False  # sub-items stand for themselves only where their indicator does not pass
        origins: dict[str, tuple[Inheritance, bool]] = {}
        if pq.agencies:
            agents, direct, via, origins = self._collect_agency_items(pq)
        else:
            agents, via = [], OrderedDict()
            kinds = pq.kinds or ("indicator", "task")
            if "indicator" in kinds:  # counted like `dtikg stats`: sub-items apart, unless their parent fails
                kinds = tuple(k for k in kinds if k != "sub_item")
                parts_apart = True
            # Narrowed first by what is indexed: the province's items, the items holding the topic's
            # key terms (a scan of every item costs tens of milliseconds at 50×).
            pool = [i for p in sorted(scope) for i in self._by_province.get(p, ())] if pq.province \
                else self.catalog.items.keys()
            topic = self._topic_filter(pq)
            holding = self.topics.holding(topic) if topic else None
            if holding is not None:
                pool = [iri for iri in pool if iri in holding]
            items = self.catalog.items
            direct = OrderedDict((iri, set()) for iri in pool
                                 if self._kind_ok(items[iri], kinds, counting) and items[iri].kind not in
                                 ("team", "info_item") or (items[iri].kind == "info_item" and "info_item" in kinds)
                                 or (parts_apart and items[iri].kind == "sub_item"))
        excluded = {iri for m in pq.excluded for iri in m.agents}
        docs = self._docs(pq)
        grounded = self._grounded_in(docs) if docs else None
        plans = {d.iri for d in docs if d.is_plan}

        def keep(iri: str) -> bool:
            item = self.catalog.items.get(iri)
            if item is None:
                return False
            if pq.province and item.province not in scope:
                return False
            if pq.deadline and not self._deadline_ok(item, pq.deadline):
                return False
            if grounded is not None and iri not in grounded and item.plan not in plans:
                return False
            if pq.pillar and item.pillar != pq.pillar:
                return False
            if pq.part and pq.part not in item.parts:
                return False
            assignments = self.catalog.assignments.get(iri, ())
            if pq.lacks_roles and any(a.role in pq.lacks_roles for a in assignments):
                return False
            if excluded and any(a.agent in excluded and (not pq.roles or a.role in pq.roles) for a in assignments):
                return False
            if pq.about and f" {pq.about} " not in f" {words(item.text)} ":
                return False
            return True

        direct = OrderedDict((i, r) for i, r in direct.items() if keep(i))
        if parts_apart:  # a sub-item answers only where its indicator does not ("theo Công văn 2224": 9.1 LGSP)
            direct = OrderedDict((i, r) for i, r in direct.items() if self.catalog.items[i].kind != "sub_item"
                                 or self.catalog.items[i].parent not in direct)
        via = OrderedDict((i, r) for i, r in via.items() if keep(i))
        undecided = [i for i, (_, unsure) in origins.items() if unsure and i not in direct and keep(i)]
        topic = self._topic_filter(pq)
        if topic:
            members = self.topics.members(topic, list(direct) + list(via) + undecided)
            direct = OrderedDict((i, r) for i, r in direct.items() if i in members)
            via = OrderedDict((i, r) for i, r in via.items() if i in members)
            undecided = [i for i in undecided if i in members]
        order = lambda kv: (self.catalog.items[kv[0]].province or "", self.catalog.items[kv[0]].file,  # noqa: E731
                            self.catalog.items[kv[0]].line)
        # Items carried on from a predecessor: the counted ones, and those whose function cannot be
        # told (flagged True), which the answer names apart.
        origins = {i: o for i, o in origins.items() if i in direct or i in undecided}
        return OrderedDict(sorted(direct.items(), key=order)), OrderedDict(sorted(via.items(), key=order)), agents, \
            origins

    @staticmethod
    def _topic_filter(pq: ParsedQuestion) -> str:
        """The topic the items must be about, if the frame has one beyond its other slots."""
        if pq.about or pq.part or not pq.topic or not pq.topic_cued:
            return ""  # a part named by its heading is the filter, not the heading's words
        return pq.topic

    def _scope_text(self, pq: ParsedQuestion) -> str:
        lacking = ", ".join(dict.fromkeys(role_label(r) for r in pq.lacks_roles[:1]))
        docs = self._docs(pq)
        parts = (f"của {pq.province}" if pq.province and not pq.agencies else "",
                 f"thuộc trụ cột {pq.pillar}" if pq.pillar else "",
                 f"thuộc phần “{pq.part}”" if pq.part else "",
                 f"theo {'; '.join(document_label(d) for d in docs)}" if docs else "",
                 f"có thời hạn {deadline_text(pq.deadline)}" if pq.deadline else "",
                 f"không có cơ quan {lacking}" if lacking else "",
                 f"có nội dung “{pq.topic}”" if pq.about else "",
                 f"về “{pq.topic}”" if self._topic_filter(pq) else "",
                 f"(không kể {', '.join(m.label for m in pq.excluded)})" if pq.excluded else "")
        return " ".join(p for p in parts if p)

    def _answer_items(self, pq: ParsedQuestion) -> Answer:
        """Items under any combination of filters: agency and role, province, kind, deadline,
        document, pillar, roles lacking, topic; listed, counted or answered yes/no."""
        direct, via, agents, origins = self._select(pq)
        noun = plural_noun(pq.kinds)
        scope = self._scope_text(pq)
        if pq.agencies and not agents:
            where = f" ở {pq.province}" if pq.province else ""
            return self._empty(pq, f"Không tìm thấy {pq.agencies[0].label}{where} trong các kế hoạch đã nạp.", 0)
        items = [self._item(self.catalog.items[i], [role_label(r) for r in sorted(rs)],
                            predecessor=agent_name(self.catalog, origins[i][0].agent) if i in origins else None)
                 for i, rs in direct.items()]
        via_items = [self._item(self.catalog.items[i], [role_label(r) for r in sorted(rs)], via_group=True)
                     for i, (rs, _g) in via.items()]
        notes = self._notes(pq, agents)
        undecided = [i for i, (_, unsure) in origins.items() if unsure and i not in direct]
        if undecided:
            lines_undecided = [f"Không tách được thuộc chức năng nào nên không tính ở trên ({len(undecided)} mục: "
                               "nội dung nêu chức năng của hơn một cơ quan tiếp nhận):"]
            for iri in undecided:
                item, inheritance = self.catalog.items[iri], origins[iri][0]
                successors = sorted({agent_name(self.catalog, r) for c in inheritance.steps[:1]
                                     for r in self._split_successors(c, item.text)})
                lines_undecided.append(f"  – {item.number}. {item.text} — kế hoạch giao cho "
                                       f"{agent_name(self.catalog, inheritance.agent)}; có thể thuộc "
                                       f"{' hoặc '.join(successors)} {self._cite(item)}")
            notes = lines_undecided + notes
        count = len(items)
        provinces = sorted({it.province or "" for it in items})
        if pq.agencies:
            name = ", ".join(dict.fromkeys(a.label for a in pq.agencies if set(a.agents) & set(agents)))
            where = f" ở {pq.province}" if pq.province else ""
            subject = f"{name}{where} {role_text(pq.roles)}"
            head = f"{name} {role_text(pq.roles)} {count} {noun}" + \
                (f" ở {len(provinces)} tỉnh" if len(provinces) > 1 else where)
            if scope:
                head += f" {scope}"
        else:
            subject = None
            head = f"Có {count} {noun} {scope}".strip() + (f" ở {len(provinces)} tỉnh" if len(provinces) > 1 else "")
        if not items and not via_items:
            text = (f"{subject} {noun} nào {scope}".replace("  ", " ").strip() if subject else
                    f"{noun} nào {scope}".strip())
            text = f"Không: {text} không có trong các kế hoạch đã nạp." if pq.yes_no and subject else \
                f"Không có {text} trong các kế hoạch đã nạp." if not subject else \
                f"{subject} không được giao {noun} nào {scope}".replace("  ", " ").strip() + \
                " trong các kế hoạch đã nạp."
            text = ("Không. " if pq.yes_no and not text.startswith("Không:") else "") + text
            return self._empty(pq, "\n".join([text, *notes]), 0)
        if any(i in direct for i in origins):
            head += f" (tính đến ngày {vn_date(self._as_of(pq).isoformat())}, kể cả phần việc của các cơ quan tiền thân)"
        lines = [("Có. " if pq.yes_no else "") + head + (":" if items else ".")]
        # Own items by province; items carried on from a predecessor under the changes that led here.
        sections: "OrderedDict[str, list[tuple[str, AnswerItem]]]" = OrderedDict()
        as_of = self._as_of(pq)
        for iri, it in zip(direct, items):
            if iri in origins:
                inheritance = origins[iri][0]
                plan = self._plan_reference(self.catalog.items[iri].file)
                key = f"{self._inheritance_text(inheritance)} — do {agent_name(self.catalog, inheritance.agent)} " \
                      f"{role_text(pq.roles) if pq.roles else 'phụ trách'} trong {plan}"
            else:
                change = self.lineage.province_change(it.province, as_of)
                key = f"{it.province or 'Không rõ tỉnh'}" + (f" (nay thuộc tỉnh {change.new_province})"
                                                           if change else "")
            sections.setdefault(key, []).append((iri, it))
        shown = 0
        inherited_keys = {k for k, rows in sections.items() if rows[0][0] in origins}
        for key in sorted(sections, key=lambda k: (k in inherited_keys, k)):
            lines.append(f"• {key}:")
            for iri, it in sections[key]:
                if shown >= MAX_LISTED:
                    break
                shown += 1
                roles = f"[{', '.join(it.roles)}] " if it.roles else ""
                due = f" — hạn: {it.deadline}" if pq.deadline and it.deadline else ""
                lines.append(f"  – {roles}{it.number}. {it.label}{due} [{it.source.citation}]")
        if len(items) > MAX_LISTED:
            lines.append(f"… và {len(items) - MAX_LISTED} mục nữa (xem bảng kết quả).")
        if via_items:
            groups = sorted({g for _, (_, g) in via.items()})
            who = pq.agencies[0].label if pq.agencies else "cơ quan này"
            lines.append(f"Ngoài ra {len(via_items)} {noun} được giao chung cho nhóm cơ quan "
                         f"({'; '.join(groups[:3])}) mà {who} thuộc về.")
        lines += notes
        return Answer(pq.question, "\n".join(lines), count, tuple(items + via_items), pq.intent)

    def _answer_topic_provinces(self, pq: ParsedQuestion) -> Answer:
        """Which provinces have items about a topic (and the other filters), each with its items."""
        direct, _via, _, _ = self._select(pq)
        noun = plural_noun(pq.kinds)
        scope = self._scope_text(pq)
        items = [self._item(self.catalog.items[i]) for i in direct]
        provinces = sorted({it.province for it in items if it.province})
        if not provinces:
            return self._empty(pq, f"Không tỉnh nào có {noun} {scope} trong các kế hoạch đã nạp.".replace("  ", " "), 0)
        prov_items = [AnswerItem(kind="province", label=p, province=p,
                                 source=next(it.source for it in items if it.province == p)) for p in provinces]
        lines = [("Có. " if pq.yes_no else "") + f"{len(provinces)} tỉnh có {noun} {scope}: {', '.join(provinces)}."]
        for it in items[:MAX_LISTED]:
            lines.append(f"• {it.province}: {it.number}. {it.label} [{it.source.citation}]")
        return Answer(pq.question, "\n".join(lines), len(provinces), tuple(prov_items + items), pq.intent)

    def _answer_agency_ranking(self, pq: ParsedQuestion) -> Answer:
        """The agencies with the most (or fewest) items in the asked roles, among the filtered items."""
        direct, _via, _, _ = self._select(replace(pq, roles=()))
        roles = set(pq.roles) - set(TEAM_ROLES) or {"lead"}
        per_agent: dict[str, list[str]] = defaultdict(list)
        for iri in direct:
            for a in {(a.agent, a.role) for a in self.catalog.assignments.get(iri, ()) if a.role in roles}:
                agent = self.catalog.agents.get(a[0])
                if agent is not None and not agent.group:
                    per_agent[a[0]].append(iri)
        if not per_agent:
            return self._empty(pq, f"Không có cơ quan nào {role_text(tuple(roles))} {plural_noun(pq.kinds)} "
                                   f"{self._scope_text(pq)}.".replace("  ", " "), 0)
        pick = max if pq.superlative != "min" else min
        best = pick(len(v) for v in per_agent.values())
        winners = sorted((a for a, v in per_agent.items() if len(v) == best),
                         key=lambda a: self.catalog.agents[a].label)
        ranking = sorted(per_agent.items(), key=lambda kv: (-len(kv[1]), self.catalog.agents[kv[0]].label))
        word = "nhiều nhất" if pick is max else "ít nhất"
        noun = plural_noun(pq.kinds)
        lines = [f"{', '.join(self.catalog.agents[a].label + (f' ({self.catalog.agents[a].province})' if self.catalog.agents[a].province and not pq.province else '') for a in winners)} "
                 f"{role_text(tuple(sorted(roles)))} {word}: {best} {noun} {self._scope_text(pq)}".strip() + "."]
        lines.append("Xếp hạng:")
        out = []
        for agent_iri, iris in ranking[:10]:
            agent = self.catalog.agents[agent_iri]
            where = f" ({agent.province})" if agent.province and not pq.province else ""
            lines.append(f"• {agent.label}{where}: {len(iris)} {noun}")
        for agent_iri in winners:
            agent = self.catalog.agents[agent_iri]
            first = self.catalog.items[per_agent[agent_iri][0]]
            out.append(AnswerItem(kind="agency", label=agent.label, province=agent.province,
                                  roles=tuple(role_label(r) for r in sorted(roles)),
                                  source=self._source(first.file, first.line, first.quote)))
        items = [self._item(self.catalog.items[i]) for a in winners for i in per_agent[a]]
        return Answer(pq.question, "\n".join(lines), best, tuple(out + items), pq.intent)

    # ------------------------------------------------------------------ comparison
    def _answer_compare(self, pq: ParsedQuestion) -> Answer:
        hits = self._search(pq, kinds=("indicator", "sub_item"), province=pq.province, k=5)
        if not hits:
            return self._empty(pq, "Không tìm thấy chỉ tiêu nào để so sánh.")
        best = self.catalog.items[hits[0][0]]
        members: list[CatalogItem] = []
        if best.concept:
            rows = self.store.select(query("concept_members"), {"concept": URIRef(best.concept)})
            members = [self.catalog.items[str(r["item"])] for r in rows if str(r["item"]) in self.catalog.items]
        # A province's counterpart is its concept member, else its indicator closest to the topic;
        # either is kept only when it is about the topic (the calibrated threshold), so a loose
        # concept link or a province without such an indicator adds nothing.
        topic = pq.topic or best.text
        about = self.topics.members(topic, [i.iri for i in self.catalog.items.values()
                                            if i.kind in ("indicator", "sub_item")])
        by_province = {m.province: m for m in members if m.iri in about}
        for iri, score in sorted(about.items(), key=lambda kv: -kv[1]):
            item = self.catalog.items[iri]
            if item.province not in by_province:
                by_province[item.province] = item
        by_province.setdefault(best.province, best)
        members = sorted(by_province.values(), key=lambda i: (i.province or "", i.line))
        lines = [f"So sánh chỉ tiêu “{best.text}” giữa {len({m.province for m in members})} tỉnh:"]
        for m in members:
            target = m.target or "không ghi giá trị"
            lines.append(f"• {m.province}: {m.text} — mục tiêu: {target} {self._cite(m)}")
        if pq.superlative:
            numeric = [m for m in members if m.target_value is not None]
            if numeric:
                pick = max if pq.superlative == "max" else min
                value = pick(m.target_value for m in numeric)
                winners = [m for m in numeric if m.target_value == value]
                word = "cao nhất" if pq.superlative == "max" else "thấp nhất"
                shown = f"{value:g}".replace(".", ",")
                lines.insert(0, f"{', '.join(w.province for w in winners)} đặt mức {word}: "
                                f"{winners[0].target} ({shown}{winners[0].target_unit or ''}).")
        if len(members) == 1:
            lines.append("Chưa thấy tỉnh khác có chỉ tiêu cùng nội dung.")
        return Answer(pq.question, "\n".join(lines), len(members), tuple(self._item(m) for m in members), pq.intent)

    # ------------------------------------------------------------------ one item, all its facts
    def _answer_item_details(self, pq: ParsedQuestion) -> Answer:
        item = self._best_item(pq)
        if item is None:
            return self._empty(pq, "Không tìm thấy chỉ tiêu hay nhiệm vụ nào khớp với câu hỏi.")
        parts = [f"{KIND_VI.get(item.kind, 'Mục').capitalize()} {item.number}"
                 f"{f' ({item.province})' if item.province else ''}: “{item.text}” {self._cite(item)}."]
        parts.append(f"Mục tiêu: {item.target}." if item.target else "Văn bản không ghi giá trị mục tiêu riêng.")
        parts.append(f"Thời hạn: {item.deadline}." if item.deadline else "Văn bản không ghi thời hạn.")
        by_role: "OrderedDict[str, list[str]]" = OrderedDict()
        for a in self.catalog.assignments.get(item.iri, ()):
            by_role.setdefault(role_label(a.role), []).append(a.agent_label)
        if by_role:
            parts.append("Phân công: " + "; ".join(f"{r}: {', '.join(n)}" for r, n in by_role.items()) + ".")
        if item.baselines:
            parts.append("Kết quả năm trước: " + "; ".join(b["raw"] for b in item.baselines) + ".")
        grounds = [document_label(self.catalog.documents[d]) for d in item.grounds if d in self.catalog.documents]
        if grounds:
            parts.append("Căn cứ: " + "; ".join(grounds) + ".")
        items = [self._item(item)]
        # The value asked for may be stated in the plan's text beside the item rather than in it
        # ("… đạt tối thiểu 1.000 doanh nghiệp" in a task's body): quote the best such clause.
        if pq.topic and pq.target in (Target.VALUE, Target.DEADLINE):
            shape = r"\d" if pq.target is Target.VALUE else r"\d{1,2}/\d{1,2}|tháng|quý|năm \d{4}|ngày"
            own = self.topics.score(pq.topic, item.iri)
            for h in self.passages.search(pq.topic, province=item.province, shape=shape, k=1):
                if h.line != item.line and h.score - 0.25 >= max(0.5, own - 0.1) and re.search(shape, h.text):
                    parts.append(f"Văn bản còn nêu: “{h.text}” [{self._citation(h.file, h.line)}].")
                    items.append(AnswerItem(kind="passage", label=h.text, province=item.province,
                                            source=self._source(h.file, h.line, h.text), score=h.score))
        return Answer(pq.question, " ".join(parts), 1, tuple(items), pq.intent)

    # ------------------------------------------------------------------ plan-level facts
    # The shape of the value a fact question asks for: a rank "30/63", a score "6,75/20 điểm".
    _FACT_SHAPES = ((question_phrases("rank"), r"\b\d{1,2}\s*/\s*\d{2}\b|thứ\s+\d+"),
                    (question_phrases("score") + "|diem", r"\d+[.,]\d+\s*(?:/\s*\d+\s*)?điểm|\d+\s*điểm"))

    def _answer_plan_fact(self, pq: ParsedQuestion) -> Answer:
        """A fact the plan states outside its items (rank, score, signer): the best clause of its text."""
        folded = " " + words(pq.question) + " "
        shape = next((s for cue, s in self._FACT_SHAPES if re.search(rf" (?:{cue}) ", folded)), None)
        query_text = " ".join(x for x in (pq.topic, pq.pillar or "") if x) or pq.question
        hits = self.passages.search(query_text, province=pq.province, shape=shape, k=3)
        if not hits:
            return self._empty(pq, "Không tìm thấy đoạn nào của các kế hoạch đã nạp nêu thông tin này"
                                   + ("" if self.texts else " (kho không lưu văn bản gốc)") + ".")
        best = hits[0]
        items = [AnswerItem(kind="passage", label=h.text, province=(self.catalog.plan_of_file(h.file).province
                                                                    if self.catalog.plan_of_file(h.file) else None),
                            source=self._source(h.file, h.line, h.text), score=h.score) for h in hits]
        lines = [f"Theo {self._plan_reference(best.file)}: “{best.text}” [{self._citation(best.file, best.line)}]."]
        for h in hits[1:]:
            lines.append(f"• Đoạn liên quan: “{h.text}” [{self._citation(h.file, h.line)}]")
        return Answer(pq.question, "\n".join(lines), None, tuple(items), pq.intent)

    # ------------------------------------------------------------------ baselines
    def _answer_baseline(self, pq: ParsedQuestion) -> Answer:
        hits = self._search(pq, kinds=("indicator", "sub_item", "task"), province=pq.province, k=40)
        with_base = [(i, s) for i, s in hits if self.catalog.items[i].baselines]
        if not with_base:
            return self._answer_plan_fact(pq)  # a past result the plan states in its text, if any
        item = self.catalog.items[with_base[0][0]]
        bases = "; ".join(b["raw"] for b in item.baselines)
        text = (f"{KIND_VI.get(item.kind, 'Mục').capitalize()} {item.number} ({item.province}) “{item.text}” — "
                f"kết quả năm trước: {bases} {self._cite(item)}.")
        return Answer(pq.question, text, len(item.baselines), (self._item(item),), pq.intent)

    # ------------------------------------------------------------------ teams
    def _answer_team(self, pq: ParsedQuestion) -> Answer:
        teams = [i for i in self.catalog.items.values() if i.kind == "team"
                 and (not pq.province or i.province == pq.province)
                 and (not pq.team_number or i.number == pq.team_number)]
        if not teams:
            return self._empty(pq, "Không tìm thấy đoàn kiểm tra như câu hỏi nêu.", 0)
        teams.sort(key=lambda t: (t.province or "", t.file, t.line))
        if pq.wants_count and not pq.team_number:
            where = f" của {pq.province}" if pq.province else ""
            lines = [f"Có {len(teams)} đoàn kiểm tra{where}:"]
            lines += [f"• {t.text} ({t.province}) {self._cite(t)}" for t in teams]
            items = tuple(AnswerItem(kind="team", label=t.text, province=t.province,
                                     source=self._source(t.file, t.line, t.quote), number=t.number) for t in teams)
            return Answer(pq.question, "\n".join(lines), len(teams), items, pq.intent)
        roles = [r for r in pq.roles if r in TEAM_ROLES] or list(TEAM_ROLES)
        out, lines = [], []
        for team in teams:
            rows = list(dict.fromkeys((a.agent, a.role) for a in self.catalog.assignments.get(team.iri, ())
                                      if a.role in roles))
            by_role: "OrderedDict[str, list[str]]" = OrderedDict()
            for agent_iri, role in sorted(rows, key=lambda x: TEAM_ROLES.index(x[1])):
                agent = self.catalog.agents.get(agent_iri)
                label = agent.label if agent else agent_iri
                by_role.setdefault(role_label(role), []).append(label)
                out.append(AnswerItem(kind="agency", label=label, province=team.province, roles=(role_label(role),),
                                      source=self._source(team.file, team.line, team.quote)))
            parts = "; ".join(f"{r}: {', '.join(n)}" for r, n in by_role.items()) or "không có"
            lines.append(f"{team.text} ({team.province}) — {parts} {self._cite(team)}.")
        return Answer(pq.question, "\n".join(lines), len(out), tuple(out), pq.intent)

    # ------------------------------------------------------------------ not in the graph / fallback
    def _answer_succession(self, pq: ParsedQuestion) -> Answer:
        """What became of the agencies or provinces a question names, as of its date, from the
        change events: each step with its date, what moved and its legal basis."""
        as_of = self._as_of(pq)
        when = vn_date(as_of.isoformat())
        lines: list[str] = []
        items: list[AnswerItem] = []
        agents = [a for a in self._agents_for(pq) if not pq.province or
                  self.catalog.agents[a].province in (pq.province, None)]
        shown = agents[:MAX_AGENTS_EXPLAINED]
        # Agencies whose changes read the same (the district bodies of one province) are said once.
        explained: "OrderedDict[tuple[str, ...], list[str]]" = OrderedDict()
        for agent in shown:
            now = self.lineage.successors(agent, as_of)
            if not now:
                inherited = self.lineage.predecessors(agent, as_of)
                body = (f"không thay đổi tên gọi trong đợt sắp xếp năm 2025 (tính đến ngày {when})."
                        + (" Cơ quan này tiếp nhận: " + "; ".join(self._inheritance_text(i) for i in inherited) + "."
                           if inherited else ""),)
            else:
                body = tuple(dict.fromkeys("• " + " → ".join(change_text(c, self.catalog, brief=False) for c in steps)
                                           + self._rule_comments(steps) for _, steps in now))
            explained.setdefault(body, []).append(agent_name(self.catalog, agent))
            for iri, _ in now:
                successor = self.catalog.agents.get(iri)
                item = AnswerItem(kind="agency", label=successor.label if successor else iri,
                                  province=successor.province if successor else None,
                                  group=bool(successor and successor.group))
                if item not in items:
                    items.append(item)
        for body, names in explained.items():
            if body[0].startswith("•"):
                lines.append(f"{'; '.join(names)}, tính đến ngày {when}:")
                lines.extend(body)
            else:
                lines.append(f"{'; '.join(names)} {body[0]}")
        if len(agents) > len(shown):
            rest = agents[len(shown):]
            provinces = sorted({self.catalog.agents[a].province for a in rest if self.catalog.agents[a].province})
            lines.append(f"… và {len(rest)} cơ quan, nhóm cơ quan cùng tên ở các tỉnh khác"
                         + (f" ({', '.join(provinces)})" if provinces else "") + ", theo cùng các quy định trên. "
                         "Hỏi kèm tên tỉnh để xem từng nơi.")
        if not agents:
            for province in pq.provinces_named or ((pq.province,) if pq.province else ()):
                change = self.lineage.province_change(province, as_of)
                if change is not None:
                    partners = sorted(({c.old_province for c in self.lineage.merged_into(change.new_province, as_of)}
                                       | {change.new_province}) - {province})
                    lines.append(f"Tỉnh {province} hợp nhất với {', '.join('tỉnh ' + p for p in partners)} thành "
                                 f"tỉnh {change.new_province}, "
                                 f"{change_text(change, self.catalog, with_result=False, brief=False)}."
                                 + self._rule_comments((change,)))
                    items.append(AnswerItem(kind="province", label=change.new_province, province=change.new_province))
                    continue
                parts = self.lineage.merged_into(province, as_of)
                if parts:
                    olds = sorted({c.old_province for c in parts if c.old_province})
                    lines.append(f"Tỉnh {province} hiện nay gồm tỉnh {province} cũ và {', '.join('tỉnh ' + p for p in olds)}, "
                                 f"{change_text(parts[0], self.catalog, with_result=False, brief=False)}."
                                 + self._rule_comments(parts[:1]))
                    items += [AnswerItem(kind="province", label=p, province=p) for p in [province, *olds]]
                else:
                    lines.append(f"Tỉnh {province} không sáp nhập với tỉnh nào trong đợt sắp xếp năm 2025 "
                                 f"(tính đến ngày {when}).")
                    items.append(AnswerItem(kind="province", label=province, province=province))
        if not lines:
            return self._empty(pq, "Không tìm thấy cơ quan hay tỉnh nào trong câu hỏi để tra việc sắp xếp năm 2025.")
        return Answer(pq.question, "\n".join(lines), len(items) or None, tuple(items), pq.intent)

    @staticmethod
    def _rule_comments(steps) -> str:
        comments = [c.rule.comment for c in steps if c.rule.comment]
        return (" " + " ".join(dict.fromkeys(comments))) if comments else ""

    def _answer_unknown_agency(self, pq: ParsedQuestion) -> Answer:
        return self._empty(pq, f"Không tìm thấy cơ quan “{pq.unknown_agency}” trong các kế hoạch đã nạp, "
                               f"nên không có {plural_noun(pq.kinds)} nào được giao cho cơ quan này.", 0)

    def _answer_clarify(self, pq: ParsedQuestion) -> Answer:
        names = list(pq.clarify)
        options = ", ".join(f"“{n}”" for n in names[:-1]) + f" hay “{names[-1]}”" if len(names) > 1 else f"“{names[0]}”"
        return self._empty(pq, f"Câu hỏi có một tên chưa rõ. Ý bạn là {options}? "
                               f"Vui lòng hỏi lại với tên đầy đủ.")

    def _answer_search(self, pq: ParsedQuestion) -> Answer:
        if pq.unknown_document:
            return self._answer_unknown_document(pq)
        text = pq.topic or pq.question
        hits = self._search(pq, kinds=pq.kinds or None, province=pq.province, k=5) \
            if self.retriever.overlaps(text) else []
        if not hits:
            return self._empty(pq, "Không tìm thấy nội dung nào khớp với câu hỏi trong các kế hoạch đã nạp.")
        items = [self._item(self.catalog.items[i], score=round(s, 3)) for i, s in hits]
        lines = ["Không nhận ra dạng câu hỏi; đây là các mục gần nhất với nội dung hỏi (kết quả tìm kiếm, "
                 "không phải câu trả lời chính xác):"]
        for it in items:
            lines.append(f"• {it.province}: {it.number}. {it.label} [{it.source.citation}]")
        return Answer(pq.question, "\n".join(lines), None, tuple(items), pq.intent)


def _around(quote: str, reference: str | None, before: int = 160, after: int = 340) -> str:
    """The part of a long citing line around a document's reference (the whole line when short)."""
    quote = quote.strip().lstrip("-+ ")
    if len(quote) <= before + after:
        return quote
    at = fold_aligned(quote).find(fold_aligned(reference)) if reference else -1
    start = max(0, at - before) if at >= 0 else 0
    if start:
        start = quote.find(" ", start) + 1 or start  # from a word's start
    end = min(len(quote), start + before + after)
    return ("…" if start else "") + quote[start:end].strip() + ("…" if end < len(quote) else "")
