from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from scipy import stats

from mppsim.distributions import (
    Deterministic,
    Distribution,
    DistributionSpec,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Sampler,
    Triangular,
    Uniform,
    Weibull,
    describe,
)

ADAPTER: TypeAdapter[DistributionSpec] = TypeAdapter(Distribution)
N = 200_000
Z999 = 3.29  # two-sided 99.9% normal quantile

SPECS: list[dict[str, object]] = [
    {"dist": "exponential", "mean": 6},
    {"dist": "exponential", "mean": "45 s"},
    {"dist": "lognormal", "mean": 6, "cv": 0.6},
    {"dist": "lognormal", "mean": "2 min", "cv": 0.25},
    {"dist": "lognormal", "mu": 1.0, "sigma": 0.5},
    {"dist": "lognormal", "mu": -0.5, "sigma": 0.3},
    {"dist": "gamma", "mean": 6, "cv": 0.5},
    {"dist": "gamma", "mean": 3, "cv": 1.5},
    {"dist": "gamma", "shape": 2.0, "scale": 1.5},
    {"dist": "gamma", "shape": 0.7, "scale": "30 s"},
    {"dist": "weibull", "mean": 6, "cv": 0.5},
    {"dist": "weibull", "mean": 4, "cv": 1.2},
    {"dist": "weibull", "shape": 1.5, "scale": 4.0},
    {"dist": "weibull", "shape": 3.0, "scale": 10.0},
    {"dist": "triangular", "low": 1, "mode": 2, "high": 5},
    {"dist": "triangular", "low": 0, "mode": 0, "high": 3},
    {"dist": "triangular", "low": "1 min", "mode": "5 min", "high": "5 min"},
    {"dist": "uniform", "low": 2, "high": 8},
    {"dist": "uniform", "low": -1, "high": 1},
    {"dist": "empirical", "values": [1.0, 2.0, 2.0, 3.5, 10.0]},
    {"dist": "empirical", "values": ["30 s", "1 min", "4 min"]},
]


def _id(spec: dict[str, object]) -> str:
    return "-".join(str(v) for v in spec.values())


@pytest.mark.parametrize("data", SPECS, ids=_id)
def test_sample_moments_match(data: dict[str, object]) -> None:
    sampler = ADAPTER.validate_python(data).to_sampler()
    x = sampler.sample(np.random.default_rng(20240601), N)
    assert x.dtype == np.float64
    assert x.shape == (N,)
    assert x.min() >= sampler.support_min

    mean, var = sampler.mean, sampler.variance
    half_width = Z999 * math.sqrt(var / N)
    assert abs(x.mean() - mean) <= half_width

    s2 = x.var(ddof=1)
    m4 = np.mean((x - x.mean()) ** 4)
    var_half_width = Z999 * math.sqrt((m4 - s2 * s2) / N)
    assert abs(s2 - var) <= var_half_width


def test_deterministic_samples() -> None:
    spec = Deterministic(value="90 s")
    sampler = spec.to_sampler()
    x = sampler.sample(np.random.default_rng(1), 1000)
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x, np.full(1000, 1.5))
    assert (sampler.mean, sampler.variance, sampler.support_min) == (1.5, 0.0, 1.5)


# ------------------------------------------------------------------ exact conversions


def test_gamma_mean_cv() -> None:
    sampler = Gamma(mean=6, cv=0.5).to_sampler()
    assert sampler.params == pytest.approx((4.0, 1.5))
    assert sampler.mean == pytest.approx(6.0, rel=1e-12)
    assert sampler.variance == pytest.approx(9.0, rel=1e-12)


def test_lognormal_mean_cv() -> None:
    sampler = Lognormal(mean=6, cv=0.6).to_sampler()
    assert sampler.mean == pytest.approx(6.0, rel=1e-12)
    assert sampler.variance == pytest.approx(3.6**2, rel=1e-12)
    mu, sigma = sampler.params
    assert sigma**2 == pytest.approx(math.log(1 + 0.36), rel=1e-12)
    assert mu == pytest.approx(math.log(6) - sigma**2 / 2, rel=1e-12)


