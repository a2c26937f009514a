def test_language_defaults_to_indonesian_for_a_city_scenario():
    """The issue's rule: the scenario's ``language``, else Indonesian with a ``city`` block,
    else English."""
    from pathlib import Path

    import mppsim
    from mppsim.report.build import scenario_language

    scenarios = Path(__file__).resolve().parents[2] / "scenarios"
    assert scenario_language(mppsim.load_scenario(scenarios / "mpp_kota_sedang.yaml")) is None
    city = mppsim.load_scenario(scenarios / "mpp_surakarta.yaml")
    assert city.city is not None
    assert scenario_language(city) == "id"
    english = mppsim.load_scenario(scenarios / "mpp_surakarta.yaml", ["language=en"])
    assert scenario_language(english) == "en"
