"""Friendly names for the generated result models, for annotations.

    from nextschool.types import Student

    def export(rows: list[Student]) -> None: ...

Both clients return these same classes.
"""

from .generated_client.models import (
    AdviserScreensAdviserScreens as AdviserScreenRow,
)
from .generated_client.models import (
    AdviserScreenStatsAdviserScreenStats as AdviserScreenStats,
)
from .generated_client.models import AuthUserFields as AuthUser
from .generated_client.models import LoginLogin as LoginResult
from .generated_client.models import QuestionnaireTemplateFields as QuestionnaireTemplate
from .generated_client.models import (
    QuestionnaireTemplateFieldsQuestions as QuestionnaireQuestion,
)
from .generated_client.models import (
    QuestionnaireTemplateFieldsQuestionsAnswers as QuestionnaireAnswer,
)
from .generated_client.models import RefreshTokenRefreshToken as RefreshResult
from .generated_client.models import RespondentType
from .generated_client.models import StudentFields as Student
from .generated_client.models import StudentVisitFields as StudentVisit
from .generated_client.models import TeacherFields as Teacher
from .generated_client.models import TeacherFieldsVisitSummary as TeacherVisitSummary
from .generated_client.models import VisitStatsFields as VisitStats
from .generated_client.models import VisitStudentsVisitStudents as VisitStudentRow

__all__ = [
    "AdviserScreenRow",
    "AdviserScreenStats",
    "AuthUser",
    "LoginResult",
    "QuestionnaireAnswer",
    "QuestionnaireQuestion",
    "QuestionnaireTemplate",
    "RefreshResult",
    "RespondentType",
    "Student",
    "StudentVisit",
    "Teacher",
    "TeacherVisitSummary",
    "VisitStats",
    "VisitStudentRow",
]
