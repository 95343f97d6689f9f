"""The directory as Open Referral HSDS 3: `services.json`, a list of compiled services.

Each local entry becomes one HSDS `service` (schema/compiled/service.json of
github.com/openreferral/specification) with its `organization`, one
`service_at_locations` item holding the `location` (and its physical `address`
when the street is known), `phones`, and the opening hours as a `schedules`
description in the OpenStreetMap syntax. HSDS ids are UUIDs: derived from the entry
id (uuid5), so an export is stable from one run to the next. `assured_date` is the
entry's `verified` date.
"""

from __future__ import annotations

import uuid
from typing import Any

from orient.directory.model import Service
from orient.directory.phones import format_phone
from orient.export import description, local_services, place_of

NAMESPACE = uuid.UUID("1b0c8b44-52a4-4b0e-9d1e-6f7263a0e5b1")  # orient's: ids stay the same across exports


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def service_record(service: Service, gazetteer: Any) -> dict[str, Any]:
    sid = _id("service", service.id)
    place = place_of(service, gazetteer)
    location_id = _id("location", service.id)
    location: dict[str, Any] = {"id": location_id, "location_type": "physical", "name": service.name}
    if place.lat is not None:
        location.update(latitude=place.lat, longitude=place.lon)
    if place.street and place.postcode:
        location["addresses"] = [{
            "id": _id("address", service.id), "location_id": location_id, "address_1": place.street,
            "city": place.town, "state_province": place.dept, "postal_code": place.postcode, "country": "FR",
            "address_type": "physical",
        }]
    phones = [{"id": _id("phone", service.id, str(i)), "service_id": sid, "number": format_phone(p), "type": "voice"}
              for i, p in enumerate(service.phones)]
    record: dict[str, Any] = {
        "id": sid,
        "name": service.name,
        "description": description(service),
        "status": "active",
        "organization": {"id": _id("organization", service.id), "name": service.name,
                         "description": description(service)},
        "phones": phones,
        "service_at_locations": [{"id": _id("service_at_location", service.id), "service_id": sid,
                                  "location_id": location_id, "location": location}],
    }
    record["organization_id"] = record["organization"]["id"]
    if service.url:
        record["url"] = service.url
    if service.verified:
        record["assured_date"] = service.verified.isoformat()
    if service.opening_hours:
        record["schedules"] = [{"id": _id("schedule", service.id), "service_id": sid,
                                "description": f"Horaires (syntaxe OpenStreetMap) : {service.opening_hours}"}]
    return record


def services(directory_services: Any, gazetteer: Any) -> list[dict[str, Any]]:
    return [service_record(s, gazetteer) for s in local_services(directory_services)]
