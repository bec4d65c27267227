"""pydantic's validation messages in the reader's language.

pydantic writes its messages in English; each error also carries a stable ``type`` and
the values its message names (``ctx``). Every type our models, query and path parameters
can raise has its message here, written as pydantic writes it (so English answers stay
word for word what they were) and translated in the catalogs. A type not listed keeps
pydantic's own English message. Our own ``ValueError``s are translated where they are
raised, so ``value_error`` only frames them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphsvc.support.i18n import N_, _, ngettext

#: error type -> message, with pydantic's ``ctx`` names as placeholders
MESSAGES: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "string_unicode": N_("Input should be a valid string, unable to parse raw data as a unicode string"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_parsing_size": N_("Unable to parse input string as an integer, exceeded maximum size"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "finite_number": N_("Input should be a finite number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "enum": N_("Input should be {expected}"),
    "literal_error": N_("Input should be {expected}"),
    "date_type": N_("Input should be a valid date"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, {error}"),
    "date_from_datetime_inexact": N_("Datetimes provided to dates should have zero time - e.g. be exact dates"),
    "datetime_type": N_("Input should be a valid datetime"),
    "datetime_parsing": N_("Input should be a valid datetime, {error}"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime or date, {error}"),
    "datetime_object_invalid": N_("Invalid datetime object, got {error}"),
    "timezone_naive": N_("Input should not have timezone info"),
    "timezone_aware": N_("Input should have timezone info"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "model_attributes_type": N_("Input should be a valid dictionary or object to extract fields from"),
    "json_invalid": N_("Invalid JSON: {error}"),
    "json_type": N_("JSON input should be string, bytes or bytearray"),
    "none_required": N_("Input should be None"),
    "value_error": N_("Value error, {error}"),
    "assertion_error": N_("Assertion failed, {error}"),
}


def _counted(kind: str, ctx: Mapping[str, Any]) -> str | None:
    """The message of a length error (it names a count), None for other types."""
    if kind == "string_too_short":
        return ngettext(
            "String should have at least {min_length} character",
            "String should have at least {min_length} characters",
            int(ctx["min_length"]),
        )
    if kind == "string_too_long":
        return ngettext(
            "String should have at most {max_length} character",
            "String should have at most {max_length} characters",
            int(ctx["max_length"]),
        )
    if kind == "too_short" and ctx.get("field_type") == "List":
        return ngettext(
            "List should have at least {min_length} item after validation, not {actual_length}",
            "List should have at least {min_length} items after validation, not {actual_length}",
            int(ctx["min_length"]),
        )
    if kind == "too_long" and ctx.get("field_type") == "List":
        return ngettext(
            "List should have at most {max_length} item after validation, not {actual_length}",
            "List should have at most {max_length} items after validation, not {actual_length}",
            int(ctx["max_length"]),
        )
    return None


#: the reasons pydantic's date and time parser (speedate) gives, quoted in the messages above
PARSER_REASONS: dict[str, str] = {
    "input is too short": N_("input is too short"),
    "input is too long": N_("input is too long"),
    "unexpected extra characters at the end of the input": N_("unexpected extra characters at the end of the input"),
    "invalid date separator, expected `-`": N_("invalid date separator, expected `-`"),
    "invalid character in year": N_("invalid character in year"),
    "invalid character in month": N_("invalid character in month"),
    "invalid character in day": N_("invalid character in day"),
    "invalid character in hour": N_("invalid character in hour"),
    "invalid character in minute": N_("invalid character in minute"),
    "invalid character in second": N_("invalid character in second"),
    "month value is outside expected range of 1-12": N_("month value is outside expected range of 1-12"),
    "day value is outside expected range": N_("day value is outside expected range"),
    "hour value is outside expected range of 0-23": N_("hour value is outside expected range of 0-23"),
    "minute value is outside expected range of 0-59": N_("minute value is outside expected range of 0-59"),
    "second value is outside expected range of 0-59": N_("second value is outside expected range of 0-59"),
    "invalid time separator, expected `:`": N_("invalid time separator, expected `:`"),
    "invalid datetime separator, expected `T`, `t`, `_` or space": N_(
        "invalid datetime separator, expected `T`, `t`, `_` or space"
    ),
    "invalid timezone sign": N_("invalid timezone sign"),
    "timezone offset must be less than 24 hours": N_("timezone offset must be less than 24 hours"),
}

_CHOICE = re.compile(r"'(?:[^'\\]|\\.)*'|[^,' ]+")


def validation_message(error: Mapping[str, Any]) -> str:
    """The message of one pydantic error (``ValidationError.errors()`` item) in the
    current language; pydantic's own (English) message for a type not listed."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    try:
        counted = _counted(kind, ctx)
        if counted is not None:
            return counted.format(**ctx)
        template = MESSAGES.get(kind)
        if kind == "json_invalid" and error.get("msg") == "JSON decode error":  # FastAPI's words for a body
            template = N_("JSON decode error")
        if template is None:
            return str(error.get("msg", kind))
        if "expected" in ctx:
            ctx["expected"] = _choices(str(ctx["expected"]))
        if "error" in ctx:
            ctx["error"] = _parser_reason(ctx["error"])
        return _(template).format(**ctx)
    except (KeyError, IndexError, ValueError):  # a ctx pydantic did not give: its own words
        return str(error.get("msg", kind))


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" joined the reader's way (the values stay as given)."""
    head, sep, last = expected.rpartition(" or ")
    if not sep:
        return expected
    items = _CHOICE.findall(head)
    if ", ".join(items) != head:  # not a plain list of values: leave it as pydantic wrote it
        return expected
    joined = items[0]
    for item in items[1:]:
        joined = _("{first}, {second}").format(first=joined, second=item)
    return _("{first} or {last}").format(first=joined, last=last)


def _parser_reason(error: Any) -> str:
    """A ValueError raised by our validators is already in the reader's language; the date
    parser's reasons are looked up; anything else is kept as it came."""
    text = str(error)
    known = PARSER_REASONS.get(text)
    return _(known) if known else text
