"""login, refreshToken, logout and bearer-token checks, as documented."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import pytest

from nextschool.testing import LocalServer, ServerSettings
from nextschool.testing.pytest_plugin import ServerFactory

from .helpers import LOGIN, LOGOUT, Api, api_for

STUDENTS = "{ students(limit: 1) { id } }"


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(_b64(header)), json.loads(_b64(payload))


def forge(claims: dict[str, Any], secret: str, alg: str = "HS256") -> str:
    def enc(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = enc(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = enc(json.dumps(claims).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{enc(sig) if alg == 'HS256' else ''}"


def assert_unauthenticated(body: dict[str, Any], *fields: str) -> None:
    assert body["data"] is None
    assert [e["path"] for e in body["errors"]] == [[f] for f in fields]
    for error in body["errors"]:
        assert error["message"] == "Authentication required"
        assert error["extensions"] == {"code": "UNAUTHENTICATED"}
        assert error["locations"] and set(error["locations"][0]) == {"line", "column"}


def test_login_returns_the_documented_payload(api: Api) -> None:
    payload = api.login()
    assert payload["expiresIn"] == 900
    assert payload["user"] == {
        "id": 42,
        "username": "demo",
        "name": "API User",
        "email": "api@school.ac.th",
    }
    assert str(uuid.UUID(payload["refreshToken"])) == payload["refreshToken"]
    assert payload["accessToken"].startswith("eyJhbGciOiJIUzI1NiIs")


def test_access_token_is_an_hs256_jwt_with_documented_claims(
    api: Api, nextschool_server: LocalServer
) -> None:
    before = time.time()
    token = api.login()["accessToken"]
    header, claims = jwt_parts(token)
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert claims["sub"] == "42"
    assert claims["username"] == "demo"
    assert int(before) <= claims["iat"] <= time.time()
    assert claims["exp"] - claims["iat"] in (900, 901)
    assert claims["jti"]
    head, body, signature = token.split(".")
    secret = nextschool_server.settings.jwt_secret.encode()
    expected = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert _b64(signature) == expected


def test_token_for_the_demo_account_reads_students(api: Api) -> None:
    token = api.login()["accessToken"]
    students = api.data(STUDENTS, token=token)["students"]
    assert len(students) == 1


def test_wrong_password_is_a_message_only_error(api: Api) -> None:
    body = api.gql(LOGIN, {"username": "demo", "password": "wrong"})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "Invalid credentials"
    assert "extensions" not in error
    assert error["path"] == ["login"]


def test_unknown_user_gets_the_same_error(api: Api) -> None:
    body = api.gql(LOGIN, {"username": "nobody", "password": "demo"})
    assert body["errors"][0]["message"] == "Invalid credentials"
    assert "extensions" not in body["errors"][0]


def test_login_ignores_a_bearer_token(api: Api) -> None:
    body = api.gql(LOGIN, {"username": "demo", "password": "demo"}, token="not-a-valid-token")
    assert body["data"]["login"]["accessToken"]


def test_refresh_returns_a_new_working_access_token(api: Api) -> None:
    tokens = api.login()
    body = api.refresh(tokens["refreshToken"])
    refreshed = body["data"]["refreshToken"]
    assert set(refreshed) == {"accessToken", "expiresIn"}
    assert refreshed["expiresIn"] == 900
    assert refreshed["accessToken"] != tokens["accessToken"]
    assert api.data(STUDENTS, token=refreshed["accessToken"])["students"]


def test_refresh_token_is_not_rotated(api: Api) -> None:
    refresh_token = api.login()["refreshToken"]
    for _ in range(3):
        body = api.refresh(refresh_token)
        assert "errors" not in body
        assert body["data"]["refreshToken"]["accessToken"]


def test_refresh_ignores_a_bearer_token(api: Api) -> None:
    refresh_token = api.login()["refreshToken"]
    body = api.gql(
        "mutation { refreshToken(refreshToken: $r) { accessToken } }".replace(
            "$r", json.dumps(refresh_token)
        ),
        token="garbage",
    )
    assert body["data"]["refreshToken"]["accessToken"]


@pytest.mark.parametrize("refresh_token", ["a1b2c3d4-e5f6-7890-abcd-ef1234567890", "", "x"])
def test_unknown_refresh_token_is_a_message_only_error(api: Api, refresh_token: str) -> None:
    body = api.refresh(refresh_token)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "Invalid or expired refresh token"
    assert "extensions" not in error
    assert error["path"] == ["refreshToken"]


def test_logout_revokes_the_refresh_token(api: Api) -> None:
    tokens = api.login()
    assert api.gql(LOGOUT, {"refreshToken": tokens["refreshToken"]})["data"] == {"logout": True}
    body = api.refresh(tokens["refreshToken"])
    assert body["errors"][0]["message"] == "Invalid or expired refresh token"
    # A second logout finds nothing to revoke.
    assert api.gql(LOGOUT, {"refreshToken": tokens["refreshToken"]})["data"] == {"logout": False}


def test_logout_leaves_other_sessions_alone(api: Api) -> None:
    first, second = api.login(), api.login()
    api.gql(LOGOUT, {"refreshToken": first["refreshToken"]})
    assert "errors" not in api.refresh(second["refreshToken"])


def test_missing_token_is_unauthenticated(api: Api) -> None:
    assert_unauthenticated(api.gql(STUDENTS), "students")


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a.b.c",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA",
    ],
)
def test_malformed_token_is_unauthenticated(api: Api, token: str) -> None:
    assert_unauthenticated(api.gql(STUDENTS, token=token), "students")


def test_token_signed_with_another_secret_is_rejected(api: Api) -> None:
    _, claims = jwt_parts(api.login()["accessToken"])
    assert_unauthenticated(api.gql(STUDENTS, token=forge(claims, "wrong")), "students")


def test_unsigned_alg_none_token_is_rejected(api: Api, nextschool_server: LocalServer) -> None:
    _, claims = jwt_parts(api.login()["accessToken"])
    token = forge(claims, nextschool_server.settings.jwt_secret, alg="none")
    assert_unauthenticated(api.gql(STUDENTS, token=token), "students")


def test_lowercase_bearer_scheme_is_accepted(api: Api) -> None:
    token = api.login()["accessToken"]
    response = api.http.post(
        api.server.url, json={"query": STUDENTS}, headers={"authorization": f"bearer {token}"}
    )
    assert "errors" not in response.json()


def test_each_data_field_reports_unauthenticated(api: Api) -> None:
    query = "{ students { id } first: teacher(id: 3) { id } sdqTemplate { id } }"
    body = api.gql(query)
    assert_unauthenticated(body, "students", "first", "sdqTemplate")
    locations = [e["locations"][0] for e in body["errors"]]
    columns = [query.index(name) + 1 for name in ("students", "first", "sdqTemplate")]
    assert locations == [{"line": 1, "column": c} for c in columns]


def test_unauthenticated_error_matches_the_documented_shape_exactly(api: Api) -> None:
    response = api.post("{ students(limit: 5) { id fullName classroomName } }")
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "Authentication required",
                "locations": [{"line": 1, "column": 3}],
                "path": ["students"],
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ],
    }


def test_account_without_school_is_forbidden(api: Api) -> None:
    token = api.login("noschool", "noschool")["accessToken"]
    body = api.gql("query { students { id } visitStats { total } }", token=token)
    assert body["data"] is None
    assert [e["path"] for e in body["errors"]] == [["students"], ["visitStats"]]
    for error in body["errors"]:
        assert error["extensions"] == {"code": "FORBIDDEN"}
        assert error["locations"]
        assert error["message"]


def test_introspection_needs_no_token(api: Api) -> None:
    body = api.gql("{ __typename __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_expired_access_token_is_unauthenticated_and_counted(
    nextschool_server_factory: ServerFactory,
) -> None:
    server = nextschool_server_factory(access_token_ttl=0.6)
    for api in api_for(server):
        payload = api.login()
        assert payload["expiresIn"] == 1  # whole seconds, rounded up
        _, claims = jwt_parts(payload["accessToken"])
        assert claims["exp"] - claims["iat"] in (1, 2)
        assert api.data(STUDENTS, token=payload["accessToken"])["students"]
        assert server.counters.expired_token_requests == 0
        time.sleep(0.7)
        assert_unauthenticated(api.gql(STUDENTS, token=payload["accessToken"]), "students")
        assert server.counters.expired_token_requests == 1
        # Refreshing brings the session back.
        fresh = api.refresh(payload["refreshToken"])["data"]["refreshToken"]["accessToken"]
        assert api.data(STUDENTS, token=fresh)["students"]
        assert server.counters.expired_token_requests == 1


def test_expiry_uses_the_precise_lifetime_not_the_whole_second_claim(
    nextschool_server_factory: ServerFactory,
) -> None:
    # exp is rounded up to a whole second, yet the token dies at issue + ttl.
    server = nextschool_server_factory(access_token_ttl=0.2)
    for api in api_for(server):
        while time.time() % 1 > 0.5:  # log in early in a second: exp is then > 0.3 s away
            time.sleep(0.02)
        token = api.login()["accessToken"]
        _, claims = jwt_parts(token)
        time.sleep(0.25)
        assert time.time() < claims["exp"]
        assert_unauthenticated(api.gql(STUDENTS, token=token), "students")
        assert server.counters.expired_token_requests == 1


def test_expired_refresh_token_is_rejected(nextschool_server_factory: ServerFactory) -> None:
    server = nextschool_server_factory(refresh_token_ttl=0.4)
    for api in api_for(server):
        refresh_token = api.login()["refreshToken"]
        assert "errors" not in api.refresh(refresh_token)
        time.sleep(0.5)
        body = api.refresh(refresh_token)
        assert body["errors"][0]["message"] == "Invalid or expired refresh token"


def test_extra_accounts_log_in_to_the_demo_school(
    nextschool_server_factory: ServerFactory,
) -> None:
    password = 'quote" back\\slash {braces}\nภาษาไทย 🎓'
    server = nextschool_server_factory(extra_accounts=(("special", password), ("second", "pw")))
    for api in api_for(server):
        payload = api.login("special", password)
        assert payload["user"] == {
            "id": 1001,
            "username": "special",
            "name": "special",
            "email": "special@school.ac.th",
        }
        _, claims = jwt_parts(payload["accessToken"])
        assert claims["sub"] == "1001"
        rows = api.data("{ students(limit: 1000) { id } }", token=payload["accessToken"])
        assert [r["id"] for r in rows["students"]] == [
            s.id for s in server.state.seed.schools[1].students
        ]
        assert api.login("second", "pw")["user"]["id"] == 1002
        wrong = api.gql(LOGIN, {"username": "special", "password": password[:-1]})
        assert wrong["errors"][0]["message"] == "Invalid credentials"
        assert server.issue_tokens("special").expires_in == 900


def test_extra_accounts_belong_to_one_server(nextschool_server: LocalServer, api: Api) -> None:
    body = api.gql(LOGIN, {"username": "special", "password": "x"})
    assert body["errors"][0]["message"] == "Invalid credentials"


@pytest.mark.parametrize(
    "accounts",
    [(("demo", "x"),), (("a", "1"), ("a", "2")), (("", "x"),)],
)
def test_extra_accounts_are_validated(accounts: tuple[tuple[str, str], ...]) -> None:
    with pytest.raises(ValueError, match="username"):
        ServerSettings(extra_accounts=accounts)
