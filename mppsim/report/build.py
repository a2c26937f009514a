"""Build ``report.html``: one self-contained file a planner reads, in Indonesian or English.

``build_report(folder, lang)`` reads a results folder (``report.data``), draws the
plots (``report.figures``, ``report.floorplan``), embeds them as PNG ``data:`` URIs
and fills the Jinja template ``templates/report.html.j2``. The file has its styles
inline and makes no network request, so it opens offline in any browser and
prints on A4. The contents follow a planner's questions: how long citizens wait
and how many are lost, arrivals against capacity, queues over the day, the wait
distribution, busy counters, closing and overtime, the building, and at the end
the scenario and its sources.
"""

from __future__ import annotations

import contextlib
import math
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

import mppsim
from mppsim.errors import MppsimError
from mppsim.report import data as rd
from mppsim.report.figures import (
    agency_colours,
    arrivals_figure,
    figure_data_uri,
    on_duty_figure,
    queue_figure,
    utilization_figure,
    wait_figure,
    zone_figure,
)
from mppsim.report.floorplan import floor_plan_figure
from mppsim.report.i18n import Texts, resolve_lang

if TYPE_CHECKING:
    from mppsim.scenario.schema import Scenario

__all__ = [
    "REPORT_FILE",
    "build_report",
    "report_context",
    "resolve_report_lang",
    "scenario_language",
]

REPORT_FILE = "report.html"


def scenario_language(scenario: Scenario) -> str | None:
    """Return the language a scenario asks for, or None.

    Its ``language`` if given, else Bahasa Indonesia for a scenario with a ``city``
    block (an Indonesian city or regency); a scenario with neither gets None (English).
    """
    if scenario.language is not None:
        return scenario.language
    return "id" if scenario.city is not None else None


def resolve_report_lang(lang: str | None, scenario_language: str | None) -> str:
    """Return the report's language, or raise ``MppsimError`` for an unknown one."""
    try:
        return resolve_lang(lang, scenario_language)
    except ValueError as error:
        raise MppsimError(str(error)) from None


def build_report(results_dir: str | Path, lang: str | None = None) -> Path:
    """Write ``report.html`` into a results folder, from that folder's files alone.

    Parameters
    ----------
    results_dir : str or pathlib.Path
        A folder written by ``mppsim run``.
    lang : {"id", "en"}, optional
        The report's language; default the scenario's ``language``, else English.

    Returns
    -------
    pathlib.Path
        The report written.

    Raises
    ------
    MppsimError
        When the folder is not a results folder, the language is unknown, or the report
        cannot be written.
    """
    folder = rd.read_results(results_dir)
    chosen = resolve_report_lang(lang, scenario_language(folder.scenario))
    html = render_report(folder, chosen)
    target = folder.path / REPORT_FILE
    partial = folder.path / f".{REPORT_FILE}.partial"
    try:
        # write beside and rename, so a failure leaves the old report (or none) in place
        partial.write_text(html, encoding="utf-8")
        partial.replace(target)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise MppsimError(f"could not write {target}: {error}") from None
    return target