@pytest.mark.parametrize(("mean", "cv"), [(6, 0.5), (6, 1.0), (2, 0.1), (10, 2.5), (1, 0.01)])
def test_weibull_mean_cv(mean: float, cv: float) -> None:
    sampler = Weibull(mean=mean, cv=cv).to_sampler()
    assert sampler.mean == pytest.approx(mean, rel=1e-9)
    assert math.sqrt(sampler.variance) / sampler.mean == pytest.approx(cv, rel=1e-9)


def test_weibull_cv_one_is_exponential() -> None:
    shape, scale = Weibull(mean=5, cv=1).to_sampler().params
    assert shape == pytest.approx(1.0, rel=1e-9)
    assert scale == pytest.approx(5.0, rel=1e-9)


def test_exponential_moments() -> None:
    sampler = Exponential(mean="6 min").to_sampler()
    assert (sampler.mean, sampler.variance, sampler.support_min) == (6.0, 36.0, 0.0)


@pytest.mark.parametrize(
    ("spec", "frozen"),
    [
        (Lognormal(mu=1.0, sigma=0.5), stats.lognorm(s=0.5, scale=math.e)),
        (Gamma(shape=2.5, scale=1.5), stats.gamma(a=2.5, scale=1.5)),
        (Weibull(shape=1.7, scale=3.0), stats.weibull_min(c=1.7, scale=3.0)),
        (Weibull(shape=0.6, scale=2.0), stats.weibull_min(c=0.6, scale=2.0)),
        (Triangular(low=1, mode=2, high=5), stats.triang(c=0.25, loc=1, scale=4)),
        (Uniform(low=2, high=8), stats.uniform(loc=2, scale=6)),
        (Exponential(mean=3), stats.expon(scale=3)),
    ],
    ids=lambda v: getattr(v, "dist", ""),
)
def test_moments_agree_with_scipy(spec: DistributionSpec, frozen: object) -> None:
    sampler = spec.to_sampler()
    mean, var = frozen.stats(moments="mv")  # type: ignore[attr-defined]
    assert sampler.mean == pytest.approx(float(mean), rel=1e-12)
    assert sampler.variance == pytest.approx(float(var), rel=1e-10)
    assert sampler.support_min == pytest.approx(float(frozen.support()[0]))  # type: ignore[attr-defined]


def test_empirical_moments_are_population_moments() -> None:
    values = [1.0, 2.0, 3.0, 10.0]
    sampler = Empirical(values=values).to_sampler()
    assert sampler.mean == pytest.approx(4.0)
    assert sampler.variance == pytest.approx(np.var(values))
    assert sampler.support_min == 1.0


def test_empirical_samples_only_observed_values() -> None:
    sampler = Empirical(values=["30 s", 2, 7]).to_sampler()
    x = sampler.sample(np.random.default_rng(3), 1000)
    assert set(np.unique(x)) == {0.5, 2.0, 7.0}


@pytest.mark.parametrize(
    ("spec", "low"),
    [
        (Triangular(low=1, mode=2, high=5), 1.0),
        (Uniform(low=-1, high=1), -1.0),
        (Gamma(mean=1, cv=1), 0.0),
        (Lognormal(mean=1, cv=1), 0.0),
        (Weibull(shape=2, scale=1), 0.0),
    ],
)
def test_support_min(spec: DistributionSpec, low: float) -> None:
    assert spec.to_sampler().support_min == low


