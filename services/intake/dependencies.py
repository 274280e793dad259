"""The intake's objects as its routers receive them (built once by the web bootstrap)."""

from __future__ import annotations

from typing import Annotated

from attachments import AttachmentIntake
from cases import EventStore
from runtime.http.dependencies import provided
from services.intake.casework import CaseWork
from services.intake.intake import ComplaintIntake
from services.intake.survey_desk import SurveyDesk
from services.intake.tracking import TrackingNumbers

Intake = Annotated[ComplaintIntake, provided(ComplaintIntake)]
Casework = Annotated[CaseWork, provided(CaseWork)]
Desk = Annotated[SurveyDesk, provided(SurveyDesk)]
Tracking = Annotated[TrackingNumbers, provided(TrackingNumbers)]
Store = Annotated[EventStore, provided(EventStore)]
Attachments = Annotated[AttachmentIntake, provided(AttachmentIntake)]
