"""Every operation of queries/, on both generated clients, against realistic responses.

One table (`OPERATIONS`) drives the async and the sync client alike: both
return the same classes from `nextschool.generated_client.models`. The clients
are generated onto the SDK's base clients (NextSchoolClientsPlugin), which send
Login, RefreshToken and Logout themselves as `login()`, `refresh_token()` and
`logout()`; the table covers those through the base's methods. Responses go
through `httpx.MockTransport` (see fake_api.py), so the requests asserted on
are the real JSON bodies the clients send.

The last section checks queries/ against schema.graphql with graphql-core:
each selection set selects every field of its type, every root field has an
operation, and every argument is bound to a variable.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import httpx
import pytest
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TypeNode,
    VariableNode,
    Visitor,
    build_schema,
    get_named_type,
    is_non_null_type,
    parse,
    print_ast,
    validate,
    visit,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr
from pydantic_core import PydanticSerializationError

from nextschool import InvalidResponseError
from nextschool.base import AsyncBaseClient, BaseClient
from nextschool.generated_client import models
from nextschool.generated_client.async_client import GeneratedAsyncClient
from nextschool.generated_client.async_client.base_model import UNSET
from nextschool.generated_client.models import (
    AdviserScreensAdviserScreens,
    AdviserScreenStatsAdviserScreenStats,
    AuthUserFields,
    EqTemplateEqTemplate,
    LoginLogin,
    QuestionnaireTemplateFields,
    QuestionnaireTemplateFieldsQuestions,
    QuestionnaireTemplateFieldsQuestionsAnswers,
    RefreshTokenRefreshToken,
    SdqTemplateSdqTemplate,
    StudentFieldsVisit,
    StudentsStudents,
    StudentStudent,
    TeacherFieldsVisitSummary,
    TeachersTeachers,
    TeacherTeacher,
    VisitStatsVisitStats,
    VisitStudentsVisitStudents,
)
from nextschool.generated_client.sync_client import GeneratedSyncClient
from nextschool.generated_client.sync_client.base_model import UNSET as SYNC_UNSET

from .fake_api import (
    ACCESS_TOKEN,
    ADVISER_SCREEN_ROWS,
    ADVISER_SCREEN_STATS_DATA,
    API_URL,
    EQ_TEMPLATE,
    LOGIN_DATA,
    LOGOUT_DATA,
    QUERIES_DIR,
    REFRESH_TOKEN,
    REFRESH_TOKEN_DATA,
    REFRESHED_ACCESS_TOKEN,
    SCHEMA_PATH,
    SDQ_TEMPLATE,
    STUDENT_ALL_NULL,
    STUDENT_SOMCHAI,
    STUDENT_SOMYING,
    TEACHER_ALL_NULL,
    TEACHER_EMPTY_SUMMARY,
    TEACHER_SOMSRI,
    VISIT_STATS_DATA,
    VISIT_STUDENT_ROWS,
    FakeApi,
)

ClientKind = Literal["async", "sync"]
# Sent by the base clients themselves (pyproject's base_operations).
BASE_OPERATIONS = {"Login": "login", "RefreshToken": "refresh_token", "Logout": "logout"}
# The session the clients start with: opaque, so never due for renewal (the
# fake API's JWTs expired long ago, and would be renewed first).
SESSION_TOKEN = "session-access-token"
CLIENT_KINDS: tuple[ClientKind, ...] = ("async", "sync")

SCHEMA: GraphQLSchema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
# ariadne-codegen reads every file of queries/ as one document, in path order.
SOURCE_DOCUMENT: DocumentNode = parse(
    "\n".join(path.read_text(encoding="utf-8") for path in sorted(QUERIES_DIR.glob("*.graphql")))
)
SOURCE_OPERATIONS: dict[str, OperationDefinitionNode] = {
    definition.name.value: definition
    for definition in SOURCE_DOCUMENT.definitions
    if isinstance(definition, OperationDefinitionNode) and definition.name is not None
}
SOURCE_FRAGMENTS: dict[str, FragmentDefinitionNode] = {
    definition.name.value: definition
    for definition in SOURCE_DOCUMENT.definitions
    if isinstance(definition, FragmentDefinitionNode)
}


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel_case(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def named_type_name(type_node: TypeNode) -> str:
    while isinstance(type_node, NonNullTypeNode | ListTypeNode):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)
    return type_node.name.value


# --- Running a generated method on either client -------------------------------


def sync_client(http: httpx.Client) -> GeneratedSyncClient:
    """A generated client with a session already, on the caller's httpx client."""
    return GeneratedSyncClient(
        API_URL, access_token=SESSION_TOKEN, refresh_token=REFRESH_TOKEN, http_client=http
    )


