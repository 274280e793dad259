"""Who sees what, as the office decides it: the `access:` section of the office configuration.

- `administrator_roles`: officers holding one of these administer Alur (the simulated clock,
  accounts); they see no case for that alone.
- `see_all_roles`: roles that read every case, confidential ones included (head of office, auditor).
  The org chart's head of office is always one of them.
- `identity_roles`: roles shown the reporter's identity on a confidential (*rahasia*) case they
  may read; each such viewing is recorded in the case's history.
- `second_factor_roles`: roles that must sign in with a TOTP code as well as their password.

Issue 12.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AccessRules(BaseModel):
    """YAML `access:`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    administrator_roles: list[str] = ["administrator"]
    see_all_roles: list[str] = ["auditor"]
    identity_roles: list[str] = []
    second_factor_roles: list[str] = ["administrator"]

    def roles(self) -> set[str]:
        """Every role this section names (officers may hold them though no SOP step does)."""
        return {
            *self.administrator_roles,
            *self.see_all_roles,
            *self.identity_roles,
            *self.second_factor_roles,
        }
