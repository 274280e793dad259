"""The table of data keys (README "Personal data").

One row per data subject (a reporter, a visitor) of a case: a random AES-256 key wrapped by the
master key, and keyed blind indexes of the subject's normalised email and phone (HMAC-SHA256), so
a person's cases can be found without storing the contact. Destroying a subject sets its key and
indexes to NULL and records when: every value sealed with it reads "[dihapus]" from then on.
"""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS personal_data_keys (
    subject_id uuid PRIMARY KEY,
    case_id uuid NOT NULL,
    wrapped_key bytea,  -- nonce || AES-GCM(master, data key), the subject id as associated data
    email_index bytea,  -- HMAC-SHA256(blind-index key, "email:" || normalised email)
    phone_index bytea,  -- HMAC-SHA256(blind-index key, "phone:" || normalised phone)
    created_at timestamptz NOT NULL DEFAULT now(),
    destroyed_at timestamptz,
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL)),
    CHECK (destroyed_at IS NULL OR (email_index IS NULL AND phone_index IS NULL))
);
CREATE INDEX IF NOT EXISTS personal_data_keys_case ON personal_data_keys (case_id);
CREATE INDEX IF NOT EXISTS personal_data_keys_email
    ON personal_data_keys (email_index) WHERE email_index IS NOT NULL;
CREATE INDEX IF NOT EXISTS personal_data_keys_phone
    ON personal_data_keys (phone_index) WHERE phone_index IS NOT NULL;
"""

# Where a process that destroyed keys tells the others to forget them (their key caches).
CHANNEL = "alur_personal_data_keys"
