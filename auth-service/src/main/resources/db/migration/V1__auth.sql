-- Accounts: email stored normalized (trimmed, lower-case) and unique case-insensitively.
CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         varchar(254) NOT NULL,
    password_hash varchar(100) NOT NULL,
    name          varchar(100) NOT NULL,
    role          varchar(16)  NOT NULL,
    locale        varchar(8)   NOT NULL,
    created_at    timestamptz  NOT NULL,
    updated_at    timestamptz  NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Refresh tokens: only the SHA-256 of the opaque token is stored. A family is one login.
CREATE TABLE refresh_tokens (
    token_hash char(64)    PRIMARY KEY,
    family_id  uuid        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    spent_at   timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);

-- Failed logins, counted over a sliding window per account and per client IP.
CREATE TABLE login_failures (
    id                 bigserial    PRIMARY KEY,
    email              varchar(254) NOT NULL,
    client_ip          varchar(64)  NOT NULL,
    failed_at          timestamptz  NOT NULL,
    counts_for_account boolean      NOT NULL DEFAULT true
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, failed_at);

-- Development only: the generated signing key, kept so restarts don't log everyone out.
CREATE TABLE dev_signing_keys (
    kid             varchar(64) PRIMARY KEY,
    private_key_pem text        NOT NULL,
    created_at      timestamptz NOT NULL
);
