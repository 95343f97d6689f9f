"""The directory as data·inclusion schema v1: `structures.json` and `services.json`.

Fields (https://www.data.inclusion.beta.gouv.fr, package `data-inclusion-schema`):
a structure per local entry (`id` = `<source>--<entry id>`, `nom`, `date_maj`, place,
`telephone`, `site_web`, `horaires_accueil` in the OpenStreetMap syntax both use);
one service per structure, in the `sante` thematic, with the kind and capabilities
as its description. `frais` is left out: the directory does not know the fees.
"""

from __future__ import annotations

from typing import Any, Optional

from orient.directory.model import Service
from orient.directory.phones import format_phone
from orient.export import description, display_name, last_change, local_services, place_of

DEFAULT_SOURCE = "orient"
THEMES = {"cmp": ["sante--sante-mentale"], "planning_familial": ["sante--sante-sexuelle"]}
SERVICE_NAMES = {
    "pharmacie": "Délivrance de médicaments et conseil pharmaceutique",
    "centre_sante": "Consultations de médecine générale",
    "msp": "Consultations de médecine générale",
    "urgences": "Urgences hospitalières",
    "hopital": "Soins hospitaliers",
    "cmp": "Consultations en santé mentale",
    "planning_familial": "Santé sexuelle et planification familiale",
    "cpts": "Coordination des soins du territoire",
}


def _common(service: Service, gazetteer: Any, source: str) -> dict[str, Any]:
    place = place_of(service, gazetteer)
    record: dict[str, Any] = {
        "source": source,
        "id": f"{source}--{service.id}",
        "nom": display_name(service.name, service.kind),
        "date_maj": last_change(service).isoformat(),
        "commune": place.town,
        "code_insee": place.insee,
        "code_postal": place.postcode,
        "adresse": place.street,
        "latitude": place.lat,
        "longitude": place.lon,
        "telephone": format_phone(service.phones[0]) if service.phones else None,
        "horaires_accueil": service.opening_hours,
    }
    return {k: v for k, v in record.items() if v is not None}


def structures_and_services(services: Any, gazetteer: Any, source: str = DEFAULT_SOURCE) -> tuple[list, list]:
    structures, offered = [], []
    for service in local_services(services):
        structure = _common(service, gazetteer, source)
        if service.url:
            structure["site_web"] = service.url
        if service.note and len(service.note) >= 5:
            structure["description"] = service.note[:10000]
        structures.append(structure)
        record = _common(service, gazetteer, source)
        record.update({
            "structure_id": structure["id"],
            "nom": SERVICE_NAMES.get(service.kind) or display_name(service.name, service.kind),
            "description": description(service)[:10000],
            "thematiques": THEMES.get(service.kind, ["sante--acces-aux-soins"]),
            "publics": ["tous-publics"],
            "modes_accueil": ["en-presentiel"],
            "mobilisable_par": ["usagers", "professionnels"],
        })
        ways = _ways_in(service)
        if ways:
            record["modes_mobilisation"] = ways
        if "regulated_by_15" in service.capabilities:
            record["mobilisation_precisions"] = "Appelez le 15 avant de vous déplacer."
        offered.append(record)
    return structures, offered


def _ways_in(service: Service) -> list[str]:
    """How a person gets the service; a regulated emergency department is never "se présenter"."""
    ways = ["telephoner"] if service.phones else []
    if "regulated_by_15" in service.capabilities:
        return ways
    if service.kind == "pharmacie" or "walk_in" in service.capabilities:
        ways.append("se-presenter")
    return ways


def quality_score(services: list[dict[str, Any]]) -> Optional[float]:
    """The mean of data·inclusion's own quality score of the services, when the package is installed."""
    try:
        from data_inclusion.schema.v1 import Service as ServiceModel
        from data_inclusion.schema.v1.score_qualite import score
    except ImportError:
        return None
    scores = [score(ServiceModel.model_validate(s))[0] for s in services]
    return round(sum(scores) / len(scores), 2) if scores else None