async def run(
    kind: ClientKind, method: str, responses: Mapping[str, Any], **kwargs: Any
) -> tuple[Any, FakeApi]:
    """Call `method(**kwargs)` on a generated client talking to a FakeApi."""
    api = FakeApi(responses)
    if kind == "async":
        async with httpx.AsyncClient(transport=api.transport) as http:
            async_client = GeneratedAsyncClient(
                API_URL, access_token=SESSION_TOKEN, refresh_token=REFRESH_TOKEN, http_client=http
            )
            result = await getattr(async_client, method)(**kwargs)
    else:
        with httpx.Client(transport=api.transport) as sync_http:
            result = getattr(sync_client(sync_http), method)(**kwargs)
    assert len(api.calls) == 1, api.operation_names
    return result, api


@pytest.fixture(params=CLIENT_KINDS)
def kind(request: pytest.FixtureRequest) -> ClientKind:
    return cast(ClientKind, request.param)


# --- Result checks --------------------------------------------------------------


def assert_round_trip(model: BaseModel, payload: Mapping[str, Any]) -> None:
    """The model holds exactly what was served: same keys, same values, nulls kept."""
    assert model.model_dump(by_alias=True) == payload


def assert_all_none_except(model: BaseModel, *kept: str) -> None:
    nullable = [name for name in type(model).model_fields if name not in kept]
    assert nullable
    assert {name: getattr(model, name) for name in nullable} == dict.fromkeys(nullable)


def check_login(result: object) -> None:
    assert isinstance(result, LoginLogin)
    assert isinstance(result.access_token, SecretStr)
    assert isinstance(result.refresh_token, SecretStr)
    assert result.access_token.get_secret_value() == ACCESS_TOKEN
    assert result.refresh_token.get_secret_value() == REFRESH_TOKEN
    assert result.expires_in == 900
    assert isinstance(result.user, AuthUserFields)
    assert result.user.id == 12
    assert result.user.name == "โรงเรียนบ้านหนองบัว"
    assert result.user.email is None


def check_refresh_token(result: object) -> None:
    assert isinstance(result, RefreshTokenRefreshToken)
    assert isinstance(result.access_token, SecretStr)
    assert result.access_token.get_secret_value() == REFRESHED_ACCESS_TOKEN
    assert result.expires_in == 900


def check_logout(result: object) -> None:
    assert result is True


def check_students(result: object) -> None:
    assert isinstance(result, list)
    assert [type(row) for row in result] == [StudentsStudents, StudentsStudents]
    somchai, blank = cast(list[StudentsStudents], result)
    assert somchai.id == 1024
    assert somchai.title == "เด็กชาย"
    assert somchai.full_name == "เด็กชายสมชาย ใจดี"
    assert somchai.classroom_name == "ม.1/1"
    assert somchai.status_text == "กำลังศึกษา"
    assert somchai.address == "99/1 หมู่ 3 ต.ในเมือง อ.เมือง จ.ขอนแก่น 40000"
    assert somchai.image_uri == "https://cdn.nextschool.io/students/65001.jpg"
    assert isinstance(somchai.visit, StudentFieldsVisit)
    assert somchai.visit.id == 501
    assert somchai.visit.overall_text == "ปกติ"
    assert_round_trip(somchai, STUDENT_SOMCHAI)
    assert blank.id == 1025
    assert_all_none_except(blank, "id")
    assert blank.visit is None
    assert_round_trip(blank, STUDENT_ALL_NULL)


def check_student(result: object) -> None:
    assert isinstance(result, StudentStudent)
    assert result.full_name == "เด็กหญิงสมหญิง รักเรียน"
    assert result.order_number == 15
    assert isinstance(result.visit, StudentFieldsVisit)
    assert result.visit.overall == "PROBLEM"
    assert result.visit.overall_text == "มีปัญหา"
    assert result.visit.visited_at == "2024-07-19T14:00:00+07:00"
    assert_round_trip(result, STUDENT_SOMYING)


