"""What a visit consists of: its legs, planned for every visitor before the run.

A *leg* is one stop of a visit at a station: the information desk, a kiosk ticket, or
one stage of a service at an agency. A *request* is one of the services a visitor
came for; its legs (a kiosk ticket, then each stage) are refused or skipped together.
Visitors with the same kind of visit (``arrivals.visit_kinds``) and the same choice
at the information desk share one tuple of legs, a *plan*.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from mppsim.model.arrivals import Visitors, visit_kinds
from mppsim.model.spec import ModelSpec

__all__ = ["INFO_WORK", "KIOSK_WORK", "Leg", "plan_visits"]

KIOSK_WORK, INFO_WORK = "kiosk", "info_desk"
"""The ``work`` of a kiosk leg and of an information-desk leg (their times are drawn
per visitor and request, not per stage)."""


class Leg(NamedTuple):
    """One stop of a visit.

    Attributes
    ----------
    station : int
        Station code.
    queue : int
        The station's queue for this leg (0 at the kiosk and information desk).
    work : list of float or str
        The stage's drawn counter times, indexed by the visitor's draw index, or
        ``KIOSK_WORK`` / ``INFO_WORK``.
    request : int
        Which of the visit's services this leg serves (-1: the information desk).
    service : int
        Service code (-1: the information desk).
    stage : int
        Stage of the service (-1: a kiosk or information-desk leg).
    skip_to : int
        The first leg after this leg's request: where a refusal sends the visitor.
    needs_ticket : bool
        The ticket is taken on arrival at the agency (no kiosk pass before it) and can
        be refused there (a closed service, a cut-off or a quota); an unlimited ticket
        is neither checked nor counted.
    """

    station: int
    queue: int
    work: list[float] | str
    request: int
    service: int
    stage: int
    skip_to: int
    needs_ticket: bool


def plan_visits(
    spec: ModelSpec, visitors: Visitors, limited: list[bool]
) -> tuple[list[tuple[Leg, ...]], np.ndarray]:
    """Return the legs of each plan, and each visitor's plan.

    Parameters
    ----------
    spec : ModelSpec
        The compiled model.
    visitors : Visitors
        The replication's visitors.
    limited : list of bool
        Per service, whether its ticket can be refused.

    Returns
    -------
    plans : list of tuple of Leg
        Plan ``2 * kind + asks_info``: the legs of that kind of visit, with or without
        the information desk (empty for plans nobody has).
    plan_keys : numpy.ndarray
        Each visitor's plan.
    """
    kinds = visit_kinds(spec)
    keys = visitors.visit * 2 + visitors.asks_info
    plans: list[tuple[Leg, ...]] = [()] * (2 * len(kinds))
    for key in np.unique(keys).tolist():
        plans[key] = _plan(spec, visitors, limited, kinds[key // 2], bool(key % 2))
    return plans, keys


def _plan(
    spec: ModelSpec,
    visitors: Visitors,
    limited: list[bool],
    services: tuple[int, ...],
    asks_info: bool,
) -> tuple[Leg, ...]:
    legs: list[Leg] = []
    if spec.info_desk is not None and asks_info:
        legs.append(Leg(spec.info_desk, 0, INFO_WORK, -1, -1, -1, 1, False))
    for r, svc in enumerate(services):
        service = spec.services[svc]
        end = len(legs) + len(service.stages)
        kiosk_leg = spec.kiosk is not None and (spec.ticket_per_service or r == 0)
        if kiosk_leg:
            end += 1
            legs.append(Leg(spec.kiosk, 0, KIOSK_WORK, r, svc, -1, end, False))
        for k, stage in enumerate(service.stages):
            needs_ticket = k == 0 and not kiosk_leg and limited[svc]
            draws = visitors.stage_draws[stage.stream]
            legs.append(Leg(stage.station, stage.queue, draws, r, svc, k, end, needs_ticket))
    return tuple(legs)
