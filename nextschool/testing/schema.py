"""The served schema (the package's copy of schema.graphql) and its resolvers."""

from __future__ import annotations

import functools
import hmac
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, build_schema

from nextschool.testing import care, queries
from nextschool.testing.counters import ServerCounters
from nextschool.testing.models import QuestionnaireTemplate, Student, Teacher
from nextschool.testing.ratelimit import FixedWindowLimiter
from nextschool.testing.seed import SchoolWorld, SeedData
from nextschool.testing.settings import Account, AccountBook
from nextschool.testing.tokens import TokenStore

AUTH_REQUIRED = "Authentication required"
INVALID_CREDENTIALS = "Invalid credentials"
INVALID_REFRESH = "Invalid or expired refresh token"
LOGIN_RATE_LIMITED = "Too many login attempts. Please try again later."


@dataclass(slots=True)
class RequestContext:
    """Per-request state handed to resolvers as `info.context`."""

    client_ip: str
    accounts: AccountBook
    seed: SeedData
    tokens: TokenStore
    counters: ServerCounters
    login_limiter: FixedWindowLimiter | None
    account: Account | None = None
    world: SchoolWorld | None = None


def schema_sdl() -> str:
    """The SDK's `schema.graphql`, as shipped in the package."""
    return (files("nextschool.generated_client") / "schema.graphql").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def load_schema() -> GraphQLSchema:
    """The schema with resolvers bound. Shared by every server in the process:
    resolvers keep no state of their own, everything comes from the context."""
    schema = build_schema(schema_sdl())
    _bind(schema, "Query", _QUERY_RESOLVERS)
    _bind(schema, "Mutation", _MUTATION_RESOLVERS)
    _bind(schema, "Teacher", {"visitSummary": _visit_summary})
    return schema


def _bind(schema: GraphQLSchema, type_name: str, resolvers: dict[str, Any]) -> None:
    graphql_type = schema.get_type(type_name)
    if not isinstance(graphql_type, GraphQLObjectType):
        raise TypeError(f"{type_name} is not an object type in schema.graphql")
    for field_name, resolver in resolvers.items():
        graphql_type.fields[field_name].resolve = resolver


def _context(info: GraphQLResolveInfo) -> RequestContext:
    context = info.context
    if not isinstance(context, RequestContext):
        raise TypeError("the server must pass a RequestContext")
    return context


def _world(info: GraphQLResolveInfo) -> SchoolWorld:
    world = _context(info).world
    if world is None:
        # The request pipeline authenticates data queries before executing
        # them; this only guards against a pipeline bug leaking data.
        raise GraphQLError(AUTH_REQUIRED, extensions={"code": "UNAUTHENTICATED"})
    return world


def _login(_root: None, info: GraphQLResolveInfo, username: str, password: str) -> dict[str, Any]:
    context = _context(info)
    context.counters.add("login_attempts")
    if context.login_limiter is not None:
        limit = context.login_limiter.hit(context.client_ip)
        if not limit.allowed:
            context.counters.add("rate_limited_login")
            raise GraphQLError(
                LOGIN_RATE_LIMITED,
                extensions={"code": "RATE_LIMITED", "retryAfter": limit.retry_after},
            )
    account = context.accounts.by_username.get(username)
    # Compare anyway when the user is unknown, so timing does not tell.
    expected = account.password if account else "\0"
    if not hmac.compare_digest(expected.encode(), password.encode()) or account is None:
        raise GraphQLError(INVALID_CREDENTIALS)
    access = context.tokens.issue_access(account)
    refresh = context.tokens.issue_refresh(account)
    context.counters.add("logins")
    return {
        "accessToken": access.token,
        "refreshToken": refresh,
        "expiresIn": access.expires_in,
        "user": {
            "id": account.id,
            "username": account.username,
            "name": account.name,
            "email": account.email,
        },
    }


def _refresh(_root: None, info: GraphQLResolveInfo, refreshToken: str) -> dict[str, Any]:
    context = _context(info)
    context.counters.add("refresh_attempts")
    user_id = context.tokens.use_refresh(refreshToken)
    account = context.accounts.by_id.get(user_id) if user_id is not None else None
    if account is None:
        raise GraphQLError(INVALID_REFRESH)
    access = context.tokens.issue_access(account)
    context.counters.add("refreshes")
    return {"accessToken": access.token, "expiresIn": access.expires_in}


def _logout(_root: None, info: GraphQLResolveInfo, refreshToken: str) -> bool:
    context = _context(info)
    context.counters.add("logouts")
    return context.tokens.revoke_refresh(refreshToken)


def _students(_root: None, info: GraphQLResolveInfo, **args: Any) -> list[Student]:
    return queries.students(_world(info), args)


def _student(_root: None, info: GraphQLResolveInfo, id: int) -> Student | None:
    return _world(info).students_by_id.get(id)


def _teachers(_root: None, info: GraphQLResolveInfo, **args: Any) -> list[Teacher]:
    return queries.teachers(_world(info), args)


def _teacher(_root: None, info: GraphQLResolveInfo, id: int) -> Teacher | None:
    return _world(info).teachers_by_id.get(id)


def _adviser_screens(_root: None, info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    return care.adviser_screens(_world(info), args)


def _adviser_screen_stats(_root: None, info: GraphQLResolveInfo) -> dict[str, int]:
    return care.adviser_screen_stats(_world(info))


def _visit_students(_root: None, info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    return care.visit_students(_world(info), args)


def _visit_stats(_root: None, info: GraphQLResolveInfo) -> dict[str, int]:
    world = _world(info)
    return care.visit_stats(world, care.scope_of(world, None, None))


def _visit_summary(
    teacher: Teacher,
    info: GraphQLResolveInfo,
    semesterId: int | None = None,
) -> dict[str, int]:
    world = _world(info)
    scope = care.scope_of(world, None, semesterId)
    if scope is None:
        return care.visit_stats(world, None)
    # No homeroom in that year means no students: an empty tuple, not "all".
    rooms = teacher.classroom_ids.get(scope.academic_year_id, ())
    return care.visit_stats(world, scope, rooms)


def _sdq_template(_root: None, info: GraphQLResolveInfo) -> QuestionnaireTemplate:
    _world(info)
    return _context(info).seed.sdq_template


def _eq_template(_root: None, info: GraphQLResolveInfo) -> QuestionnaireTemplate:
    _world(info)
    return _context(info).seed.eq_template


_QUERY_RESOLVERS: dict[str, Any] = {
    "students": _students,
    "student": _student,
    "teachers": _teachers,
    "teacher": _teacher,
    "adviserScreens": _adviser_screens,
    "adviserScreenStats": _adviser_screen_stats,
    "visitStudents": _visit_students,
    "visitStats": _visit_stats,
    "sdqTemplate": _sdq_template,
    "eqTemplate": _eq_template,
}
_MUTATION_RESOLVERS: dict[str, Any] = {
    "login": _login,
    "refreshToken": _refresh,
    "logout": _logout,
}