def check_teachers(result: object) -> None:
    assert isinstance(result, list)
    assert {type(row) for row in result} == {TeachersTeachers}
    somsri, blank, prasert = cast(list[TeachersTeachers], result)
    assert somsri.full_name == "นางสาวสมศรี มีสุข"
    assert somsri.teach_group == "กลุ่มสาระการเรียนรู้คณิตศาสตร์"
    assert somsri.takecare == "ม.1/1"
    assert somsri.type_ == 2
    assert isinstance(somsri.visit_summary, TeacherFieldsVisitSummary)
    assert somsri.visit_summary.visited == 30
    assert somsri.visit_summary.not_visited == 2
    assert_round_trip(somsri, TEACHER_SOMSRI)
    assert_all_none_except(blank, "id")
    assert_round_trip(blank, TEACHER_ALL_NULL)
    assert prasert.takecare is None
    assert isinstance(prasert.visit_summary, TeacherFieldsVisitSummary)
    assert_all_none_except(prasert.visit_summary)
    assert_round_trip(prasert, TEACHER_EMPTY_SUMMARY)


def check_teacher(result: object) -> None:
    assert isinstance(result, TeacherTeacher)
    assert result.id == 88
    assert result.emp_position == "ครูชำนาญการ"
    assert isinstance(result.visit_summary, TeacherFieldsVisitSummary)
    assert result.visit_summary.total == 32
    assert result.visit_summary.problem == 3
    assert_round_trip(result, TEACHER_SOMSRI)


def check_adviser_screens(result: object) -> None:
    assert isinstance(result, list)
    assert {type(row) for row in result} == {AdviserScreensAdviserScreens}
    screened, blank = cast(list[AdviserScreensAdviserScreens], result)
    assert screened.student_id == 1024
    assert (screened.title, screened.firstname, screened.lastname) == ("เด็กชาย", "สมชาย", "ใจดี")
    assert screened.classroom_name == "ม.1/1"
    assert screened.overall == "SPECIAL"
    assert blank.student_id == 1025
    assert_all_none_except(blank, "student_id")
    for row, payload in zip(result, ADVISER_SCREEN_ROWS, strict=True):
        assert_round_trip(row, payload)


def check_adviser_screen_stats(result: object) -> None:
    assert isinstance(result, AdviserScreenStatsAdviserScreenStats)
    assert result.total_normal == 512
    assert result.total_risk == 37
    assert result.total_academic_special is None
    assert_round_trip(result, ADVISER_SCREEN_STATS_DATA["adviserScreenStats"])


def check_visit_students(result: object) -> None:
    assert isinstance(result, list)
    assert {type(row) for row in result} == {VisitStudentsVisitStudents}
    not_visited, problem, blank = cast(list[VisitStudentsVisitStudents], result)
    assert not_visited.overall == "NOT_VISITED"
    assert not_visited.overall_text == "ยังไม่เยี่ยม"
    assert not_visited.visit_id is None
    assert not_visited.visited_at is None
    assert problem.overall_text == "มีปัญหา"
    assert problem.visit_id == 502
    assert_all_none_except(blank, "student_id")
    for row, payload in zip(result, VISIT_STUDENT_ROWS, strict=True):
        assert_round_trip(row, payload)


def check_visit_stats(result: object) -> None:
    assert isinstance(result, VisitStatsVisitStats)
    assert (result.total, result.visited, result.not_visited) == (640, 598, 42)
    assert_round_trip(result, VISIT_STATS_DATA["visitStats"])


def check_sdq_template(result: object) -> None:
    assert isinstance(result, SdqTemplateSdqTemplate)
    assert result.name == "แบบประเมินจุดแข็งและจุดอ่อน (SDQ)"
    first, blank = result.questions
    assert isinstance(first, QuestionnaireTemplateFieldsQuestions)
    assert first.question_text == "ห่วงใยความรู้สึกคนอื่น"
    assert [(a.answer_text, a.answer_point) for a in first.answers] == [
        ("ไม่จริง", 0),
        ("ค่อนข้างจริง", 1),
        ("จริงแน่นอน", 2),
    ]
    assert blank.order_number is None
    assert blank.question_text is None
    assert blank.answers == []
    assert_round_trip(result, SDQ_TEMPLATE)


