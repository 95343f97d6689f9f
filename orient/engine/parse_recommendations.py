"""Rules loading, second part: a recommendation (kind, action, texts, where) and its selector."""

from __future__ import annotations

from typing import Any, Optional

from orient.engine.model import Recommendation, Selector, Text
from orient.engine.parse_conditions import ConditionParser, line_of, shown
from orient.engine.text import make_text, placeholders_of
from orient.engine.vocabulary import (
    ACTIONS, CAPABILITIES, FIXED_SERVICES, OWN_PRACTITIONER_KINDS, PLACEHOLDERS, SERVICE_KINDS,
)

REC_KEYS = ("kind", "action", "name", "why", "why_outside_area", "service", "select", "advice", "priority")
NAME_MAX = 80  # a recommendation's `name` is a line's title, not a sentence
SELECT_KEYS = ("kind", "capabilities", "limit", "open_now")
SELECT_LIMIT_MAX = 10


class RecommendationParser(ConditionParser):
    """Adds the French texts and the recommendations to the condition parser."""

    def text(self, value: Any, line: int, where: str, what: str) -> Optional[Text]:
        if not isinstance(value, str) or not value.strip():
            self.error(line, f"{where} : « {what} » doit être un texte en français, non vide")
            return None
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
        ok = True
        for key in node:
            if key not in REC_KEYS:
                self.error(line_of(node, key, line), f"{where} : clé « {key} » inconnue ; valides : {', '.join(REC_KEYS)}")
                ok = False
        kind = node.get("kind")
        if "kind" not in node:
            self.error(line, f"{where} : « kind » absent ; valides : {', '.join(SERVICE_KINDS)}")
            ok = False
        elif kind not in SERVICE_KINDS:
            self.error(line_of(node, "kind", line), f"{where} : kind {shown(kind)} inconnu ; valides : {', '.join(SERVICE_KINDS)}")
            ok = False
        action = node.get("action")
        if "action" not in node:
            self.error(line, f"{where} : « action » absent ; valides : {', '.join(ACTIONS)}")
            ok = False
        elif action not in ACTIONS:
            self.error(line_of(node, "action", line), f"{where} : action {shown(action)} inconnue ; valides : {', '.join(ACTIONS)}")
            ok = False
        why = None
        if "why" not in node:
            self.error(line, f"{where} : « why » absent (le texte en français lu au patient)")
            ok = False
        else:
            why = self.text(node["why"], line_of(node, "why", line), where, "why")
            ok = ok and why is not None
        # The why outside the directory's area, when `why` speaks of the area's own organisation.
        why_outside = None
        if "why_outside_area" in node:
            why_outside = self.text(node["why_outside_area"], line_of(node, "why_outside_area", line), where,
                                    "why_outside_area")
            ok = ok and why_outside is not None
        # The line's title when no directory entry gives one (else the kind's generic name).
        name = None
        if "name" in node:
            name_line = line_of(node, "name", line)
            name = self.text(node["name"], name_line, where, "name")
            if name is not None and (len(name.template) > NAME_MAX or "\n" in name.template):
                self.error(name_line, f"{where} : « name » doit être un titre court sur une ligne "
                                      f"({NAME_MAX} caractères au plus)")
                name = None
            ok = ok and name is not None
        advice: list[Text] = []
        if "advice" in node:
            raw = node["advice"]
            advice_line = line_of(node, "advice", line)
            if not isinstance(raw, list):
                self.error(advice_line, f"{where} : « advice » doit être une liste de lignes en français")
                ok = False
            else:
                for index, item in enumerate(raw):
                    text = self.text(item, line_of(raw, index, advice_line), where, "advice")
                    if text is None:
                        ok = False
                    else:
                        advice.append(text)
        priority = default_priority
        if "priority" in node:
            raw_priority = node["priority"]
            if isinstance(raw_priority, bool) or not isinstance(raw_priority, int):
                self.error(line_of(node, "priority", line), f"{where} : « priority » doit être un entier ; reçu : {shown(raw_priority)}")
                ok = False
            else:
                priority = raw_priority
        service_id = node.get("service")
        if "service" in node:
            service_line = line_of(node, "service", line)
            if service_id not in FIXED_SERVICES:
                self.error(service_line, f"{where} : service {shown(service_id)} inconnu ; valides : {', '.join(FIXED_SERVICES)}")
                ok = False
            elif kind in SERVICE_KINDS and kind not in FIXED_SERVICES[service_id]:
                self.error(service_line, f"{where} : le service « {service_id} » ne peut pas être donné comme kind « {kind} » ; "
                                         f"ses kinds : {', '.join(FIXED_SERVICES[service_id])}")
                ok = False
        selector = None
        if "select" in node:
            selector = self.selector(node["select"], line_of(node, "select", line), where, kind)
            ok = ok and selector is not None
        if "service" in node and "select" in node:
            self.error(line, f"{where} : donner « service » (un numéro fixe) ou « select » (des lieux de l'annuaire), pas les deux")
            ok = False
        elif kind in OWN_PRACTITIONER_KINDS and ("service" in node or "select" in node):
            self.error(line, f"{where} : le kind « {kind} » est le praticien du patient : ni « service » ni « select »")
            ok = False
        elif ("service" not in node and "select" not in node and kind not in OWN_PRACTITIONER_KINDS
              and action != "info" and kind in SERVICE_KINDS):
            self.error(line, f"{where} : le kind « {kind} » avec l'action « {action} » demande « service » (un numéro fixe) "
                             f"ou « select » (des lieux de l'annuaire)")
            ok = False
        if not ok or priority is None or why is None:
            return None
        return Recommendation(kind=kind, action=action, why=why, priority=priority, service_id=service_id,
                              select=selector, advice=tuple(advice), line=line, why_outside_area=why_outside,
                              name=name)

    def selector(self, node: Any, line: int, where: str, kind: Any) -> Optional[Selector]:
        if not isinstance(node, dict):
            self.error(line, f"{where} : « select » doit être une table comme {{kind: centre_sante, limit: 2}}")
            return None
        ok = True
        for key in node:
            if key not in SELECT_KEYS:
                self.error(line_of(node, key, line), f"{where} : select : clé « {key} » inconnue ; valides : {', '.join(SELECT_KEYS)}")
                ok = False
        select_kind = node.get("kind", kind)
        if select_kind not in SERVICE_KINDS:
            self.error(line_of(node, "kind", line), f"{where} : select : kind {shown(select_kind)} inconnu ; valides : {', '.join(SERVICE_KINDS)}")
            ok = False
        elif select_kind != kind:
            self.error(line_of(node, "kind", line), f"{where} : select : le kind « {select_kind} » diffère de celui de la recommandation, {shown(kind)}")
            ok = False
        capabilities = node.get("capabilities", [])
        if not isinstance(capabilities, list):
            capabilities = [capabilities]
        for capability in capabilities:
            if capability not in CAPABILITIES:
                self.error(line_of(node, "capabilities", line),
                           f"{where} : select : capacité {shown(capability)} inconnue ; valides : {', '.join(CAPABILITIES)}")
                ok = False
        limit = node.get("limit", 1)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= SELECT_LIMIT_MAX:
            self.error(line_of(node, "limit", line), f"{where} : select : « limit » doit être un entier de 1 à {SELECT_LIMIT_MAX} ; reçu : {shown(limit)}")
            ok = False
        open_now = node.get("open_now", False)
        if not isinstance(open_now, bool):
            self.error(line_of(node, "open_now", line), f"{where} : select : « open_now » prend true ou false ; reçu : {shown(open_now)}")
            ok = False
        if not ok:
            return None
        return Selector(kind=select_kind, capabilities=tuple(capabilities), limit=limit, open_now=open_now)

