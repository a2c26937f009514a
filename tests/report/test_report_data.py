"""What each plot of the report shows equals what the results tables say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from mppsim.report import data as rd
from mppsim.report import figures as fg
from mppsim.report.floorplan import floor_plan_figure
from mppsim.report.i18n import Texts


@pytest.fixture(scope="module")
def folder(layout_folder):
    return rd.read_results(layout_folder)


@pytest.fixture(scope="module")
def reqs(folder):
    return rd.requests(folder.visits)


def scopes(folder):
    yield "mpp", folder.summary["mpp"]
    yield from folder.summary["agencies"].items()


def test_losses_split_adds_up_to_the_summary(folder, reqs):
    table = rd.losses(folder.visits, folder.agencies, folder.replications, reqs)
    assert list(table.index) == ["mpp", *folder.agencies]
    for name, scope in scopes(folder):
        row = table.loc[name]
        assert row["balked"] + row["zone_full"] == pytest.approx(scope["balked"]), name
        assert row["reneged"] == pytest.approx(scope["reneged"]), name
        assert row["quota"] + row["closing"] + row["closed"] == pytest.approx(
            scope["turned_away"]
        ), name
        assert row["no_show"] == pytest.approx(scope["no_show"]), name
        assert row["total"] == pytest.approx(scope["arrivals"] - scope["served"]), name
    # the bundled scenario turns passport walk-ins away on quota
    assert table.loc["imigrasi", "quota"] > 0


def test_arrivals_per_hour_add_up_to_the_summary(folder, reqs):
    frame = rd.arrivals_per_hour(folder, reqs)
    totals = frame.groupby("agency")["arrivals"].sum()
    for agency, scope in folder.summary["agencies"].items():
        assert totals[agency] == pytest.approx(scope["arrivals"]), agency
    # capacity follows the counters on duty: Dukcapil's 10 counters, 3 of them at lunch
    dukcapil = frame[frame["agency"] == "dukcapil"].set_index("hour_min")
    assert dukcapil.loc[9 * 60, "on_duty"] == pytest.approx(10.0)
    assert dukcapil.loc[12 * 60, "on_duty"] < 10.0
    ratio = dukcapil.loc[12 * 60, "capacity"] / dukcapil.loc[9 * 60, "capacity"]
    assert ratio == pytest.approx(dukcapil.loc[12 * 60, "on_duty"] / 10.0)


def test_arrivals_figure_draws_the_frame(folder, reqs):
    frame = rd.arrivals_per_hour(folder, reqs)
    names = rd.agency_names(folder.scenario)
    figure = fg.arrivals_figure(
        frame, names, fg.agency_colours(list(names)), Texts("en"), rd.active_window(folder), True
    )
    for ax, agency in zip(figure.axes, names, strict=False):
        heights = [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]
        expected = frame.loc[frame["agency"] == agency, "arrivals"].to_list()
        assert heights == pytest.approx(expected), agency
        assert ax.get_title(loc="left") == names[agency]


def test_wait_samples_match_the_summary_and_the_box_plot(folder, reqs):
    waits = rd.wait_samples(folder, reqs)
    per_day = waits.groupby(["agency", "replication"])["wait_min"].mean().groupby("agency").mean()
    for agency, scope in folder.summary["agencies"].items():
        assert per_day[agency] == pytest.approx(scope["wait_mean_min"]), agency
        served = waits[waits["agency"] == agency].groupby("replication").size().mean()
        assert served == pytest.approx(scope["served"]), agency
    names = rd.agency_names(folder.scenario)
    figure = fg.wait_figure(waits, names, fg.agency_colours(list(names)), Texts("en"), 15.0)
    ax = figure.axes[0]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == [names[a] for a in names]
    # the standard is drawn where it is
    assert any(list(line.get_xdata()) == [15.0, 15.0] for line in ax.get_lines())


def test_queue_series_is_the_mean_over_days(folder):
    series = rd.queue_series(folder)
    ts = folder.timeseries
    raw = ts[(ts["kind"] == "agency") & (ts["metric"] == "queue")]
    expected = raw.groupby(["entity", "time_min"], observed=True)["value"].mean()
    merged = series.set_index(["entity", "time_min"])["mean"]
    assert merged.to_numpy() == pytest.approx(expected.reindex(merged.index).to_numpy())
    assert (series["lo"] <= series["mean"] + 1e-9).all()
    assert (series["mean"] <= series["hi"] + 1e-9).all()
    # a bin's average never exceeds the day's longest queue
    peak = series.groupby("entity")["hi"].max()
    for agency, scope in folder.summary["agencies"].items():
        assert series[series["entity"] == agency]["mean"].max() <= scope["queue_max"] + 1e-9
        assert peak[agency] >= 0


def test_group_duty_matches_the_engine_on_duty_series(folder):
    groups = rd.group_utilization(folder)
    duty = rd.on_duty_series(folder)
    day = folder.scenario.calendar.days["weekday"]
    for agency in folder.agencies:
        rows = duty[(duty["entity"] == agency) & (duty["time_min"] >= day.open)]
        rows = rows[rows["time_min"] < day.close]
        step = float(np.diff(np.sort(duty["time_min"].unique())).min())
        integral = float(rows["mean"].sum() * step)
        mine = groups[groups["agency"] == agency]
        # scheduled duty: a counter going on break first finishes its visitor, so the engine's
        # counters are on duty a little longer than scheduled, never shorter
        assert mine["on_duty_min"].sum() <= integral + 1e-6, agency
        assert mine["on_duty_min"].sum() == pytest.approx(integral, rel=0.02), agency
        assert mine["counters"].sum() == sum(
            folder.scenario.agencies[agency].counter_groups().values()
        )
    assert ((groups["utilization"] > 0) & (groups["utilization"] <= 1.0)).all()


def test_utilization_figure_draws_the_summary(folder):
    names = rd.agency_names(folder.scenario)
    groups = rd.group_utilization(folder)
    figure = fg.utilization_figure(
        folder.summary["agencies"], groups, names, fg.agency_colours(list(names)), Texts("en")
    )
    ax = figure.axes[0]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    widths = dict(zip(labels, [p.get_width() for p in ax.patches], strict=True))
    for agency, scope in folder.summary["agencies"].items():
        assert widths[names[agency]] == pytest.approx(100 * scope["utilization"]), agency


def test_zone_series_against_the_summary(folder):
    series = rd.zone_series(folder)
    assert set(series["entity"]) == set(folder.scenario.layout.zones)
    for zone, figures in folder.summary["zones"].items():
        rows = series[series["entity"] == zone]
        assert rows["mean"].max() <= figures["occupancy_peak"] + 1e-9, zone


def test_names_come_from_the_scenario(folder):
    names = rd.agency_names(folder.scenario)
    assert names["dukcapil"] == "Disdukcapil"
    zones = rd.zone_names(folder.scenario)
    assert zones["lobby"] == "Lobby, kiosks, information"
    assert zones["g_hall_a"] != zones["u_hall_a"]  # same label on two floors: floor added


@pytest.mark.parametrize("lang", ["id", "en"])
def test_plots_have_no_overlapping_text(folder, reqs, lang):
    t = Texts(lang)
    names = rd.agency_names(folder.scenario)
    colours = fg.agency_colours(list(names))
    window = rd.active_window(folder)
    seats = {z: folder.summary["zones"][z]["seats"] for z in folder.scenario.layout.zones}
    figures = {
        "arrivals": fg.arrivals_figure(
            rd.arrivals_per_hour(folder, reqs), names, colours, t, window, True
        ),
        "queues": fg.queue_figure(rd.queue_series(folder), names, colours, t, window, True),
        "waits": fg.wait_figure(rd.wait_samples(folder, reqs), names, colours, t, 15.0),
        "utilization": fg.utilization_figure(
            folder.summary["agencies"], rd.group_utilization(folder), names, colours, t
        ),
        "on duty": fg.on_duty_figure(rd.on_duty_series(folder), names, colours, t, window, True),
        "zones": fg.zone_figure(
            rd.zone_series(folder), rd.zone_names(folder.scenario), seats, t, window, True
        ),
        "floor plan": floor_plan_figure(folder.scenario, folder.summary, t, names),
    }
    for name, figure in figures.items():
        assert fg.overlapping_texts(figure) == [], name
        assert figure.get_suptitle() or figure.axes[0].get_title(), f"{name} has no title"


def test_floor_plan_labels_stay_inside_their_zones_and_use_names(folder):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    t = Texts("en")
    figure = floor_plan_figure(folder.scenario, folder.summary, t, rd.agency_names(folder.scenario))
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    labelled = 0
    for ax in figure.axes[:-1]:  # the last axes is the colour bar
        zones = [p for p in ax.patches if p.get_facecolor()[3] > 0 and p.get_fill()]
        for text in ax.texts:
            if not text.get_text():
                continue
            box = text.get_window_extent(renderer)
            inside = [z for z in zones if z.get_window_extent(renderer).contains(*box.min)]
            assert inside, text.get_text()
            zone_box = inside[-1].get_window_extent(renderer)
            assert zone_box.x0 <= box.x0, text.get_text()
            assert box.x1 <= zone_box.x1, text.get_text()
            assert zone_box.y0 <= box.y0, text.get_text()
            assert box.y1 <= zone_box.y1, text.get_text()
            labelled += 1
    assert labelled == len(folder.scenario.layout.zones)
    text = "\n".join(t.get_text() for ax in figure.axes for t in ax.texts)
    assert "Hall A" in text
    assert "Disdukcapil: 10 counters" in text
    assert "g_hall_a" not in text
    assert " 1 counters" not in text


def test_one_counter_is_singular(folder):
    from mppsim.report.floorplan import _agency_line

    line = _agency_line("bank_daerah", folder.scenario, folder.summary, Texts("en"), {})
    assert "2 counters" in line
    scenario = folder.scenario.model_copy(
        update={
            "agencies": {
                **folder.scenario.agencies,
                "bpn": folder.scenario.agencies["bpn"].model_copy(update={"counters": 1}),
            }
        }
    )
    assert "1 counter," in _agency_line("bpn", scenario, folder.summary, Texts("en"), {})


def test_a_folder_without_layout_or_calendar_still_reports(tmp_path):
    import mppsim
    from mppsim.report.build import build_report
    from mppsim.report.folder import write_run

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "scenarios" / "w1_mmc.yaml"
    scenario = mppsim.load_scenario(path, ["horizon.duration=600"])
    folder = write_run(mppsim.run(scenario, replications=2, seed=1), tmp_path / "mmc",
                       report=False)  # fmt: skip
    report = build_report(folder, "en")
    assert "steady-state" in report.read_text(encoding="utf-8")


def test_requests_collapse_stages():
    visits = pd.DataFrame(
        {
            "replication": [0, 0, 0],
            "visitor": [0, 0, 1],
            "request": [0, 0, 0],
            "kind": ["agency"] * 3,
            "station": ["imigrasi"] * 3,
            "outcome": ["served", "reneged", "turned_away"],
            "reason": ["", "", "quota"],
            "ticket_min": [10.0, 20.0, 30.0],
            "start_min": [15.0, np.nan, np.nan],
            "end_min": [19.0, 50.0, 30.0],
            "wait_min": [5.0, np.nan, np.nan],
        }
    )
    reqs = rd.requests(visits)
    assert list(reqs["outcome"]) == ["reneged", "turned_away"]
    assert list(reqs["loss"]) == ["reneged", "quota"]
    assert list(reqs["wait_min"]) == [5.0, 0.0]
    assert list(reqs["counter_min"]) == [4.0, 0.0]
    assert list(reqs["ticket_min"]) == [10.0, 30.0]