def check_eq_template(result: object) -> None:
    assert isinstance(result, EqTemplateEqTemplate)
    # Both templates select the same fragment, so they share one model class.
    assert isinstance(result, QuestionnaireTemplateFields)
    (question,) = result.questions
    assert question.question_text == "เวลาโกรธหรือไม่สบายใจ ฉันรู้สึกได้ว่าเกิดอะไรขึ้นกับฉัน"
    assert all(isinstance(a, QuestionnaireTemplateFieldsQuestionsAnswers) for a in question.answers)
    assert question.answers[-1].answer_text is None
    assert question.answers[-1].answer_point is None
    assert_round_trip(result, EQ_TEMPLATE)


# --- The table ------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    name: str
    data: dict[str, Any]
    check: Callable[[object], None]
    # Arguments of the realistic call and the variables they must become.
    kwargs: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    # The required arguments only (optional ones left out).
    required: dict[str, Any] = field(default_factory=dict)
    required_variables: dict[str, Any] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return snake_case(self.name)

    def __str__(self) -> str:
        return self.name


LOGIN_ARGS = {"username": "api.nongbua", "password": "รหัสผ่าน-ลับ#2567"}
REFRESH_ARGS = {"refresh_token": REFRESH_TOKEN}
REFRESH_VARIABLES = {"refreshToken": REFRESH_TOKEN}

OPERATIONS: list[Operation] = [
    Operation(
        "Login",
        LOGIN_DATA,
        check_login,
        kwargs=LOGIN_ARGS,
        variables=LOGIN_ARGS,
        required=LOGIN_ARGS,
        required_variables=LOGIN_ARGS,
    ),
    Operation(
        "RefreshToken",
        REFRESH_TOKEN_DATA,
        check_refresh_token,
        kwargs=REFRESH_ARGS,
        variables=REFRESH_VARIABLES,
        required=REFRESH_ARGS,
        required_variables=REFRESH_VARIABLES,
    ),
    Operation(
        "Logout",
        LOGOUT_DATA,
        check_logout,
        kwargs=REFRESH_ARGS,
        variables=REFRESH_VARIABLES,
        required=REFRESH_ARGS,
        required_variables=REFRESH_VARIABLES,
    ),
    Operation(
        "Students",
        {"students": [STUDENT_SOMCHAI, STUDENT_ALL_NULL]},
        check_students,
        kwargs={"limit": 5, "search": "สมชาย"},
        variables={"limit": 5, "search": "สมชาย"},
    ),
    Operation(
        "Student",
        {"student": STUDENT_SOMYING},
        check_student,
        kwargs={"id": 1031},
        variables={"id": 1031},
        required={"id": 1031},
        required_variables={"id": 1031},
    ),
    Operation(
        "Teachers",
        {"teachers": [TEACHER_SOMSRI, TEACHER_ALL_NULL, TEACHER_EMPTY_SUMMARY]},
        check_teachers,
        kwargs={"lastname": "มีสุข", "status": 1, "visit_semester_id": 3},
        variables={"lastname": "มีสุข", "status": 1, "visitSemesterId": 3},
    ),
    Operation(
        "Teacher",
        {"teacher": TEACHER_SOMSRI},
        check_teacher,
        kwargs={"id": 88, "visit_semester_id": 3},
        variables={"id": 88, "visitSemesterId": 3},
        required={"id": 88},
        required_variables={"id": 88},
    ),
    Operation(
        "AdviserScreens",
        {"adviserScreens": ADVISER_SCREEN_ROWS},
        check_adviser_screens,
        kwargs={"classroom_id": 11, "status": "special", "limit": 50},
        variables={"classroomId": 11, "status": "special", "limit": 50},
    ),
    Operation("AdviserScreenStats", ADVISER_SCREEN_STATS_DATA, check_adviser_screen_stats),
    Operation(
        "VisitStudents",
        {"visitStudents": VISIT_STUDENT_ROWS},
        check_visit_students,
        kwargs={"semester_id": 3, "status": "not_visited", "offset": 0},
        variables={"semesterId": 3, "status": "not_visited", "offset": 0},
    ),
    Operation("VisitStats", VISIT_STATS_DATA, check_visit_stats),
    Operation("SdqTemplate", {"sdqTemplate": SDQ_TEMPLATE}, check_sdq_template),
    Operation("EqTemplate", {"eqTemplate": EQ_TEMPLATE}, check_eq_template),
]
OPERATION_IDS = [operation.name for operation in OPERATIONS]


def root_field(operation_name: str) -> FieldNode:
    (selection,) = SOURCE_OPERATIONS[operation_name].selection_set.selections
    assert isinstance(selection, FieldNode)
    return selection