def render_report(folder: rd.ResultsFolder, lang: str) -> str:
    """Return the report's HTML for a read results folder."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mppsim.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("report.html.j2")
    return template.render(**report_context(folder, lang))


# --------------------------------------------------------------------------- context


def _fmt_count(t: Texts, value: float) -> str:
    """Write a mean count per day: whole above 10 or when whole, else one decimal."""
    whole = abs(value - round(value)) < 0.05
    return t.num(value, 0 if abs(value) >= 10 or whole else 1)


def report_context(folder: rd.ResultsFolder, lang: str) -> dict[str, Any]:
    """Return everything the template shows: texts, tables and plots (as data URIs)."""
    t = Texts(lang)  # type: ignore[arg-type]
    scenario = folder.scenario
    summary = folder.summary
    names = rd.agency_names(scenario)
    colours = agency_colours(list(names))
    calendar = scenario.calendar is not None
    window = rd.active_window(folder)
    standard = rd.STANDARD_MIN
    reqs = rd.requests(folder.visits)
    losses = rd.losses(folder.visits, folder.agencies, folder.replications, reqs)
    groups = rd.group_utilization(folder)
    agencies_summary: dict[str, dict[str, float]] = summary["agencies"]

    figures = [
        ("sec_arrivals", "arrivals_text", "fig_arrivals_title", "fig_arrivals_note",
         arrivals_figure(rd.arrivals_per_hour(folder, reqs), names, colours, t, window, calendar)),
        ("sec_queues", "queues_text", "fig_queue_title", None,
         queue_figure(rd.queue_series(folder), names, colours, t, window, calendar)),
        ("sec_waits", None, "fig_wait_title", "fig_wait_note",
         wait_figure(rd.wait_samples(folder, reqs), names, colours, t, standard)),
        ("sec_utilization", None, "fig_util_title", "fig_util_note",
         utilization_figure(agencies_summary, groups, names, colours, t)),
        ("sec_utilization", None, "fig_duty_title", None,
         on_duty_figure(rd.on_duty_series(folder), names, colours, t, window, calendar)),
    ]  # fmt: skip
    plots: dict[str, list[dict[str, str]]] = {}
    for section, _, title, note, figure in figures:
        plots.setdefault(section, []).append(
            {"src": figure_data_uri(figure), "alt": t(title), "note": t(note) if note else ""}
        )

    building = None
    if scenario.layout is not None:
        zone_names = rd.zone_names(scenario)
        zones_summary = summary.get("zones", {})
        seats = {z: float(zones_summary.get(z, {}).get("seats") or math.inf) for z in zone_names}
        plan = floor_plan_figure(scenario, summary, t, names)
        occupancy = zone_figure(rd.zone_series(folder), zone_names, seats, t, window, calendar)
        building = {
            "text": t("building_text", walking=t.minutes(summary["mpp"].get("walking_mean_min"))),
            "plots": [
                {"src": figure_data_uri(plan), "alt": t("fp_title", name=scenario.name),
                 "note": ""},
                {"src": figure_data_uri(occupancy), "alt": t("fig_zone_title"), "note": ""},
            ],
            "zones": [
                {
                    "name": zone_names[z],
                    "floor": (scenario.layout.floors[zone.floor].label or zone.floor),
                    "seats": t.count(zones_summary.get(z, {}).get("seats"))
                    if zones_summary.get(z, {}).get("seats") is not None
                    else t("unlimited"),
                    "peak": t.num(zones_summary.get(z, {}).get("occupancy_peak"), 1),
                    "mean": t.num(zones_summary.get(z, {}).get("occupancy_mean"), 1),
                    "over": t.num(zones_summary.get(z, {}).get("minutes_over_seats"), 0),
                }
                for z, zone in scenario.layout.zones.items()
            ],
        }  # fmt: skip

    created = _created(folder.manifest)
    return {
        "t": t,
        "lang": t("html_lang"),
        "title": t("doc_title", name=scenario.name),
        "subtitle": t(
            "subtitle",
            days=t.count(folder.replications),
            seed=summary.get("seed", folder.manifest.get("seed", "")),
            date=t.date(created),
        ),
        "description": scenario.description or "",
        "headline": _headline(t, summary, losses, names, standard),
        "agency_table": _agency_table(t, summary, names),
        "loss_table": _loss_table(t, losses, names),
        "plots": plots,
        "close": _close(t, summary, names),
        "building": building,
        "scenario": _scenario_brief(t, scenario, names),
        "sources": _sources(t, scenario),
        "footer": [
            t("run_facts", version=folder.manifest.get("mppsim", mppsim.__version__),
              python=folder.manifest.get("python", ""),
              seed=summary.get("seed", ""), days=t.count(folder.replications)),
            t("generated_by", version=mppsim.__version__),
            t("footnote_ci"),
        ],
    }  # fmt: skip


def _created(manifest: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(str(manifest.get("created")))
    except ValueError:
        return datetime.now().astimezone()


def _headline(
    t: Texts,
    summary: dict[str, Any],
    losses: Any,
    names: dict[str, str],
    standard: float,
) -> list[str]:
    """Two to four sentences, generated from the figures."""
    mpp = summary["mpp"]
    standard_text = t.minutes(standard, 0)
    within = mpp.get("prob_wait_gt_15_min")
    if mpp.get("wait_mean_min") is None:
        sentences = [t("head_none_served", visitors=t.count(mpp.get("arrivals")))]
    else:
        sentences = [
            t(
                "head_wait",
                visitors=t.count(mpp.get("arrivals")),
                wait_mean=t.minutes(mpp.get("wait_mean_min")),
                wait_p90=t.minutes(mpp.get("wait_p90_min")),
                within=_capital(t.pct(None if within is None else 1.0 - within)),
                standard=standard_text,
            )
        ]
    lost = float(losses.loc["mpp", "total"])
    if lost >= 0.05:
        reasons = [
            (float(losses.loc["mpp", reason]), reason)
            for reason in rd.LOSS_REASONS
            if float(losses.loc["mpp", reason]) >= 0.05
        ]
        reasons.sort(reverse=True)
        items = [
            t("reason_list_item", count=_fmt_count(t, count), reason=t(f"reason_{reason}"))
            for count, reason in reasons
        ]
        arrivals = mpp.get("arrivals") or 0.0
        sentences.append(
            t(
                "head_lost",
                lost=_fmt_count(t, lost),
                share=t.pct(lost / arrivals if arrivals else None, 1),
                reasons=t.join(items),
            )
        )
    else:
        sentences.append(t("head_lost_none"))
    agencies = summary["agencies"]
    missing = sorted(
        (
            (scope["wait_mean_min"], agency)
            for agency, scope in agencies.items()
            if scope.get("wait_mean_min") is not None and scope["wait_mean_min"] > standard
        ),
        reverse=True,
    )
    if missing:
        listed = [f"{names.get(a, a)} ({t.minutes(w)})" for w, a in missing]
        sentences.append(
            t(
                "head_miss",
                count=t.count(len(missing)),
                total=t.count(len(agencies)),
                standard=standard_text,
                names=t.join(listed),
            )
        )
    elif any(scope.get("wait_mean_min") is not None for scope in agencies.values()):
        sentences.append(t("head_miss_none", standard=standard_text))
    waiting = {
        agency: (scope.get("served") or 0.0) * (scope.get("wait_mean_min") or 0.0) / 60.0
        for agency, scope in agencies.items()
    }
    if waiting and max(waiting.values()) > 0:
        top = max(waiting, key=waiting.__getitem__)
        scope = agencies[top]
        sentences.append(
            t(
                "head_most_waiting",
                name=names.get(top, top),
                hours=t.num(waiting[top], 0),
                arrivals=t.count(scope.get("arrivals")),
                wait=t.minutes(scope.get("wait_mean_min")),
                util=t.pct(scope.get("utilization")),
            )
        )
    return sentences


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ci(t: Texts, scope: dict[str, Any], key: str, digits: int = 1) -> str:
    value = scope.get(key)
    half = scope.get(f"{key}_ci95")
    if value is None:
        return t("na")
    if half is None or not math.isfinite(half):
        return t.num(value, digits)
    return t("plus_minus", value=t.num(value, digits), half=t.num(half, digits))


def _agency_row(t: Texts, name: str, scope: dict[str, Any]) -> dict[str, str]:
    lost = sum(scope.get(k) or 0.0 for k in ("balked", "reneged", "turned_away", "no_show"))
    beyond = scope.get("prob_wait_gt_15_min")
    wait_hours = (scope.get("served") or 0.0) * (scope.get("wait_mean_min") or 0.0) / 60.0
    return {
        "name": name,
        "arrivals": t.count(scope.get("arrivals")),
        "served": t.count(scope.get("served")),
        "lost": t.count(lost),
        "wait": _ci(t, scope, "wait_mean_min"),
        "p90": t.num(scope.get("wait_p90_min"), 1),
        "within": t.pct(None if beyond is None else 1.0 - beyond),
        "util": t.pct(scope.get("utilization")),
        "queue_max": t.num(scope.get("queue_max"), 0),
        "wait_hours": t.num(wait_hours, 0),
    }


def _agency_table(t: Texts, summary: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    rows = [_agency_row(t, names.get(a, a), scope) for a, scope in summary["agencies"].items()]
    return {"rows": rows, "total": _agency_row(t, t("row_mpp"), summary["mpp"])}


def _loss_table(t: Texts, losses: Any, names: dict[str, str]) -> dict[str, Any]:
    shown = [r for r in rd.LOSS_REASONS if float(losses[r].abs().sum()) > 0]
    header = [t(f"reason_{r}") for r in shown]
    rows = []
    for scope in losses.index:
        label = t("row_mpp") if scope == "mpp" else names.get(scope, scope)
        cells = [t.num(float(losses.loc[scope, r]), 1) for r in shown]
        rows.append({"name": label, "cells": cells, "total": t.num(losses.loc[scope, "total"], 1)})
    return {"header": header, "mpp": rows[0], "rows": rows[1:]}


def _close(t: Texts, summary: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    rows = [
        {
            "name": names.get(a, a),
            "still": t.num(scope.get("still_waiting_at_close"), 1),
            "overtime": t.num(scope.get("overtime_min"), 1),
        }
        for a, scope in summary["agencies"].items()
    ]
    overtime = summary["mpp"].get("overtime_min") or 0.0
    text = (
        t("close_text", overtime=t.minutes(overtime)) if overtime > 0.05 else t("close_text_none")
    )
    return {
        "rows": rows,
        "total": {
            "name": t("row_mpp"),
            "still": t.num(summary["mpp"].get("still_waiting_at_close"), 1),
            "overtime": t.num(overtime, 1),
        },
        "text": text,
    }


def _scenario_brief(t: Texts, scenario: Any, names: dict[str, str]) -> dict[str, Any]:
    calendar = scenario.calendar
    day = calendar.days.get(calendar.day_type) if calendar is not None else None
    n_counters = sum(sum(a.counter_groups().values()) for a in scenario.agencies.values())
    if calendar is not None and day is not None:
        text = t(
            "scenario_text",
            agencies=t.count(len(scenario.agencies)),
            counters=t.count(n_counters),
            visitors=t.count((scenario.arrivals.daily_visitors or 0.0) * day.demand_factor),
            day_type=t(f"day_{calendar.day_type}"),
            factor=t.num(day.demand_factor, 2),
        )
        hours = t(
            "hours_text",
            open=t.clock(day.open),
            close=t.clock(day.close),
            cutoff=t.clock(day.ticket_cutoff if day.ticket_cutoff is not None else day.close),
            kiosk=t.clock(day.kiosk_open if day.kiosk_open is not None else day.open),
        )
    else:
        horizon = scenario.horizon
        text = t(
            "scenario_text_horizon",
            agencies=t.count(len(scenario.agencies)),
            counters=t.count(n_counters),
            duration=t.minutes(horizon.duration, 0),
            warmup=t.minutes(horizon.warmup, 0),
        )
        hours = ""
    rows = []
    for agency_id, agency in scenario.agencies.items():
        groups = agency.counter_groups()
        total = sum(groups.values())
        counters = (
            t.count(total)
            if list(groups) == ["counter"]
            else ", ".join(f"{g} {t.count(c)}" for g, c in groups.items())
        )
        services = []
        for service_id, service in agency.services.items():
            item = service.label or service_id
            extras = []
            if service.stages:
                extras.append(t("stages_item", n=t.count(len(service.stages))))
            if service.quota is not None:
                extras.append(t("quota_item", n=t.count(service.quota)))
            services.append(f"{item} ({', '.join(extras)})" if extras else item)
        hours_text = t("hours_mpp")
        if agency.hours is not None and day is not None:
            open_min = agency.hours.open if agency.hours.open is not None else day.open
            close_min = agency.hours.close if agency.hours.close is not None else day.close
            cutoff = agency.hours.ticket_cutoff
            hours_text = f"{t.clock(open_min)}–{t.clock(close_min)}"
            if cutoff is not None:
                hours_text += f" ({t.clock(cutoff)})"
        breaks = []
        if day is not None:
            for brk in day.breaks:
                if brk.agencies is not None and agency_id not in brk.agencies:
                    continue
                if brk.counters_closed == "all":
                    closed = t("break_all")
                else:
                    n_closed = min(total, math.ceil(float(brk.counters_closed) * total - 1e-9))
                    closed = t("break_share", n=t.count(n_closed), total=t.count(total))
                breaks.append(
                    t("break_item", name=brk.name, start=t.clock(brk.start),
                      end=t.clock(brk.end), closed=closed)
                )  # fmt: skip
        rows.append(
            {
                "name": names[agency_id],
                "label": agency.label or agency_id,
                "counters": counters,
                "services": services,
                "hours": hours_text,
                "breaks": "; ".join(breaks) if breaks else t("no_breaks"),
            }
        )
    return {"text": text, "hours": hours, "rows": rows}


def _sources(t: Texts, scenario: Any) -> dict[str, Any]:
    sources = scenario.sources
    references = [
        {"id": ref_id, "title": ref.title, "url": ref.url or "", "date": ref.date or ""}
        for ref_id, ref in sources.references.items()
    ]
    values = [
        {
            "field": path,
            "basis": t(f"basis_{prov.basis}"),
            "basis_key": prov.basis,
            "note": prov.note or "",
            "refs": ", ".join(prov.refs),
        }
        for path, prov in sources.values.items()
    ]
    return {"references": references, "fields": values}
