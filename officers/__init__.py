"""The office's officers: who they are, which SOP roles they hold, who their superior is, and
their accounts: passwords, sessions, API tokens, activation links and the TOTP second factor.
The public reporter is not an officer."""

from officers.accounts import Accounts, Refusal
from officers.activation import Activations
from officers.directory import NewOfficer, OfficerDirectory, OfficerRefused, officer_id
from officers.passwords import PasswordRefused, Passwords
from officers.second_factor import Enrolment, SecondFactor
from officers.sessions import SessionLimits, Sessions
from officers.tokens import ApiTokens, IssuedToken, TokenRecord, TokenRefused

__all__ = [
    "Accounts",
    "Activations",
    "ApiTokens",
    "Enrolment",
    "IssuedToken",
    "NewOfficer",
    "OfficerDirectory",
    "OfficerRefused",
    "PasswordRefused",
    "Passwords",
    "Refusal",
    "SecondFactor",
    "SessionLimits",
    "Sessions",
    "TokenRecord",
    "TokenRefused",
    "officer_id",
]
