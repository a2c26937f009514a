"""The reference MPPs of the studi tiru: plausible against what is published, and honest.

Each reference scenario is checked against the public figures stated below (with
their sources), with the tolerance said next to each check. Simulations are short
(a few replications of one day, fixed seeds) so the whole file costs a few seconds.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mppsim
from mppsim.cities import references, scenario_name_for, unmarked_numbers, write_new_city
from mppsim.cli import app
from mppsim.errors import MppsimError
from mppsim.scenario import export_json_schema
from mppsim.units import parse_clock

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DOCS = ROOT / "docs"
REFERENCE_IDS = [
    "badung",
    "banyuwangi",
    "kota_tangerang",
    "kota_tasikmalaya",
    "palembang",
    "surakarta",
    "surakarta_pandemi_2021",
]
REFS = references(SCENARIOS)
ALL_REFS = sorted(REFS)  # a seventh city is a scenario file: it gets the generic checks too

# --------------------------------------------------------------------------- published figures
# Only what shared/research/mpp-domain.md gives, with its source.

AGENCY_COUNT = {
    # MPP Surakarta: "21 konter lintas instansi" (Republika, 13 Aug 2020); 21 institutions
    # (DPRD Surakarta, 7 Oct 2020).
    "surakarta": 21,
    "surakarta_pandemi_2021": 21,
    # MPP Banyuwangi: 233 services from 24 government agencies (detik, 24 Jan 2022).
    "banyuwangi": 24,
    # MPP Palembang: 30 instansi (RMOL Sumsel, Jul 2021).
    "palembang": 30,
    # MPP Badung: 31 instansi, 152 services (Kabar Jagad, 23 Sep 2025).
    "badung": 31,
    # MPP Kota Tangerang: 11 ministries/agencies/corporations + 5 OPDs (Antara Banten, 2022).
    "kota_tangerang": 16,
    # MPP Kota Tasikmalaya: 8 vertical + 2 provincial + 13 city OPDs + 1 BUMN + 1 association
    # + 1 bank (Media Indonesia, 12 Oct 2022).
    "kota_tasikmalaya": 26,
}

OPENING_HOURS = {
    # Surakarta: Mon-Thu 08.00-15.00, Fri 08.00-11.00 (Tribunnews, 18 Jun 2021).
    "surakarta": {"weekday": ("08:00", "15:00"), "friday": ("08:00", "11:00")},
    "surakarta_pandemi_2021": {"weekday": ("08:00", "15:00"), "friday": ("08:00", "11:00")},
    # Palembang: normal hours 08.00-16.00 (IDN Times Sumsel, 19 Mar 2020).
    "palembang": {"weekday": ("08:00", "16:00")},
}

# Banyuwangi: "usually closes at 14.00" (Pemkab Banyuwangi, 7 Oct 2022) and open Monday to
# Saturday (detik, 24 Jan 2022).
BANYUWANGI_CLOSE = "14:00"

# Surakarta, pandemic: "up to 150 visitors per day" (Tribunnews, 18 Jun 2021).
SURAKARTA_PANDEMIC_VISITORS = 150

# Banyuwangi: 218,345 documents and permits in 2018 (Gesuri, 13 Feb 2019), over ~300
# Monday-Saturday working days: ~728 a day (derived; documents taken as served requests).
BANYUWANGI_DOCUMENTS_PER_DAY = 218_345 / 300

# Kota Tasikmalaya: 28 outlets (Media Indonesia, 12 Oct 2022); one desk per outlet assumed.
TASIKMALAYA_OUTLETS = 28


def summary(ref_id: str, replications: int = 8, seed: int = 11) -> dict:
    return mppsim.run(REFS[ref_id].scenario, replications=replications, seed=seed).summary


# --------------------------------------------------------------------------- inventory


def test_all_six_cities_and_the_variant_are_references():
    assert set(REFERENCE_IDS) <= set(REFS)
    kinds = {ref_id: ref.scenario.city.kind for ref_id, ref in REFS.items()}
    assert kinds["banyuwangi"] == kinds["badung"] == "kabupaten"
    assert {kinds[c] for c in ("surakarta", "palembang", "kota_tangerang", "kota_tasikmalaya")} == {
        "kota"
    }


@pytest.mark.parametrize("ref_id", ALL_REFS)
def test_city_block_names_population_source_and_year(ref_id):
    city = REFS[ref_id].scenario.city
    assert city.population.value > 100_000
    assert 2015 <= city.population.year <= 2026
    assert "BPS" in city.population.source
    values = REFS[ref_id].scenario.sources.values
    assert values["city.population"].basis == "sourced"


def test_pandemic_variant_says_what_it_is_and_changes_only_the_demand():
    normal, pandemic = REFS["surakarta"], REFS["surakarta_pandemi_2021"]
    assert "NORMAL TIMES" in normal.path.read_text(encoding="utf-8")
    text = pandemic.path.read_text(encoding="utf-8")
    assert "PANDEMIC VARIANT" in text
    assert "extends: mpp_surakarta.yaml" in text
    a = normal.scenario.model_dump(exclude={"name", "description", "arrivals", "sources"})
    b = pandemic.scenario.model_dump(exclude={"name", "description", "arrivals", "sources"})
    assert a == b
    assert pandemic.scenario.arrivals.daily_visitors == SURAKARTA_PANDEMIC_VISITORS
    assert normal.scenario.arrivals.daily_visitors != SURAKARTA_PANDEMIC_VISITORS


# --------------------------------------------------------------------------- published facts, exact


@pytest.mark.parametrize("ref_id", REFERENCE_IDS)
def test_agency_count_is_the_published_one(ref_id):
    """Exact: the number of agencies (booths, institutions) each source states."""
    assert len(REFS[ref_id].scenario.agencies) == AGENCY_COUNT[ref_id]


@pytest.mark.parametrize("ref_id", sorted(OPENING_HOURS))
def test_opening_hours_are_the_published_ones(ref_id):
    """Exact: the published opening and closing times."""
    days = REFS[ref_id].scenario.calendar.days
    for day, (open_, close) in OPENING_HOURS[ref_id].items():
        assert days[day].open == parse_clock(open_)
        assert days[day].close == parse_clock(close)


def test_banyuwangi_closes_at_14_and_opens_on_saturday():
    days = REFS["banyuwangi"].scenario.calendar.days
    assert days["weekday"].close == parse_clock(BANYUWANGI_CLOSE)
    assert "saturday" in days
    breaks = [b for b in days["weekday"].breaks if b.counters_closed == "all"]
    assert breaks, "the all-stop stretching break (sourced practice) must be modelled"


def test_tasikmalaya_has_one_desk_per_published_outlet():
    agencies = REFS["kota_tasikmalaya"].scenario.agencies.values()
    assert sum(sum(a.counter_groups().values()) for a in agencies) == TASIKMALAYA_OUTLETS


@pytest.mark.parametrize("ref_id", ["surakarta", "banyuwangi", "palembang", "kota_tasikmalaya"])
def test_published_buildings_have_a_layout(ref_id):
    layout = REFS[ref_id].scenario.layout
    assert layout is not None
    floors = {"surakarta": 4, "banyuwangi": 1, "palembang": 2, "kota_tasikmalaya": 2}
    # Surakarta's four storeys are sourced; Banyuwangi models its counter floor only.
    assert len(layout.floors) == floors[ref_id]


# --------------------------------------------------------------------------- simulated vs published


def test_surakarta_pandemic_serves_about_the_published_150_a_day():
    """Served visitors per day within 15% of the published 150 (8 days, seed 11)."""
    served = summary("surakarta_pandemi_2021")["mpp"]["served"]
    assert abs(served - SURAKARTA_PANDEMIC_VISITORS) <= 0.15 * SURAKARTA_PANDEMIC_VISITORS


@pytest.mark.parametrize("ref_id", ["surakarta", "surakarta_pandemi_2021"])
def test_surakarta_busiest_services_are_the_published_ones(ref_id):
    """Dukcapil gets 'up to half' (we accept 40-55% of visitors), then Police, then DPMPTSP."""
    result = summary(ref_id)
    arrivals = {a: s["arrivals"] for a, s in result["agencies"].items()}
    arrivals["dpmptsp"] = arrivals.pop("dpmptsp_kota") + arrivals.pop("dpmptsp_jateng")
    share = arrivals["dukcapil"] / result["mpp"]["arrivals"]
    assert 0.40 <= share <= 0.55
    ranking = sorted(arrivals, key=arrivals.get, reverse=True)
    assert ranking[:3] == ["dukcapil", "polres", "dpmptsp"]


def test_banyuwangi_serves_about_the_documents_of_2018():
    """Served service requests per day within 15% of the ~728 documents a day derived from 2018."""
    result = summary("banyuwangi", replications=6)
    served = sum(scope["served"] for scope in result["agencies"].values())
    assert abs(served - BANYUWANGI_DOCUMENTS_PER_DAY) <= 0.15 * BANYUWANGI_DOCUMENTS_PER_DAY


@pytest.mark.parametrize("ref_id", ["palembang", "badung", "kota_tangerang", "kota_tasikmalaya"])
def test_dukcapil_is_busiest_where_no_ranking_is_published(ref_id):
    """No ranking published: the models follow comparable MPPs (Dukcapil first, sourced there)."""
    result = summary(ref_id, replications=3)
    arrivals = {a: s["arrivals"] for a, s in result["agencies"].items()}
    assert max(arrivals, key=arrivals.get) == "dukcapil"
    # A starting plan must be workable: most visitors are served.
    assert result["mpp"]["served"] >= 0.85 * result["mpp"]["arrivals"]


# --------------------------------------------------------------------------- honesty


@pytest.mark.parametrize("ref_id", ALL_REFS)
def test_every_number_is_sourced_or_marked_assumed(ref_id):
    unmarked = unmarked_numbers(REFS[ref_id].path)
    assert unmarked == [], "\n".join(f"line {u.line}: {u.field} = {u.value}" for u in unmarked)


@pytest.mark.parametrize("ref_id", ALL_REFS)
def test_every_reference_is_complete_and_cited(ref_id):
    sources = REFS[ref_id].scenario.sources
    cited = {ref for prov in sources.values.values() for ref in prov.refs}
    for ref_id_, ref in sources.references.items():
        assert ref.title, ref_id_
        assert ref.url, ref_id_
    assert cited <= set(sources.references)
    assert "studi_tiru_menpan_2021" in sources.references


def test_the_rule_fails_on_an_unmarked_number(tmp_path):
    text = (SCENARIOS / "mpp_surakarta.yaml").read_text(encoding="utf-8")
    (line,) = [x for x in text.splitlines() if x.startswith("  count: 2 ")]
    assert "# assumed:" in line
    bad = tmp_path / "mpp_surakarta.yaml"
    bad.write_text(text.replace(line, "  count: 2"), encoding="utf-8")
    unmarked = unmarked_numbers(bad)
    assert [(u.field, u.value) for u in unmarked] == [("kiosk.count", 2)]
    assert unmarked[0].line == text[: text.index(line)].count("\n") + 1
    # the mark needs a reason: "# assumed" alone is not enough
    bad.write_text(text.replace(line, "  count: 2  # assumed"), encoding="utf-8")
    assert [u.field for u in unmarked_numbers(bad)] == ["kiosk.count"]
    bad.write_text(text.replace(line, "  count: 2  # assumed: one per ~150 visitors"), "utf-8")
    assert unmarked_numbers(bad) == []


def test_the_rule_fails_when_a_sourced_value_loses_its_source(tmp_path):
    text = (SCENARIOS / "mpp_surakarta.yaml").read_text(encoding="utf-8")
    entry = "    calendar.days.weekday.close: {basis: sourced, refs: [surakarta_tribun_2021]}\n"
    assert entry in text
    bad = tmp_path / "mpp_surakarta.yaml"
    bad.write_text(text.replace(entry, ""), encoding="utf-8")
    assert [u.field for u in unmarked_numbers(bad)] == ["calendar.days.weekday.close"]


# --------------------------------------------------------------------------- template and mppsim new


def _property_names(schema: dict) -> set[str]:
    names = set(schema.get("properties", {}))
    for definition in schema.get("$defs", {}).values():
        names |= set(definition.get("properties", {}))
    return names


def test_template_mentions_every_field_of_the_schema():
    text = (SCENARIOS / "template.yaml").read_text(encoding="utf-8")
    missing = sorted(n for n in _property_names(export_json_schema()) if f"{n}:" not in text)
    assert missing == []
    assert "# ID:" in text
    assert "EN:" in text


def test_template_validates_and_runs():
    scenario = mppsim.load_scenario(SCENARIOS / "template.yaml")
    assert scenario.city is not None
    result = mppsim.run(scenario, replications=2, seed=1)
    assert result.summary["mpp"]["served"] > 0


@pytest.mark.parametrize("reference", [None, "surakarta", "surakarta_pandemi_2021", "badung"])
def test_new_city_validates_and_runs(tmp_path, reference):
    path, scenario = write_new_city(
        "Kota Bogor",
        reference,
        tmp_path / "bogor.yaml",
        population=1_043_070,
        province="Jawa Barat",
        population_source="BPS, SP2020",
        population_year=2020,
    )
    assert scenario.name == scenario_name_for("Kota Bogor") == "mpp_kota_bogor"
    assert scenario.city.name == "Kota Bogor"
    assert scenario.city.population.value == 1_043_070
    assert scenario.city.population.year == 2020
    assert scenario.city.kind == "kota"
    text = path.read_text(encoding="utf-8")
    assert "extends" not in text.split("sources:")[0].replace("# extends:", "")
    assert "Starting plan for Kota Bogor" in text
    if reference is not None:
        assert "# assumed:" in text  # the reference's markings survive
        expected = REFS[reference].scenario.arrivals.daily_visitors
        assert scenario.arrivals.daily_visitors == expected
    assert mppsim.run(scenario, replications=1, seed=2).summary["mpp"]["arrivals"] > 0


def test_new_city_refuses_bad_input(tmp_path):
    with pytest.raises(MppsimError, match=r"unknown reference 'solo'; available: badung, "):
        write_new_city("Kota Bogor", "solo", tmp_path / "a.yaml")
    out = tmp_path / "b.yaml"
    out.write_text("mine", encoding="utf-8")
    with pytest.raises(MppsimError, match="already exists; use --force"):
        write_new_city("Kota Bogor", None, out)
    assert out.read_text(encoding="utf-8") == "mine"
    with pytest.raises(MppsimError, match="positive"):
        write_new_city("Kota Bogor", None, tmp_path / "c.yaml", population=-5)
    with pytest.raises(MppsimError, match="letter or digit"):
        write_new_city("---", None, tmp_path / "d.yaml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml"]


def test_new_city_kind_is_read_from_the_name(tmp_path):
    _, scenario = write_new_city("Kabupaten\n  Sleman ", "surakarta", tmp_path / "s.yaml")
    assert scenario.city.name == "Kabupaten Sleman"
    assert scenario.city.kind == "kabupaten"
    assert "PLACEHOLDER" in scenario.city.population.source


def _console_script() -> str:
    beside = Path(sys.executable).parent / "mppsim"
    exe = str(beside) if beside.exists() else shutil.which("mppsim")
    assert exe is not None, "the mppsim console script is not installed"
    return exe


def test_console_script_new_then_run(tmp_path):
    exe = _console_script()
    new = subprocess.run(
        [exe, "new", "Kota Bogor", "--from", "surakarta", "--population", "1043070"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert new.returncode == 0, new.stderr
    assert (tmp_path / "mpp_kota_bogor.yaml").is_file()
    run = subprocess.run(
        [exe, "run", "mpp_kota_bogor.yaml", "-r", "1", "--out", "out", "--quiet"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["replications"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "solo"], "unknown reference 'solo'; available: badung, banyuwangi"),
        (["--out", "taken.yaml"], "taken.yaml already exists; use --force"),
        (["--population", "0"], "--population must be a positive number"),
        (["--kind", "kotamadya"], "--kind must be 'kota' or 'kabupaten'"),
    ],
)
def test_cli_new_refuses_bad_input_with_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.yaml").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["new", "Kota Bogor", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.yaml"]


def test_wheel_ships_the_scenarios_and_new_works_from_it(tmp_path):
    """A non-editable install finds the references inside the package (force-include)."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if build.returncode != 0:
        pytest.skip(
            f"cannot build a wheel here (no build backend available): {build.stderr[-300:]}"
        )
    (wheel,) = tmp_path.glob("mppsim-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    for ref_id in REFERENCE_IDS:
        assert f"mppsim/_scenarios/mpp_{ref_id}.yaml" in names
    assert "mppsim/_scenarios/template.yaml" in names
    work = tmp_path / "work"
    work.mkdir()
    code = (
        "import sys, mppsim, mppsim.cities as c; "
        f"assert mppsim.__file__.startswith({str(site)!r}), mppsim.__file__; "
        "assert c.scenarios_dir().name == '_scenarios', c.scenarios_dir(); "
        "sys.argv = ['mppsim', 'new', 'Kota Bogor', '--from', 'surakarta']; "
        "from mppsim.cli import app; app()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=work,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert mppsim.load_scenario(work / "mpp_kota_bogor.yaml").city.name == "Kota Bogor"


def test_studi_tiru_table_script_prints_every_reference():
    spec = importlib.util.spec_from_file_location("studi_tiru_table", DOCS / "studi_tiru_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.table(replications=2, seed=1)
    rows = [line for line in text.splitlines() if line.startswith("| ") and "±" in line]
    names = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    assert names[: len(module.ORDER)] == module.ORDER
    assert sorted(names) == ALL_REFS
