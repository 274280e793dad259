"""The officers' tables in PostgreSQL, and the one migration they have had.

- `officers`: who they are, their roles, unit and superior; their Argon2id password hash (NULL
  until they set one through an activation link or `--password-stdin`), when they were disabled,
  and their TOTP secret (encrypted, officers/second_factor.py) with the last time step accepted.
- `officer_tokens`: API tokens (SHA-256 of the token), each with an expiry and a revocation.
- `officer_sessions`: browser sessions (SHA-256 of the cookie's id), idle and absolute expiry.
- `officer_activations`: one-time links to set a password (SHA-256 of the link's token).

Until issue 12 each officer had one token, in `officers.token_sha256`: the migration moves each
into `officer_tokens` (valid for 365 days from the migration) and drops the column.
"""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS officers (
    id text PRIMARY KEY,
    name text NOT NULL,
    roles text[] NOT NULL,
    unit text,
    superior text REFERENCES officers (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE officers
    ADD COLUMN IF NOT EXISTS email text,  -- where the notifier reaches the officer
    ADD COLUMN IF NOT EXISTS phone text,
    ADD COLUMN IF NOT EXISTS password_hash text,  -- Argon2id (PHC string)
    ADD COLUMN IF NOT EXISTS disabled_at timestamptz,
    ADD COLUMN IF NOT EXISTS totp_secret bytea,  -- AES-GCM: nonce || ciphertext
    ADD COLUMN IF NOT EXISTS totp_last_step bigint;  -- the last TOTP time step accepted

CREATE TABLE IF NOT EXISTS officer_tokens (
    id text PRIMARY KEY,
    officer_id text NOT NULL REFERENCES officers (id) ON DELETE CASCADE,
    token_sha256 bytea NOT NULL UNIQUE,
    prefix text,  -- the token's first characters, to name it (`alur tokens revoke alur_AbCd`)
    label text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS officer_tokens_officer ON officer_tokens (officer_id);

CREATE TABLE IF NOT EXISTS officer_sessions (
    id_sha256 bytea PRIMARY KEY,
    officer_id text NOT NULL REFERENCES officers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS officer_sessions_officer ON officer_sessions (officer_id);

CREATE TABLE IF NOT EXISTS officer_activations (
    token_sha256 bytea PRIMARY KEY,
    officer_id text NOT NULL REFERENCES officers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'officers'
          AND column_name = 'token_sha256'
    ) THEN
        INSERT INTO officer_tokens (id, officer_id, token_sha256, label, created_at, expires_at)
        SELECT 'tok_' || substr(md5(random()::text || o.id), 1, 12), o.id, o.token_sha256,
               'alur users add', o.created_at, now() + interval '365 days'
        FROM officers o WHERE o.token_sha256 IS NOT NULL
        ON CONFLICT DO NOTHING;
        ALTER TABLE officers DROP COLUMN token_sha256;
    END IF;
END $$;
"""
