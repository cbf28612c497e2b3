"""Schemathesis CLI hooks (tests/services/schemathesis.toml names this module).

The place for generation filters of rules a schema can state only in words. The services need
none today: a schema-valid request that breaks a rule between fields is a documented 409
(``urn:concordia:problem:inconsistent-fields``), one naming an unknown record a documented
404, both within the expected statuses of ``positive_data_acceptance``. A filter added here
must say which rule it stands for, e.g.::

    @schemathesis.hook("filter_body").apply_to(method="POST", path="/v1/things")
    def _dates_in_order(ctx: schemathesis.HookContext, body: object) -> bool:
        return not isinstance(body, dict) or body.get("end", "~") >= body.get("start", "")
"""

from __future__ import annotations
