"""Every form, found by reading the pages each role sees, gets 1,000 generated submissions.

Long, empty, unicode (right-to-left, emoji), NUL and control characters, markup, numbers out of
range, and the form's own option values mixed in: no answer of 500 or above, and the markup
never comes back unescaped. SQLite only: this is not a database test. FUZZ_EXAMPLES lowers the
number of submissions for a quick local run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.security import (
    MARKUP,
    ROLES,
    Form,
    client_as,
    csrf_token_of,
    forms_on,
    methods_of,
    routes,
    sqlite_app,
    unescaped_markup,
)

from placement import passwords
from placement.extensions import limiter

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999999999",
    "-2147483649",
    "31",
    "2.5",
    "\x00",
    "a\x00b",
    "\r\n\t\x0b\x0c",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "🙂" * 40,
    "a" * 100_000,
    "' OR 1=1 --",
    "../../etc/passwd",
    "%s%s%n",
    "{{ 7 * 7 }}",
    "someone@example.org",
    *MARKUP,
]


def values_for(options: list[str]) -> st.SearchStrategy[str]:
    strategies = [
        st.sampled_from(NASTY),
        st.text(max_size=200),
        st.binary(max_size=64).map(lambda raw: raw.decode("latin-1")),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ]
    if options:
        strategies.insert(0, st.sampled_from(options))
    return st.one_of(*strategies)


def submissions(form: Form) -> st.SearchStrategy[dict]:
    optional = {
        name: st.one_of(values_for(options), st.lists(values_for(options), max_size=3))
        for name, options in form.fields.items()
    }
    return st.fixed_dictionaries({}, optional=optional)


def discover_forms(app, client) -> list[Form]:
    found: dict[tuple, Form] = {}
    for rule in routes(app):
        if rule.arguments or "GET" not in methods_of(rule):
            continue
        response = client.get(rule.rule)
        if response.status_code == 200 and response.mimetype == "text/html":
            for form in forms_on(rule.rule, response.get_data(as_text=True)):
                if form.action.startswith("/"):
                    found.setdefault(form.key, form)
        response.close()
    return list(found.values())


def fuzz(client, form: Form, token: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(data=submissions(form))
    def submit_generated(data: dict) -> None:
        payload = {**form.hidden, **data, "csrf_token": token}
        if form.method == "post":
            response = client.post(form.action, data=payload)
        else:
            response = client.get(form.action, query_string=payload)
        body_problems = unescaped_markup(response)
        response.close()
        assert response.status_code < 500, f"{form.method} {form.action} {data!r}"
        assert body_problems == [], f"{form.action} echoed {body_problems}"

    submit_generated()


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_generated_submissions(tmp_path, monkeypatch, role):
    monkeypatch.setattr(limiter, "enabled", False)
    # The service's own dummy hash costs 64 MiB a check; the tests' hasher is cheap.
    monkeypatch.setattr(passwords, "DUMMY_HASH", passwords.hash_password("not a password"))
    app = sqlite_app(tmp_path)
    with app.app_context():
        client, _user = client_as(app, role)
        forms = discover_forms(app, client)
        assert forms, f"no form found on the pages {role} sees"
        for form in forms:
            fresh, _user = client_as(app, role)
            fuzz(fresh, form, csrf_token_of(fresh))