def root_field_is_nullable(operation: Operation) -> bool:
    root_type = SCHEMA.get_root_type(SOURCE_OPERATIONS[operation.name].operation)
    assert root_type is not None
    return not is_non_null_type(root_type.fields[root_field(operation.name).name.value].type)


NULLABLE_ROOTS = [operation for operation in OPERATIONS if root_field_is_nullable(operation)]
NON_NULL_ROOTS = [operation for operation in OPERATIONS if not root_field_is_nullable(operation)]


def test_table_covers_every_operation_in_queries() -> None:
    assert len(set(OPERATION_IDS)) == len(OPERATION_IDS)
    assert set(OPERATION_IDS) == set(SOURCE_OPERATIONS)
    assert len(OPERATIONS) == 13


def test_both_clients_expose_the_same_operation_methods() -> None:
    def operation_methods(cls: type) -> set[str]:
        return {
            name
            for name, value in vars(cls).items()
            if callable(value) and not name.startswith("_")
        }

    expected = {snake_case(name) for name in SOURCE_OPERATIONS if name not in BASE_OPERATIONS}
    assert operation_methods(GeneratedAsyncClient) == expected
    assert operation_methods(GeneratedSyncClient) == expected
    # The auth operations are the bases' own methods, which the clients inherit.
    assert set(BASE_OPERATIONS.values()) <= operation_methods(AsyncBaseClient)
    assert set(BASE_OPERATIONS.values()) <= operation_methods(BaseClient)
    assert issubclass(GeneratedAsyncClient, AsyncBaseClient)
    assert issubclass(GeneratedSyncClient, BaseClient)
    for name in sorted(expected | set(BASE_OPERATIONS.values())):
        async_method = getattr(GeneratedAsyncClient, name)
        sync_method = getattr(GeneratedSyncClient, name)
        assert inspect.iscoroutinefunction(async_method), name
        assert not inspect.iscoroutinefunction(sync_method), name
        # Same parameters and the very same (shared) result classes. The
        # parameter annotations differ only in whose UnsetType they name.
        async_signature = inspect.signature(async_method)
        sync_signature = inspect.signature(sync_method)
        assert async_signature.return_annotation == sync_signature.return_annotation, name
        assert parameter_shape(async_signature, UNSET) == parameter_shape(
            sync_signature, SYNC_UNSET
        ), name


def parameter_shape(signature: inspect.Signature, unset: object) -> list[tuple[str, str, str]]:
    return [
        (
            parameter.name,
            parameter.kind.name,
            "UNSET" if parameter.default is unset else repr(parameter.default),
        )
        for parameter in signature.parameters.values()
    ]


def test_each_client_only_accepts_its_own_unset() -> None:
    # Each generated package has its own UNSET sentinel (and the models package
    # a third). Only the client's own one means "not given"; another one is not
    # serialisable. mypy catches the mix-up, as the ignore shows.
    assert cast(object, UNSET) is not SYNC_UNSET
    api = FakeApi({"Students": {"students": []}})
    with httpx.Client(transport=api.transport) as http:
        client = sync_client(http)
        client.students(limit=SYNC_UNSET)
        with pytest.raises(PydanticSerializationError):
            client.students(limit=UNSET)  # type: ignore[arg-type]
    assert [call.variables for call in api.calls] == [{}]


# --- Responses --------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
async def test_parses_realistic_response(operation: Operation, kind: ClientKind) -> None:
    result, api = await run(
        kind, operation.method, {operation.name: operation.data}, **operation.kwargs
    )
    operation.check(result)
    assert api.last.operation_name == operation.name


@pytest.mark.parametrize("operation", NULLABLE_ROOTS, ids=str)
async def test_nullable_root_field_returns_none(operation: Operation, kind: ClientKind) -> None:
    root = root_field(operation.name).name.value
    result, _ = await run(
        kind, operation.method, {operation.name: {root: None}}, **operation.required
    )
    assert result is None


@pytest.mark.parametrize("operation", NON_NULL_ROOTS, ids=str)
async def test_null_for_non_null_root_field_is_an_invalid_response(
    operation: Operation, kind: ClientKind
) -> None:
    # A schema violation by the server surfaces as the SDK's typed error, with
    # the operation named, not as pydantic's ValidationError.
    root = root_field(operation.name).name.value
    with pytest.raises(InvalidResponseError, match=operation.name):
        await run(kind, operation.method, {operation.name: {root: None}}, **operation.required)


