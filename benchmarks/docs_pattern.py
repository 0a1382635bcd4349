"""The documentation's Python `fetch_with_refresh`, the baseline for rows 2-4.

Copied from the API documentation's "Token Expired" page. Changed only so it
can run here: `API_URL`, the tokens and `VERIFY` (the run's self-signed
certificate, for HTTPS) are set by `configure()`. Its semantics are untouched:
a new `requests.post` (a new connection, and a TLS handshake over HTTPS) per
call, a global token, refresh only after an UNAUTHENTICATED answer, no lock.
Threads share the module's globals, which is how the page's code behaves when
called from several threads.
"""
# ruff: noqa: RUF013, S113
# mypy: disable-error-code="no-untyped-def, type-arg, assignment"

from __future__ import annotations

from typing import Any

import requests

API_URL = "https://data.nextschool.io/"
VERIFY: Any = True
access_token = "..."  # from login
refresh_token = "..."  # from login


def configure(url: str, *, verify: Any = True) -> None:
    global API_URL, VERIFY
    API_URL = url
    VERIFY = verify


def login(username: str, password: str) -> None:
    """Log in the documented way and keep both tokens in the globals."""
    global access_token, refresh_token
    resp = requests.post(
        API_URL,
        json={
            "query": "mutation Login($u: String!, $p: String!) "
            "{ login(username: $u, password: $p) { accessToken refreshToken expiresIn } }",
            "variables": {"u": username, "p": password},
        },
        verify=VERIFY,
    )
    payload = resp.json()["data"]["login"]
    access_token = payload["accessToken"]
    refresh_token = payload["refreshToken"]


# ---- from the documentation, unchanged apart from `verify=VERIFY` ----
# fmt: off


def fetch_with_refresh(query: str, variables: dict = None):
    global access_token
    # Step 1: Try the request
    resp = requests.post(API_URL, headers={
        'Content-Type': 'application/json',
        'Authorization': f'Bearer {access_token}',
    }, json={'query': query, 'variables': variables or {}}, verify=VERIFY)
    result = resp.json()
    # Step 2: Check for expired token
    errors = result.get('errors', [])
    if errors and errors[0].get('extensions', {}).get('code') == 'UNAUTHENTICATED':
        print('Token expired, refreshing...')
        # Step 3: Refresh the token
        refresh_resp = requests.post(API_URL, json={
            'query': f'''mutation {{
                refreshToken(refreshToken: "{refresh_token}") {{
                    accessToken expiresIn
                }}
            }}'''
        }, verify=VERIFY)
        refresh_result = refresh_resp.json()
        if 'errors' in refresh_result:
            raise Exception('Refresh token expired. Please login again.')
        access_token = refresh_result['data']['refreshToken']['accessToken']
        print('Token refreshed successfully.')
        # Step 4: Retry with the new token
        resp = requests.post(API_URL, headers={
            'Content-Type': 'application/json',
            'Authorization': f'Bearer {access_token}',
        }, json={'query': query, 'variables': variables or {}}, verify=VERIFY)
        result = resp.json()
    return result['data']
# fmt: on