# ---------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"dist": "lognormal", "mean": 6, "cv": 0.5, "mu": 1, "sigma": 0.5}, "not both"),
        ({"dist": "lognormal", "mean": 6, "cv": 0.5, "mu": 1}, "not both"),
        ({"dist": "lognormal"}, "either mean and cv, or mu and sigma"),
        ({"dist": "lognormal", "mean": 6}, "missing cv"),
        ({"dist": "lognormal", "sigma": 0.5}, "missing mu"),
        ({"dist": "gamma", "mean": 6, "cv": 0.5, "shape": 2, "scale": 3}, "not both"),
        ({"dist": "gamma"}, "either mean and cv, or shape and scale"),
        ({"dist": "gamma", "shape": 2}, "missing scale"),
        ({"dist": "weibull", "mean": 6, "cv": 0.5, "shape": 2, "scale": 3}, "not both"),
        ({"dist": "weibull"}, "either mean and cv"),
        ({"dist": "weibull", "mean": 6, "cv": 1000}, "cannot be reached"),
        ({"dist": "weibull", "mean": 6, "cv": 1e-5}, "cannot be reached"),
        ({"dist": "lognormal", "mean": 6, "cv": 0}, "greater than 0"),
        ({"dist": "lognormal", "mean": 6, "cv": -0.5}, "greater than 0"),
        ({"dist": "gamma", "mean": 6, "cv": 0}, "greater than 0"),
        ({"dist": "weibull", "mean": 6, "cv": 0}, "greater than 0"),
        ({"dist": "lognormal", "mu": 1, "sigma": 0}, "greater than 0"),
        ({"dist": "gamma", "shape": -1, "scale": 1}, "greater than 0"),
        ({"dist": "gamma", "shape": 1, "scale": "0 s"}, "> 0"),
        ({"dist": "exponential", "mean": 0}, "> 0"),
        ({"dist": "exponential", "mean": "-6 min"}, "> 0"),
        ({"dist": "exponential", "mean": "6 days"}, "unknown time unit"),
        ({"dist": "triangular", "low": 3, "mode": 3, "high": 3}, "low must be < high"),
        ({"dist": "triangular", "low": 1, "mode": 0, "high": 3}, "mode must lie in"),
        ({"dist": "triangular", "low": 1, "mode": 4, "high": 3}, "mode must lie in"),
        ({"dist": "uniform", "low": 2, "high": 2}, "low must be < high"),
        ({"dist": "uniform", "low": 3, "high": 2}, "low must be < high"),
        ({"dist": "empirical", "values": []}, "at least 1 item"),
        ({"dist": "empirical"}, "Field required"),
        ({"dist": "empirical", "values": [1, math.nan]}, "not finite"),
        ({"dist": "empirical", "values": [1, math.inf]}, "not finite"),
        ({"dist": "exponential", "mean": math.nan}, "not finite"),
        ({"dist": "exponential", "mean": math.inf}, "not finite"),
        ({"dist": "lognormal", "mu": math.nan, "sigma": 1}, "finite number"),
        ({"dist": "lognormal", "mean": 1, "cv": math.inf}, "finite number"),
        ({"dist": "uniform", "low": 0, "high": "inf"}, "'inf'"),
        ({"dist": "lognormal", "mu": 1, "sigma": 40}, "infinite mean or variance"),
        ({"dist": "gamma", "mean": 1, "cv": 1e-200}, "usable range"),
        ({"dist": "exponential", "mean": 6, "cv": 0.5}, "Extra inputs are not permitted"),
        ({"dist": "uniform", "low": 0, "hi": 1}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_specs(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        ADAPTER.validate_python(data)
    messages = " | ".join(e["msg"] for e in excinfo.value.errors())
    assert fragment in messages


@pytest.mark.parametrize("data", [{"dist": "normal", "mean": 1}, {"mean": 1}, {"dist": 3}])
def test_unknown_or_missing_dist_uses_discriminator_error(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as excinfo:
        ADAPTER.validate_python(data)
    (error,) = excinfo.value.errors()
    assert error["type"] in {"union_tag_invalid", "union_tag_not_found"}


def test_specs_are_frozen() -> None:
    spec = Exponential(mean=6)
    with pytest.raises(ValidationError):
        spec.mean = 7  # type: ignore[misc]
    assert hash(spec) == hash(Exponential(mean="6 min"))
    assert hash(Empirical(values=[1, 2]))  # tuple field keeps it hashable


# ------------------------------------------------------------------- as a field type


class Service(BaseModel):
    time: Distribution
    group_size: Distribution


def test_distribution_as_field_round_trips() -> None:
    svc = Service.model_validate(
        {
            "time": {"dist": "lognormal", "mean": "6 min", "cv": 0.6},
            "group_size": {"dist": "empirical", "values": [1, 1, 2, 3]},
        }
    )
    assert isinstance(svc.time, Lognormal)
    assert svc.time.mean == 6.0
    assert Service.model_validate(svc.model_dump(mode="json")) == svc
    assert Service.model_validate_json(svc.model_dump_json()) == svc


@pytest.mark.parametrize("data", SPECS, ids=_id)
def test_every_spec_round_trips(data: dict[str, object]) -> None:
    spec = ADAPTER.validate_python(data)
    assert ADAPTER.validate_json(ADAPTER.dump_json(spec)) == spec
    assert ADAPTER.validate_python(spec.model_dump(exclude_none=True)) == spec


def test_field_error_location() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Service.model_validate(
            {"time": {"dist": "gamma", "mean": 6}, "group_size": {"dist": "deterministic"}}
        )
    locs = {e["loc"] for e in excinfo.value.errors()}
    assert ("time", "gamma") in locs
    assert ("group_size", "deterministic", "value") in locs


def test_json_schema_has_descriptions_and_discriminator() -> None:
    schema = Service.model_json_schema()
    assert schema["properties"]["time"]["discriminator"]["propertyName"] == "dist"
    for name, definition in schema["$defs"].items():
        for field_name, prop in definition["properties"].items():
            if field_name != "dist":
                assert prop.get("description"), (name, field_name)
    mean = schema["$defs"]["Exponential"]["properties"]["mean"]
    assert [alt["type"] for alt in mean["anyOf"]] == ["number", "string"]
    assert mean["anyOf"][0]["exclusiveMinimum"] == 0


# ------------------------------------------------------------------------- Sampler


@pytest.mark.parametrize("data", [*SPECS, {"dist": "deterministic", "value": 2}], ids=_id)
def test_sampler_pickles(data: dict[str, object]) -> None:
    sampler = ADAPTER.validate_python(data).to_sampler()
    clone = pickle.loads(pickle.dumps(sampler))
    assert clone == sampler
    assert hash(clone) == hash(sampler)
    np.testing.assert_array_equal(
        clone.sample(np.random.default_rng(5), 10), sampler.sample(np.random.default_rng(5), 10)
    )


def test_sampler_is_immutable() -> None:
    sampler = Exponential(mean=6).to_sampler()
    with pytest.raises(AttributeError):
        sampler.kind = "gamma"  # type: ignore[misc]


def test_sampler_same_rng_state_same_draws_and_size_zero() -> None:
    sampler = Gamma(mean=6, cv=0.5).to_sampler()
    a = sampler.sample(np.random.default_rng(9), 100)
    b = sampler.sample(np.random.default_rng(9), 100)
    np.testing.assert_array_equal(a, b)
    assert sampler.sample(np.random.default_rng(9), 0).shape == (0,)


@pytest.mark.parametrize(
    ("kind", "params", "values", "fragment"),
    [
        ("normal", (0.0, 1.0), (), "unknown sampler kind"),
        ("gamma", (1.0,), (), "needs 2 params"),
        ("empirical", (), (), "values must be given"),
        ("uniform", (0.0, 1.0), (0.5,), "values must be given"),
        ("exponential", (math.nan,), (), "finite"),
    ],
)
def test_sampler_rejects_bad_construction(
    kind: str, params: tuple[float, ...], values: tuple[float, ...], fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        Sampler(kind, params, values)


# ------------------------------------------------------------------------ describe


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        (Exponential(mean=6), "exponential, mean 6 min"),
        (Lognormal(mean=6, cv=0.6), "lognormal, mean 6 min, cv 0.6"),
        (Lognormal(mu=1.2, sigma=0.5), "lognormal, mu 1.2, sigma 0.5"),
        (Gamma(mean="90 s", cv=0.5), "gamma, mean 1.5 min, cv 0.5"),
        (Gamma(shape=4, scale=1.5), "gamma, shape 4, scale 1.5 min"),
        (Weibull(mean=6, cv=0.5), "weibull, mean 6 min, cv 0.5"),
        (Triangular(low=2, mode=6, high=12), "triangular, low 2 min, mode 6 min, high 12 min"),
        (Uniform(low=2, high=8), "uniform, 2 to 8 min"),
        (Deterministic(value=5), "deterministic, 5 min"),
        (Empirical(values=[1, 2, 6]), "empirical, 3 values, mean 3 min"),
        (Empirical(values=[4]), "empirical, 1 value, mean 4 min"),
    ],
)
def test_describe(spec: DistributionSpec, text: str) -> None:
    assert describe(spec) == text


def test_describe_dimensionless() -> None:
    assert describe(Uniform(low=1, high=4), unit="") == "uniform, 1 to 4"
    assert describe(Gamma(mean=2, cv=0.5), unit="people") == "gamma, mean 2 people, cv 0.5"