def test_nullable_roots_are_read_from_the_schema() -> None:
    assert {operation.name for operation in NULLABLE_ROOTS} == {
        "Logout",
        "Student",
        "Teacher",
        "AdviserScreenStats",
        "VisitStats",
        "SdqTemplate",
        "EqTemplate",
    }


# --- Requests ---------------------------------------------------------------------


class ArgumentCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.arguments: list[ArgumentNode] = []

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        self.arguments.append(node)


def argument_nodes(document: DocumentNode) -> list[ArgumentNode]:
    collector = ArgumentCollector()
    visit(document, collector)
    return collector.arguments


def source_document_of(operation_name: str) -> DocumentNode:
    """The operation as written in queries/, with the fragments it uses."""
    definition = SOURCE_OPERATIONS[operation_name]
    used: dict[str, FragmentDefinitionNode] = {}
    pending: list[SelectionSetNode] = [definition.selection_set]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in used:
                    used[name] = SOURCE_FRAGMENTS[name]
                    pending.append(used[name].selection_set)
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
    return DocumentNode(definitions=(definition, *used.values()))


def printed_definitions(document: DocumentNode) -> list[str]:
    return sorted(print_ast(definition) for definition in document.definitions)


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
async def test_request_names_operation_and_sends_arguments_as_variables(
    operation: Operation, kind: ClientKind
) -> None:
    _, api = await run(kind, operation.method, {operation.name: operation.data}, **operation.kwargs)
    call = api.last
    # `variables` is left out only when the operation declares none.
    declares_variables = bool(SOURCE_OPERATIONS[operation.name].variable_definitions)
    assert set(call.body) == {"query", "operationName"} | (
        {"variables"} if declares_variables else set()
    )
    assert call.body["operationName"] == operation.name
    assert call.variables == operation.variables

    document = parse(call.query)
    sent_operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(sent_operations) == 1
    (sent,) = sent_operations
    assert sent.name is not None
    assert sent.name.value == operation.name
    keyword = "mutation" if sent.operation is OperationType.MUTATION else "query"
    assert f"{keyword} {operation.name}" in call.query
    assert validate(SCHEMA, document) == []
    # The query is the one in queries/, fragments included, not a variant of it.
    assert printed_definitions(document) == printed_definitions(source_document_of(operation.name))

    # No argument is ever a literal: every one is a $variable, and no variable
    # has a default written into the query text.
    assert all(isinstance(argument.value, VariableNode) for argument in argument_nodes(document))
    assert all(definition.default_value is None for definition in sent.variable_definitions)
    declared = {definition.variable.name.value for definition in sent.variable_definitions}
    assert set(call.variables) <= declared
    for value in call.variables.values():
        assert not isinstance(value, str) or value not in call.query


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
async def test_arguments_not_given_are_absent_from_variables(
    operation: Operation, kind: ClientKind
) -> None:
    _, api = await run(
        kind, operation.method, {operation.name: operation.data}, **operation.required
    )
    assert api.last.variables == operation.required_variables


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
async def test_every_parameter_travels_as_its_variable(
    operation: Operation, kind: ClientKind
) -> None:
    """Set every parameter at once: each lands under its camelCase variable."""
    definition = SOURCE_OPERATIONS[operation.name]
    declared = {d.variable.name.value: d.type for d in definition.variable_definitions}
    parameters = [
        name
        for name in inspect.signature(getattr(GeneratedSyncClient, operation.method)).parameters
        if name not in {"self", "kwargs"}
    ]
    if operation.name == "Login":  # the base's login() takes both, or neither
        parameters = ["username", "password"]
    assert {camel_case(name) for name in parameters} == set(declared)

    kwargs: dict[str, Any] = {}
    for number, name in enumerate(parameters, start=101):
        type_node = declared[camel_case(name)]
        kwargs[name] = number if named_type_name(type_node) == "Int" else f"ค่า-{name}-{number}"
    _, api = await run(kind, operation.method, {operation.name: operation.data}, **kwargs)
    assert api.last.variables == {camel_case(name): value for name, value in kwargs.items()}


