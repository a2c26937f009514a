"""Write plain data as YAML that every YAML reader reads back as it was written.

A string such as ``08:00`` is a string to a YAML 1.2 reader but the number 480 to a
YAML 1.1 reader (sexagesimal, PyYAML's default), and ``10:00`` is 600; ``yes``, ``on``,
``0x1A`` or ``1e3`` change type in one version or the other. :func:`dump_yaml` puts
every string that either version would read as something other than that string in
double quotes, so a resolved scenario reads back the same in any reader.
"""

from __future__ import annotations

import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import SafeRepresenter

__all__ = ["dump_yaml", "needs_quotes"]

# Plain scalars that YAML 1.1 or 1.2 resolves to something other than a string:
# booleans and nulls (1.1: yes/no/on/off/y/n), numbers in any base, sexagesimal
# numbers (1.1: 10:00), floats, infinities and NaN, timestamps and merge/value keys.
_NOT_A_STRING = re.compile(
    r"""^(?:
        ~|null|Null|NULL|
        y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|
        [-+]?[0-9][0-9_:.]*([eE][-+]?[0-9]+)?|
        [-+]?0[bxo][0-9a-fA-F_]+|
        [-+]?\.[0-9][0-9_]*([eE][-+]?[0-9]+)?|
        [-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|
        <<|=|
        [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*
    )$""",
    re.VERBOSE,
)


def needs_quotes(text: str) -> bool:
    """Return True if a YAML 1.1 or 1.2 reader would not read ``text`` unquoted as a string.

    Parameters
    ----------
    text : str
        The string.

    Returns
    -------
    bool
        True for ``"08:00"``, ``"yes"``, ``"1e3"``, ``""`` and the like.
    """
    return not text or text != text.strip() or bool(_NOT_A_STRING.match(text))


class _Representer(SafeRepresenter):
    """Safe representer that double-quotes strings a YAML reader could read otherwise."""


def _represent_str(representer: SafeRepresenter, data: str) -> Any:
    style = '"' if needs_quotes(data) else None
    return representer.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Representer.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Return plain data (dicts, lists, str, numbers, bools, None) as block-style YAML.

    Parameters
    ----------
    data : Any
        Plain data; mapping order is kept.

    Returns
    -------
    str
        YAML text in which clock times and other ambiguous strings are quoted.
    """
    yaml = YAML(typ="safe", pure=True)
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # keep the given key order
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
