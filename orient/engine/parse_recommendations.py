"""Rules loading, second part: a recommendation (kind, action, texts, where) and its selector. Their fields
are checked against orient/schema.py (orient/fieldcheck.py); here what they mean."""

from __future__ import annotations

from typing import Any, Optional

from orient.engine.model import Recommendation, Selector, Text
from orient.engine.parse_conditions import ConditionParser, line_of, shown
from orient.engine.text import make_text, placeholders_of
from orient.engine.vocabulary import FIXED_SERVICES, OWN_PRACTITIONER_KINDS, PLACEHOLDERS
from orient.fieldcheck import FieldCheck
from orient.schema import RECOMMENDATION, SELECT

REC_KEYS = RECOMMENDATION.names
NAME_MAX = 80  # a recommendation's `name` is a line's title, not a sentence


class RecommendationParser(ConditionParser):
    """Adds the French texts and the recommendations to the condition parser."""

    def text(self, check: FieldCheck, what: str, value: Any = None, line: Optional[int] = None) -> Optional[Text]:
        """The French text of the field `what` (or one of its items, `value` at `line`), with its placeholders."""
        if line is None:
            value, line = check(what), line_of(check.node, what, check.line)
            if value is None:
                return None
        where = check.context["where"]
        names, problem = placeholders_of(value)
        if problem:
            self.error(line, f"{where} : « {what} » : {problem}")
            return None
        bad = [name for name in names if name not in PLACEHOLDERS]
        for name in bad:
            self.error(line, f"{where} : variable « {{{name}}} » inconnue dans « {what} » ; valides : "
                             f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
        return None if bad else make_text(value.strip())

    def recommendation(self, node: Any, line: int, where: str, default_priority: Optional[int]) -> Optional[Recommendation]:
        if not isinstance(node, dict):
            self.error(line, f"{where} : une recommandation doit être une table avec kind, action et why")
            return None
        check = FieldCheck(RECOMMENDATION, node, line, self.error, where=where)
        check.keys()
        kind, action = check("kind"), check("action")
        why = self.text(check, "why")
        ok = why is not None
        # The why outside the directory's area, when `why` speaks of the area's own organisation.
        why_outside = self.text(check, "why_outside_area")
        ok = ok and ("why_outside_area" not in node or why_outside is not None)
        # The line's title when no directory entry gives one (else the kind's generic name).
        name = self.text(check, "name")
        if name is not None and (len(name.template) > NAME_MAX or "\n" in name.template):
            self.error(line_of(node, "name", line), f"{where} : « name » doit être un titre court sur une ligne "
                                                      f"({NAME_MAX} caractères au plus)")
            name = None
        ok = ok and ("name" not in node or name is not None)
        advice: list[Text] = []
        for item, item_line in check("advice") or []:
            text = self.text(check, "advice", item, item_line)
            ok = ok and text is not None
            advice += [text] if text is not None else []
        priority = check("priority", default=default_priority)
        service_id = node.get("service")
        if "service" in node:
            service_line = line_of(node, "service", line)
            if not isinstance(service_id, str) or service_id not in FIXED_SERVICES:
                self.error(service_line, f"{where} : service {shown(service_id)} inconnu ; valides : {', '.join(FIXED_SERVICES)}")
                ok = False
            elif kind is not None and kind not in FIXED_SERVICES[service_id]:
                self.error(service_line, f"{where} : le service « {service_id} » ne peut pas être donné comme kind « {kind} » ; "
                                         f"ses kinds : {', '.join(FIXED_SERVICES[service_id])}")
                ok = False
        selector = None
        raw_select = check("select")
        if raw_select is not None:
            selector = self.selector(raw_select, line_of(node, "select", line), where, node.get("kind"))
            ok = ok and selector is not None
        if "service" in node and "select" in node:
            self.error(line, f"{where} : donner « service » (un numéro fixe) ou « select » (des lieux de l'annuaire), pas les deux")
            ok = False
        elif kind in OWN_PRACTITIONER_KINDS and ("service" in node or "select" in node):
            self.error(line, f"{where} : le kind « {kind} » est le praticien du patient : ni « service » ni « select »")
            ok = False
        elif "service" not in node and "select" not in node and kind not in (None, *OWN_PRACTITIONER_KINDS) and action != "info":
            self.error(line, f"{where} : le kind « {kind} » avec l'action « {node.get('action')} » demande « service » (un numéro fixe) "
                             f"ou « select » (des lieux de l'annuaire)")
            ok = False
        if not (ok and check.ok) or priority is None:
            return None
        return Recommendation(kind=kind, action=action, why=why, priority=priority, service_id=service_id,
                              select=selector, advice=tuple(advice), line=line, why_outside_area=why_outside,
                              name=name)

    def selector(self, node: Any, line: int, where: str, kind: Any) -> Optional[Selector]:
        check = FieldCheck(SELECT, node, line, self.error, where=where)
        check.keys()
        select_kind = check.value("kind", node.get("kind", kind))
        same_kind = select_kind is None or select_kind == kind
        if not same_kind:
            self.error(line_of(node, "kind", line), f"{where} : select : le kind « {select_kind} » diffère de celui de la recommandation, {shown(kind)}")
        capabilities = tuple(capability for capability, _ in check("capabilities") or [])
        limit, open_now = check("limit"), check("open_now")
        if not (same_kind and check.ok):
            return None
        return Selector(kind=select_kind, capabilities=capabilities, limit=limit, open_now=open_now)