async def test_explicit_none_is_sent_as_null_not_omitted(kind: ClientKind) -> None:
    # None is not "not given": it travels as null, which overrides the schema
    # default (students(limit: Int = 20)). Omit an argument to get the default.
    _, api = await run(kind, "students", {"Students": {"students": []}}, limit=None, search="สม")
    assert api.last.variables == {"limit": None, "search": "สม"}


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
async def test_both_clients_send_identical_requests(operation: Operation) -> None:
    responses = {operation.name: operation.data}
    async_result, async_api = await run("async", operation.method, responses, **operation.kwargs)
    sync_result, sync_api = await run("sync", operation.method, responses, **operation.kwargs)
    assert async_api.last.body == sync_api.last.body
    assert async_api.last.query == sync_api.last.query
    assert type(async_result) is type(sync_result)
    assert async_result == sync_result


@settings(max_examples=60, deadline=None)
@given(search=st.text(), limit=st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_argument_values_never_change_the_query_text(search: str, limit: int) -> None:
    api = FakeApi({"Students": {"students": []}})
    with httpx.Client(transport=api.transport) as http:
        client = sync_client(http)
        client.students()
        client.students(search=search, limit=limit)
    baseline, call = api.calls
    assert call.query == baseline.query
    assert call.variables == {"search": search, "limit": limit}


# --- Secrets ------------------------------------------------------------------------

SECRET_CASES = [
    pytest.param(
        "login",
        LOGIN_ARGS,
        {"Login": LOGIN_DATA},
        {"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN},
        id="Login",
    ),
    pytest.param(
        "refresh_token",
        REFRESH_ARGS,
        {"RefreshToken": REFRESH_TOKEN_DATA},
        {"access_token": REFRESHED_ACCESS_TOKEN},
        id="RefreshToken",
    ),
]


@pytest.mark.parametrize(("method", "kwargs", "responses", "secrets"), SECRET_CASES)
async def test_tokens_are_secret_str(
    method: str,
    kwargs: dict[str, str],
    responses: dict[str, Any],
    secrets: dict[str, str],
    kind: ClientKind,
) -> None:
    result, _ = await run(kind, method, responses, **kwargs)
    assert isinstance(result, BaseModel)
    shown = [repr(result), str(result), result.model_dump_json(), repr(result.model_dump())]
    for name, token in secrets.items():
        value = getattr(result, name)
        assert isinstance(value, SecretStr)
        assert value.get_secret_value() == token
        assert all(token not in text for text in shown), name
        assert token not in repr(value)
        assert token not in f"{value}"


def test_only_token_fields_are_secret() -> None:
    secret_fields = {
        f"{model.__name__}.{name}"
        for model in vars(models).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name, info in model.model_fields.items()
        if info.annotation is SecretStr
    }
    assert secret_fields == {
        "LoginLogin.access_token",
        "LoginLogin.refresh_token",
        "RefreshTokenRefreshToken.access_token",
    }


async def test_secret_str_passed_back_as_argument_is_sent_masked() -> None:
    # Handing the SecretStr from login() straight back to refresh_token() sends
    # the mask, not the token: the hand-written layer must call
    # get_secret_value(). mypy rejects such a call (the parameter is `str`).
    token = SecretStr(REFRESH_TOKEN)
    api = FakeApi({"RefreshToken": REFRESH_TOKEN_DATA})
    async with httpx.AsyncClient(transport=api.transport) as async_http:
        async_client = GeneratedAsyncClient(API_URL, http_client=async_http)
        await async_client.refresh_token(refresh_token=token)  # type: ignore[arg-type]
    with httpx.Client(transport=api.transport) as sync_http:
        sync_client(sync_http).refresh_token(refresh_token=token)  # type: ignore[arg-type]
    assert [call.variables for call in api.calls] == [{"refreshToken": "**********"}] * 2


# --- queries/ against schema.graphql ---------------------------------------------------


@dataclass
class SelectionReport:
    problems: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)


def check_selections(schema: GraphQLSchema, document: DocumentNode) -> SelectionReport:
    """Walk every operation: each object selection must select all fields of its type.

    Fragment spreads and inline fragments are expanded; a field selected in several
    places has its sub-selections merged, as GraphQL does. Arguments of every
    selected field must be bound to variables, all of them.
    """
    report = SelectionReport()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }

    def selected_fields(
        selection_set: SelectionSetNode, type_name: str
    ) -> dict[str, list[FieldNode]]:
        out: dict[str, list[FieldNode]] = {}
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                out.setdefault(selection.name.value, []).append(selection)
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                condition: NamedTypeNode | None = fragment.type_condition
                inner = fragment.selection_set
            else:
                assert isinstance(selection, InlineFragmentNode)
                condition, inner = selection.type_condition, selection.selection_set
            assert condition is None or condition.name.value == type_name
            for name, nodes in selected_fields(inner, type_name).items():
                out.setdefault(name, []).extend(nodes)
        return out

    def check_arguments(path: str, parent: GraphQLObjectType, nodes: Sequence[FieldNode]) -> None:
        expected = set(parent.fields[nodes[0].name.value].args)
        for node in nodes:
            given_args = {argument.name.value for argument in node.arguments}
            if given_args != expected:
                report.problems.append(
                    f"{path}: arguments {sorted(given_args)}, schema has {sorted(expected)}"
                )
            for argument in node.arguments:
                if not isinstance(argument.value, VariableNode):
                    report.problems.append(f"{path}({argument.name.value}:) is a literal")

    def walk(path: str, parent: GraphQLObjectType, nodes: Sequence[FieldNode]) -> None:
        report.visited.add(path)
        check_arguments(path, parent, nodes)
        field_type = get_named_type(parent.fields[nodes[0].name.value].type)
        if not isinstance(field_type, GraphQLObjectType):
            return
        selected: dict[str, list[FieldNode]] = {}
        for node in nodes:
            assert node.selection_set is not None, path
            for name, found in selected_fields(node.selection_set, field_type.name).items():
                selected.setdefault(name, []).extend(found)
        selected.pop("__typename", None)
        missing = sorted(set(field_type.fields) - set(selected))
        if missing:
            report.problems.append(f"{path} ({field_type.name}) does not select {missing}")
        for name, found in sorted(selected.items()):
            walk(f"{path}.{name}", field_type, found)

    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        root = schema.get_root_type(definition.operation)
        assert root is not None
        assert definition.name is not None
        for name, nodes in selected_fields(definition.selection_set, root.name).items():
            walk(f"{definition.name.value}.{name}", root, nodes)
    return report


