"""The ask and triage form fields, validated before a request takes a place in the queue: every
malformed zones or findings field is one typed error (a 422), never a bug (a 500)."""

from __future__ import annotations

import pytest

from argus.agent.errors import FindingsError
from argus.agent.service.jobs import parse_options
from argus.agent.service.triage import parse_triage_findings
from argus.tools.zones import ZoneFileError

HUGE = "1" + "0" * 5000


@pytest.mark.parametrize(
    ("zones", "findings", "error", "says"),
    [
        (None, '{"nodule": {"size_mm": ' + HUGE + "}}", FindingsError, "findings: "),
        (
            '{"zones": [{"name": "z", "polygon": [[0, 0], [' + HUGE + ", 0], [0, 5]]}]}",
            None,
            ZoneFileError,
            "zones: ",
        ),
        (None, '{"nodule": {"size_mm": -4}}', FindingsError, "findings: nodule.size_mm"),
        (None, '{"nodule": {"size_mm": "big"}}', FindingsError, "findings: nodule.size_mm must be a number"),
    ],
    ids=["huge-int-findings", "huge-int-zones", "negative-size", "text-size"],
)
def test_bad_json_fields_are_typed_errors(zones, findings, error, says):
    with pytest.raises(error) as caught:
        parse_options(None, zones, findings, None, False)
    assert str(caught.value).startswith(says)


def test_a_huge_number_says_what_is_wrong():
    with pytest.raises(FindingsError, match="too many digits"):
        parse_options(None, None, '{"patient": {"age": ' + HUGE + "}}", None, False)


def test_triage_findings_field_refuses_a_huge_number_and_a_negative_size():
    with pytest.raises(FindingsError, match="too many digits"):
        parse_triage_findings('{"nodule": {"size_mm": ' + HUGE + "}}", ["a.dcm"], [])
    with pytest.raises(FindingsError, match=r"findings\['a.dcm'\]: nodule.size_mm"):
        parse_triage_findings('{"a.dcm": {"nodule": {"size_mm": -4}}}', ["a.dcm"], [])
