"""Reference MPPs for the studi tiru, and starting plans for a new city.

The bundled reference scenarios (``scenarios/mpp_*.yaml`` with a ``city`` block)
are found here, in the source tree or inside the installed package. This module
writes a new city's starting scenario from the template or from a reference
(:func:`new_city_scenario`), and checks the honesty rule of reference scenarios:
every number is either covered by a sourced or derived ``sources`` entry, or is
marked ``# assumed: why`` on its own line (:func:`unmarked_numbers`).
Nothing here simulates; scenario files stay the interface, so a seventh city
needs no Python code.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import FoldedScalarString

from mppsim.errors import MppsimError
from mppsim.scenario.loader import load_scenario
from mppsim.scenario.schema import Scenario
from mppsim.scenario.yamlread import read_yaml

__all__ = [
    "Reference",
    "UnmarkedNumber",
    "new_city_scenario",
    "references",
    "scenario_name_for",
    "scenarios_dir",
    "unmarked_numbers",
    "write_new_city",
]

TEMPLATE = "template.yaml"
"""File name of the commented template, in the scenarios folder."""

_PREFIX = "mpp_"
_CLOCK = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?\s*$")
_ASSUMED = re.compile(r"\bassumed:\s*\S.{4,}", re.IGNORECASE)
"""An ``# assumed: why`` mark: the word, a colon and a reason of at least five characters."""
_DURATION = re.compile(r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*[A-Za-z]+\s*$")


def scenarios_dir() -> Path:
    """Return the folder of the bundled scenarios.

    An installed wheel carries them as ``mppsim/_scenarios`` (see pyproject's
    ``force-include``); a source checkout or an editable install uses the
    repository's ``scenarios/`` folder.

    Returns
    -------
    Path
        The folder holding ``template.yaml`` and the reference scenarios.
    """
    packaged = Path(__file__).resolve().parent / "_scenarios"
    if (packaged / TEMPLATE).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "scenarios"


@dataclass(frozen=True)
class Reference:
    """A bundled reference scenario of a real MPP.

    Attributes
    ----------
    id : str
        What ``--from`` accepts: the file name without ``mpp_`` and ``.yaml``.
    path : Path
        The scenario file.
    scenario : Scenario
        The validated scenario (``extends`` resolved).
    """

    id: str
    path: Path
    scenario: Scenario


def references(folder: Path | None = None) -> dict[str, Reference]:
    """Return the bundled reference scenarios by id (every ``mpp_*.yaml`` with a ``city``).

    Parameters
    ----------
    folder : Path, optional
        Where to look; default :func:`scenarios_dir`.

    Returns
    -------
    dict of str to Reference
        Sorted by id, e.g. ``{'badung': ..., 'surakarta': ...}``.
    """
    folder = scenarios_dir() if folder is None else folder
    found: dict[str, Reference] = {}
    for path in sorted(folder.glob(f"{_PREFIX}*.yaml")):
        scenario = load_scenario(path)
        if scenario.city is not None:
            ref_id = path.stem.removeprefix(_PREFIX)
            found[ref_id] = Reference(ref_id, path, scenario)
    return found


def scenario_name_for(city: str) -> str:
    """Return the scenario name (and file stem) for a city: ``"Kota Bogor"`` → ``mpp_kota_bogor``.

    Parameters
    ----------
    city : str
        The city's name as written by the planner.

    Returns
    -------
    str
        ``mpp_`` and the name in lower-case snake_case (ASCII letters, digits, ``_``).

    Raises
    ------
    MppsimError
        If the name has no letter or digit.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", city.strip().lower()).strip("_")
    if not slug:
        raise MppsimError(f"the city name {city!r} needs at least one letter or digit")
    return f"{_PREFIX}{slug}"[:80]


def _kind_from_name(city: str) -> str | None:
    first = city.strip().split(" ", 1)[0].lower().rstrip(".")
    if first in ("kota", "city"):
        return "kota"
    if first in ("kabupaten", "kab", "regency"):
        return "kabupaten"
    return None


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load_rt(path: Path) -> CommentedMap:
    """Read a bundled scenario round-trip (comments kept), merging ``extends`` into it."""
    data = _yaml().load(path.read_text(encoding="utf-8"))
    base_name = data.get("extends")
    if base_name is None:
        return data
    base = _load_rt(path.parent / str(base_name))
    for key, value in data.items():
        if key != "extends":
            _merge_rt(base, key, value, data)
    return base


def _merge_rt(base: CommentedMap, key: Any, value: Any, own: CommentedMap) -> None:
    """Merge ``own[key]`` into ``base`` as the loader's ``extends`` does, moving comments."""
    if isinstance(value, dict) and isinstance(base.get(key), dict):
        for sub_key, sub_value in value.items():
            _merge_rt(base[key], sub_key, sub_value, value)
        return
    base[key] = value
    base.ca.items.pop(key, None)  # the base's comment described the base's value
    if key in own.ca.items:
        base.ca.items[key] = own.ca.items[key]


def _header(city: str, origin: str, reference: Reference | None) -> str:
    today = _dt.date.today().isoformat()
    lines = [
        "=" * 77,
        f"Starting plan for {city} / Rencana awal MPP {city}",
        f"Written by `mppsim new` on {today} from {origin}.",
        "",
    ]
    if reference is not None:
        assert reference.scenario.city is not None
        ref_city = reference.scenario.city.name
        lines += [
            f"EN: every number below is still {ref_city}'s. 'sourced' in the sources",
            f"block means sourced for {ref_city}, not for {city}. Change the demand",
            "(arrivals), the agencies and their counters to your plan, mark each number",
            "you keep as '# assumed: why', and cite your own sources.",
            f"ID: semua angka di bawah masih milik {ref_city}. 'sourced' di blok sources",
            f"berarti bersumber untuk {ref_city}, bukan untuk {city}. Ubah permintaan",
            "(arrivals), instansi dan jumlah loketnya sesuai rencana Anda, tandai angka",
            "yang dipertahankan dengan '# assumed: alasan', dan cantumkan sumber Anda.",
        ]
    else:
        lines += [
            "EN: every number below is a placeholder from the template: replace it",
            "with your plan and say where it comes from.",
            "ID: semua angka di bawah adalah contoh dari templat: ganti dengan",
            "rencana Anda dan sebutkan sumbernya.",
        ]
    lines += ["=" * 77]
    return "".join(f"# {line}".rstrip() + "\n" for line in lines) + "\n"


def _folded(text: str, width: int = 76) -> FoldedScalarString:
    """Return ``text`` as a folded YAML scalar wrapped at spaces (``>-`` style)."""
    folded = FoldedScalarString(text)
    positions, start = [], 0
    for line in textwrap.wrap(text, width=width)[:-1]:
        start += len(line)
        positions.append(start)  # the space after this line
        start += 1
    folded.fold_pos = positions  # type: ignore[attr-defined]
    return folded


def _drop_leading_comment(text: str) -> str:
    """Remove the source file's opening comment block (it describes the source, not the plan)."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    return "".join(lines[i:])


def new_city_scenario(
    city: str,
    reference: str | None = None,
    *,
    population: float | None = None,
    population_source: str | None = None,
    population_year: int | None = None,
    province: str | None = None,
    kind: str | None = None,
) -> str:
    """Return the YAML text of a starting scenario for a city.

    Parameters
    ----------
    city : str
        The city's name, e.g. ``"Kota Bogor"`` or ``"Kabupaten Sleman"``.
    reference : str, optional
        A reference id (see :func:`references`), e.g. ``"surakarta"``; omitted =
        start from ``template.yaml``.
    population : float, optional
        Residents (> 0). Omitted: the source file's figure is kept as a marked
        placeholder.
    population_source : str, optional
        Where the population figure comes from (e.g. ``"BPS, SP2020"``).
    population_year : int, optional
        The year of the population figure; default: the current year.
    province : str, optional
        The province; omitted = a placeholder asking to fill it in.
    kind : {'kota', 'kabupaten'}, optional
        Omitted = read from the name ("Kota ...", "Kabupaten ..."), else kept.

    Returns
    -------
    str
        The scenario text: comments kept, a header saying where it came from,
        ``name`` and ``city`` filled in. It validates and runs as written.

    Raises
    ------
    MppsimError
        For an unknown reference (the message lists the available ones), a
        non-positive population or an unknown kind.
    """
    city = " ".join(city.split())  # one line: it goes into comments and a folded scalar
    folder = scenarios_dir()
    ref: Reference | None = None
    if reference is None:
        source = folder / TEMPLATE
        origin = "scenarios/template.yaml"
    else:
        key = reference.removeprefix(_PREFIX).removesuffix(".yaml")
        candidate = folder / f"{_PREFIX}{key}.yaml"
        found = re.fullmatch(r"[a-z0-9_]+", key) is not None and candidate.is_file()
        loaded = load_scenario(candidate) if found else None
        if loaded is None or loaded.city is None:
            available = ", ".join(references(folder))
            raise MppsimError(f"unknown reference {reference!r}; available: {available}")
        ref = Reference(key, candidate, loaded)
        source = candidate
        origin = f"the reference model {candidate.name}"
    if population is not None and not (population > 0 and population < float("inf")):
        raise MppsimError(f"--population must be a positive number of residents, got {population}")
    if kind is not None and kind not in ("kota", "kabupaten"):
        raise MppsimError(f"--kind must be 'kota' or 'kabupaten', got {kind!r}")
    data = _load_rt(source)
    data["name"] = scenario_name_for(city)
    data.pop("extends", None)
    data["description"] = _folded(
        f"Starting plan for {city}, written by mppsim new from {origin}. "
        "Replace the demand, agencies and counters with the city's own plan."
    )
    block = data["city"]
    old_name = str(block["name"])
    block["name"] = city
    block["province"] = province or "BELUM DIISI / not set: write the province"
    block["kind"] = kind or _kind_from_name(city) or block["kind"]
    pop = block["population"]
    if population is not None:
        pop["value"] = int(population) if float(population).is_integer() else population
        pop["source"] = (
            population_source or "given to `mppsim new` by the planner (no source named)"
        )
        pop["year"] = population_year or _dt.date.today().year
    else:
        pop["source"] = f"PLACEHOLDER copied from {old_name}: replace with {city}'s figure (BPS)"
    values = data.setdefault("sources", CommentedMap()).setdefault("values", CommentedMap())
    values["city.population"] = {
        "basis": "assumed",
        "note": "Given when the plan was started (mppsim new); cite the BPS figure in sources.",
    }
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    body = buffer.getvalue()
    if ref is not None:  # its opening comment describes the reference city, not this plan
        body = _drop_leading_comment(body)
    return _header(city, origin, ref) + body


def write_new_city(
    city: str,
    reference: str | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    force: bool = False,
    **options: Any,
) -> tuple[Path, Scenario]:
    """Write a new city's starting scenario and check that it validates.

    Parameters
    ----------
    city : str
        The city's name.
    reference : str, optional
        Reference id to start from; omitted = the template.
    out : path-like, optional
        Output file; default ``mpp_<city>.yaml`` in the current folder.
    force : bool
        Overwrite an existing file.
    **options
        Passed to :func:`new_city_scenario` (population, province, kind, ...).

    Returns
    -------
    path : Path
        The file written.
    scenario : Scenario
        The scenario as loaded back from that file.

    Raises
    ------
    MppsimError
        For bad input (see :func:`new_city_scenario`) or an existing output
        file without ``force``. Nothing is written then.
    """
    text = new_city_scenario(city, reference, **options)
    default = Path(f"{scenario_name_for(' '.join(city.split()))}.yaml")
    path = Path(out) if out is not None else default
    if path.is_dir():
        raise MppsimError(f"{path} is a folder; give a file name with --out")
    if path.exists() and not force:
        raise MppsimError(f"{path} already exists; use --force to overwrite it")
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise MppsimError(f"the folder {folder} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path, load_scenario(path)


# --------------------------------------------------------------------------- honesty rule


@dataclass(frozen=True)
class UnmarkedNumber:
    """A number in a scenario file that is neither sourced nor marked assumed."""

    line: int | None
    field: str
    value: Any


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and bool(_CLOCK.match(value) or _DURATION.match(value))


def _leaves(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    else:
        yield path, node


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _comment(line: str) -> str:
    """Return the comment part of a YAML line (a ``#`` outside quotes, after a space)."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1 :]
    return ""


def unmarked_numbers(path: str | os.PathLike[str]) -> list[UnmarkedNumber]:
    """Return the numbers of a scenario file that are neither sourced nor marked assumed.

    The rule: every number written in the file (ints, floats, clock times
    ``"08:00"`` and durations ``"6 min"``; the ``sources`` block excepted) is
    *sourced* when the most specific ``sources.values`` entry covering its
    field path has basis ``sourced`` or ``derived``; otherwise its own line
    must carry an ``# assumed: why`` comment (the word, a colon and a reason
    of at least five characters). With ``extends``, the entries of the base
    count too (the merged scenario's).

    Parameters
    ----------
    path : path-like
        A scenario file.

    Returns
    -------
    list of UnmarkedNumber
        Empty when the file follows the rule.
    """
    text = Path(path).read_text(encoding="utf-8")
    data, lines = read_yaml(text, os.fspath(path))
    provenance = load_scenario(path).sources.values
    raw_lines = text.splitlines()
    found: list[UnmarkedNumber] = []
    skip = {"sources", "extends", "name", "description"}
    for leaf_path, value in _leaves({k: v for k, v in data.items() if k not in skip}, ()):
        if not _is_number(value):
            continue
        basis = None
        for n in range(len(leaf_path), 0, -1):
            entry = provenance.get(_dotted(leaf_path[:n]))
            if entry is not None:
                basis = entry.basis
                break
        if basis in ("sourced", "derived"):
            continue
        line = lines.get(leaf_path)
        comment = _comment(raw_lines[line - 1]) if line is not None else ""
        if not _ASSUMED.search(comment):
            found.append(UnmarkedNumber(line, _dotted(leaf_path), value))
    return found