def test_queries_select_every_field_of_their_types() -> None:
    report = check_selections(SCHEMA, SOURCE_DOCUMENT)
    assert report.problems == []
    # Fragments were expanded all the way down, nested objects included.
    assert {
        "Login.login.user",
        "Students.students.visit",
        "Student.student.visit",
        "Teachers.teachers.visitSummary",
        "Teacher.teacher.visitSummary",
        "SdqTemplate.sdqTemplate.questions.answers",
        "EqTemplate.eqTemplate.questions.answers",
        "Student.student.visit.overallText",
        "Teacher.teacher.visitSummary.notVisited",
    } <= report.visited


def test_selection_check_reports_what_is_missing() -> None:
    document = parse(
        """
        query Partial($id: Int!) {
          student(id: $id) { id ...Name visit { id } }
          teacher(id: 7) { ...TeacherBits }
        }
        fragment Name on Student { firstname lastname }
        fragment TeacherBits on Teacher { id visitSummary { total } }
        """
    )
    problems = "\n".join(check_selections(SCHEMA, document).problems)
    assert "Partial.student (Student) does not select ['address'," in problems
    assert "'fullName'" in problems
    assert "'firstname'" not in problems.split("\n")[0]
    assert "Partial.student.visit (StudentVisit) does not select ['overall'" in problems
    assert "Partial.teacher(id:) is a literal" in problems
    assert "Partial.teacher.visitSummary: arguments [], schema has ['semesterId']" in problems
    assert "Partial.teacher.visitSummary (VisitStats) does not select ['normal'" in problems


def test_every_root_field_has_an_operation() -> None:
    covered: dict[OperationType, set[str]] = {
        OperationType.QUERY: set(),
        OperationType.MUTATION: set(),
    }
    for definition in SOURCE_OPERATIONS.values():
        (selection,) = definition.selection_set.selections  # one root field per operation
        assert isinstance(selection, FieldNode)
        covered[definition.operation].add(selection.name.value)
    assert SCHEMA.query_type is not None
    assert SCHEMA.mutation_type is not None
    assert covered[OperationType.QUERY] == set(SCHEMA.query_type.fields)
    assert covered[OperationType.MUTATION] == set(SCHEMA.mutation_type.fields)
    assert SCHEMA.subscription_type is None


def test_queries_are_valid_against_the_schema() -> None:
    assert validate(SCHEMA, SOURCE_DOCUMENT) == []
