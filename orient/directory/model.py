"""The directory's plain data: services, their opening status, a placed service.

The vocabularies (kinds, capabilities, precisions) are closed lists: the loader
and `orient check` refuse anything else and name the valid values.
"""

from datetime import date, datetime
from typing import NamedTuple, Optional

# The kinds and capabilities are the contract's words; the directory's loader and check use
# them as closed lists and import them from here.
from orient.vocabulary import CAPABILITIES, CONTRACT_KINDS, EXTRA_KINDS, KINDS  # noqa: F401


def wanted_capabilities(kind: str, capabilities) -> frozenset[str]:
    """The capabilities a selection asks for, checked with its kind (ValueError naming the valid ones)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}'; valid kinds: {', '.join(KINDS)}")
    wanted = frozenset(capabilities)
    unknown = sorted(wanted - CAPABILITIES.keys())
    if unknown:
        raise ValueError(f"unknown capability {', '.join(unknown)}; valid: {', '.join(CAPABILITIES)}")
    return wanted


class Service(NamedTuple):
    id: str
    name: str
    kind: str
    commune: Optional[str]  # INSEE code
    address: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    precision: Optional[str]  # "address" | "commune" | None
    phones: tuple[str, ...]  # E.164 ("+33561777447") or short numbers ("15", "116117")
    opening_hours: Optional[str]  # OSM syntax; None = unknown
    walk_in_hours: Optional[str]
    capabilities: frozenset[str]
    sources: tuple[str, ...]
    verified: Optional[date]
    note: Optional[str]
    path: str
    line: int
    url: Optional[str] = None
    source_date: Optional[date] = None  # date of the source the entry was taken from (not a check)

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


class HoursStatus(NamedTuple):
    open: Optional[bool]  # None = unknown
    label: str  # "ouvert, ferme à 18h", "fermé, ouvre lundi à 8h", "horaires à vérifier", "ouvert 24h/24"
    next_change: Optional[datetime]


class Placed(NamedTuple):
    service: Service
    distance_km: Optional[float]
    status: HoursStatus
