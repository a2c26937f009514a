from __future__ import annotations

import pickle
import zlib

import numpy as np
import pytest

import mppsim.streams as streams_module
from mppsim.streams import Streams, check_distinct, stream_key

NAMES = ["arrivals", "service/passport", "service/ktp", "balking", "routing"]


def _draws(streams: Streams, name: str, n: int = 8) -> np.ndarray:
    return streams[name].random(n)


def test_stream_key_is_crc32_of_utf8() -> None:
    assert stream_key("arrivals") == zlib.crc32(b"arrivals")
    assert stream_key("layanan/kependudukan") == zlib.crc32(b"layanan/kependudukan")
    assert stream_key("loket-é") == zlib.crc32("loket-é".encode())
    assert 0 <= stream_key("x") < 2**32


def test_generator_matches_documented_seed_sequence() -> None:
    root_seed, replication, name = 2024, 3, "arrivals"
    expected = np.random.Generator(
        np.random.PCG64(
            np.random.SeedSequence(root_seed, spawn_key=(replication, stream_key(name)))
        )
    )
    np.testing.assert_array_equal(
        Streams(root_seed, replication)[name].random(16), expected.random(16)
    )


def test_same_inputs_same_draws_regardless_of_access_order() -> None:
    forward = Streams(7, 1)
    first = {name: _draws(forward, name) for name in NAMES}
    backward = Streams(7, 1)
    second = {name: _draws(backward, name) for name in reversed(NAMES)}
    for name in NAMES:
        np.testing.assert_array_equal(first[name], second[name])


def test_unused_streams_do_not_shift_others() -> None:
    lean = Streams(7, 1)
    busy = Streams(7, 1)
    for name in ["extra-a", "extra-b"]:
        busy[name].random(1000)
    np.testing.assert_array_equal(_draws(lean, "arrivals"), _draws(busy, "arrivals"))


def test_same_name_returns_same_generator_that_continues() -> None:
    streams = Streams(7, 1)
    assert streams["arrivals"] is streams["arrivals"]
    first, rest = streams["arrivals"].random(4), streams["arrivals"].random(4)
    np.testing.assert_array_equal(
        np.concatenate([first, rest]), Streams(7, 1)["arrivals"].random(8)
    )


def test_different_names_replications_and_seeds_differ() -> None:
    base = _draws(Streams(7, 1), "arrivals")
    others = [
        _draws(Streams(7, 1), "service/passport"),
        _draws(Streams(7, 2), "arrivals"),
        _draws(Streams(8, 1), "arrivals"),
        _draws(Streams(1, 7), "arrivals"),  # seed and replication are not interchangeable
    ]
    for other in others:
        assert not np.array_equal(base, other)
    all_names = [_draws(Streams(7, 1), name) for name in NAMES]
    assert len({tuple(d) for d in all_names}) == len(NAMES)


@pytest.mark.parametrize(
    ("root_seed", "replication"), [(-1, 0), (0, -1), (1.5, 0), (True, 0), ("1", 0), (0, None)]
)
def test_rejects_bad_seed_parts(root_seed: object, replication: object) -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        Streams(root_seed, replication)  # type: ignore[arg-type]


def test_accepts_numpy_integers_and_exposes_parts() -> None:
    streams = Streams(np.int64(5), np.int32(2))  # type: ignore[arg-type]
    assert (streams.root_seed, streams.replication) == (5, 2)
    np.testing.assert_array_equal(_draws(streams, "a"), _draws(Streams(5, 2), "a"))


def test_rejects_non_string_name() -> None:
    with pytest.raises(TypeError, match="strings"):
        Streams(1, 0)[3]  # type: ignore[index]


def test_streams_pickle_with_state() -> None:
    streams = Streams(11, 0)
    streams["arrivals"].random(5)
    clone = pickle.loads(pickle.dumps(streams))
    np.testing.assert_array_equal(clone["arrivals"].random(5), streams["arrivals"].random(5))
    np.testing.assert_array_equal(clone["new"].random(5), streams["new"].random(5))


def test_check_distinct_accepts_distinct_and_repeated_names() -> None:
    check_distinct(NAMES)
    check_distinct([*NAMES, *NAMES])
    check_distinct([])
    check_distinct(iter(NAMES))


def test_check_distinct_detects_collision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams_module, "stream_key", lambda name: len(name))
    check_distinct(["ab", "abc"])
    with pytest.raises(ValueError, match="'ab' and 'cd' have the same key 2"):
        check_distinct(["ab", "abc", "cd"])


def test_check_distinct_detects_real_crc32_collision() -> None:
    # "plumless" and "buckeroo" are a well-known CRC-32 collision.
    assert stream_key("plumless") == stream_key("buckeroo")
    with pytest.raises(ValueError, match="same key"):
        check_distinct(["plumless", "buckeroo"])
