import json
import math
import os
import urllib.parse
from datetime import datetime, timezone
from typing import cast

from onyx.auth.schemas import AuthBackend
from onyx.cache.interface import CacheBackendType
from onyx.configs.constants import QueryHistoryType
from onyx.document_index.opensearch.constants import OpenSearchAuthMethod
from onyx.file_processing.enums import HtmlBasedConnectorTransformLinksStrategy
from onyx.prompts.image_analysis import (
    DEFAULT_IMAGE_SUMMARIZATION_SYSTEM_PROMPT,
    DEFAULT_IMAGE_SUMMARIZATION_USER_PROMPT,
)
from onyx.utils.logger import setup_logger
from shared_configs.configs import MULTI_TENANT

logger = setup_logger()


def _non_negative_int_env(name: str, default: int) -> int:
    """Parse an int env var, falling back to ``default`` when unset or negative."""
    value = int(os.environ.get(name) or default)
    if value < 0:
        logger.warning("%s=%d is negative; falling back to %d", name, value, default)
        return default
    return value


#####
# App Configs
#####
APP_HOST = "0.0.0.0"  # noqa: S104 — server bind address; intentional default for containerized deployment
APP_PORT = 8080
# API_PREFIX is used to prepend a base path for all API routes
# generally used if using a reverse proxy which doesn't support stripping the `/api`
# prefix from requests directed towards the API server. In these cases, set this to `/api`
APP_API_PREFIX = os.environ.get("API_PREFIX", "")

# Certain services need to make HTTP requests to the API server, such as the MCP server and Discord bot
API_SERVER_PROTOCOL = os.environ.get("API_SERVER_PROTOCOL", "http")
API_SERVER_HOST = os.environ.get("API_SERVER_HOST", "127.0.0.1")
# This override allows self-hosting the MCP server with Onyx Cloud backend.
API_SERVER_URL_OVERRIDE_FOR_HTTP_REQUESTS = os.environ.get(
    "API_SERVER_URL_OVERRIDE_FOR_HTTP_REQUESTS"
)

# Whether to send user metadata (user_id/email and session_id) to the LLM provider.
# Disabled by default.
SEND_USER_METADATA_TO_LLM_PROVIDER = (
    os.environ.get("SEND_USER_METADATA_TO_LLM_PROVIDER", "")
).lower() == "true"

#####
# User Facing Features Configs
#####
BLURB_SIZE = 128  # Number Encoder Tokens included in the chunk blurb

# Hard ceiling for the admin-configurable file upload size (in MB).
# Self-hosted customers can raise or lower this via the environment variable.
MAX_ALLOWED_UPLOAD_SIZE_MB = _non_negative_int_env("MAX_ALLOWED_UPLOAD_SIZE_MB", 250)

# Default fallback for the per-user file upload size limit (in MB) when no
# admin-configured value exists.  Clamped to MAX_ALLOWED_UPLOAD_SIZE_MB at
# runtime so this never silently exceeds the hard ceiling.
DEFAULT_USER_FILE_MAX_UPLOAD_SIZE_MB = _non_negative_int_env(
    "DEFAULT_USER_FILE_MAX_UPLOAD_SIZE_MB", 100
)
GENERATIVE_MODEL_ACCESS_CHECK_FREQ = int(
    os.environ.get("GENERATIVE_MODEL_ACCESS_CHECK_FREQ") or 86400
)  # 1 day

# Controls whether users can use User Knowledge (personal documents) in assistants
DISABLE_USER_KNOWLEDGE = os.environ.get("DISABLE_USER_KNOWLEDGE", "").lower() == "true"

# Disables vector DB (Vespa/OpenSearch) entirely. When True, connectors and RAG search
# are disabled but core chat, tools, user file uploads, and Projects still work.
DISABLE_VECTOR_DB = os.environ.get("DISABLE_VECTOR_DB", "").lower() == "true"

# TEMPORARY (will be removed soon): operator-forced Search-UI scope (self-hosted only) —
# comma-separated document set NAMES. When set, the Onyx Search UI is restricted to those sets
# (AND'd on top of any persona/user scope; ACL still enforced) — chat/other flows are unaffected,
# and it is disabled under MULTI_TENANT. Empty = no restriction. Names match the index directly; a
# name that doesn't exist matches nothing (fail-closed) and is logged. Read at import — restart to change.
FORCED_DOCUMENT_SET_NAMES: list[str] = [
    name.strip()
    for name in os.environ.get("FORCED_DOCUMENT_SET_NAMES", "").split(",")
    if name.strip()
]

# Which backend to use for caching, locks, and ephemeral state.
# "redis" (default) or "postgres" (only valid when DISABLE_VECTOR_DB=true).
CACHE_BACKEND = CacheBackendType(
    os.environ.get("CACHE_BACKEND", CacheBackendType.REDIS)
)

# Cache query embeddings in the configured cache backend so identical queries
# (across users / agentic sub-queries) don't re-hit the embedding provider.
QUERY_EMBEDDING_CACHE_ENABLED = (
    os.environ.get("QUERY_EMBEDDING_CACHE_ENABLED", "true").lower() == "true"
)
assert (
    QUERY_EMBEDDING_CACHE_TTL_S := int(
        os.environ.get("QUERY_EMBEDDING_CACHE_TTL_S", "900")
    )
) > 0, "QUERY_EMBEDDING_CACHE_TTL_S must be positive."

# If set to true, will show extra/uncommon connectors in the "Other" category
SHOW_EXTRA_CONNECTORS = os.environ.get("SHOW_EXTRA_CONNECTORS", "").lower() == "true"

# Controls whether to allow admin query history reports with:
# 1. associated user emails
# 2. anonymized user emails
# 3. no queries
ONYX_QUERY_HISTORY_TYPE = QueryHistoryType(
    (os.environ.get("ONYX_QUERY_HISTORY_TYPE") or QueryHistoryType.NORMAL.value).lower()
)

# Visibility-only: hides the Query History page from the admin sidebar; the
# history APIs + recording stay on (unlike ONYX_QUERY_HISTORY_TYPE=disabled).
HIDE_QUERY_HISTORY_FROM_ADMIN_PANEL = (
    os.environ.get("HIDE_QUERY_HISTORY_FROM_ADMIN_PANEL", "").lower() == "true"
)

#####
# Web Configs
#####
# WEB_DOMAIN is used to set the redirect_uri after login flows
# NOTE: if you are having problems accessing the Onyx web UI locally (especially
# on Windows, try  setting this to `http://127.0.0.1:3000` instead and see if that
# fixes it)
WEB_DOMAIN = os.environ.get("WEB_DOMAIN") or "http://localhost:3000"

# Surfaced to the web app via /api/settings so analytics can be enabled by env
# var instead of a NEXT_PUBLIC_POSTHOG_KEY build arg. Client-side project key.
POSTHOG_API_KEY = os.environ.get("POSTHOG_API_KEY")
POSTHOG_HOST = os.environ.get("POSTHOG_HOST") or "https://us.i.posthog.com"


#####
# Auth Configs
#####
PASSWORD_MIN_LENGTH = int(os.getenv("PASSWORD_MIN_LENGTH", 8))
PASSWORD_MAX_LENGTH = int(os.getenv("PASSWORD_MAX_LENGTH", 64))
PASSWORD_REQUIRE_UPPERCASE = (
    os.environ.get("PASSWORD_REQUIRE_UPPERCASE", "false").lower() == "true"
)
PASSWORD_REQUIRE_LOWERCASE = (
    os.environ.get("PASSWORD_REQUIRE_LOWERCASE", "false").lower() == "true"
)
PASSWORD_REQUIRE_DIGIT = (
    os.environ.get("PASSWORD_REQUIRE_DIGIT", "false").lower() == "true"
)
PASSWORD_REQUIRE_SPECIAL_CHAR = (
    os.environ.get("PASSWORD_REQUIRE_SPECIAL_CHAR", "false").lower() == "true"
)

# Encryption key secret is used to encrypt connector credentials, api keys, and other sensitive
# information. This provides an extra layer of security on top of Postgres access controls
# and is available in Onyx EE
ENCRYPTION_KEY_SECRET = os.environ.get("ENCRYPTION_KEY_SECRET") or ""

# Turn off mask if admin users should see full credentials for data connectors.
MASK_CREDENTIAL_PREFIX = (
    os.environ.get("MASK_CREDENTIAL_PREFIX", "True").lower() != "false"
)

AUTH_BACKEND = AuthBackend(os.environ.get("AUTH_BACKEND") or AuthBackend.REDIS.value)

SESSION_EXPIRE_TIME_SECONDS = int(
    os.environ.get("SESSION_EXPIRE_TIME_SECONDS")
    or os.environ.get("REDIS_AUTH_EXPIRE_TIME_SECONDS")
    or 86400 * 7
)  # 7 days

# Default request timeout, mostly used by connectors
REQUEST_TIMEOUT_SECONDS = int(os.environ.get("REQUEST_TIMEOUT_SECONDS") or 60)

# set `VALID_EMAIL_DOMAINS` to a comma seperated list of domains in order to
# restrict access to Onyx to only users with emails from those domains.
# E.g. `VALID_EMAIL_DOMAINS=example.com,example.org` will restrict Onyx
# signups to users with either an @example.com or an @example.org email.
# NOTE: maintaining `VALID_EMAIL_DOMAIN` to keep backwards compatibility
_VALID_EMAIL_DOMAIN = os.environ.get("VALID_EMAIL_DOMAIN", "")
_VALID_EMAIL_DOMAINS_STR = (
    os.environ.get("VALID_EMAIL_DOMAINS", "") or _VALID_EMAIL_DOMAIN
)
VALID_EMAIL_DOMAINS = (
    [
        domain.strip().lower()
        for domain in _VALID_EMAIL_DOMAINS_STR.split(",")
        if domain.strip()
    ]
    if _VALID_EMAIL_DOMAINS_STR
    else []
)

# Disposable email blocking - blocks temporary/throwaway email addresses
# Set to empty string to disable disposable email blocking
DISPOSABLE_EMAIL_DOMAINS_URL = os.environ.get(
    "DISPOSABLE_EMAIL_DOMAINS_URL",
    "https://disposable.github.io/disposable-email-domains/domains.json",
)

# Captcha cookie TTL — how long a verified captcha token remains valid in
# the browser cookie before the user has to solve another challenge. Sized
# to comfortably cover one Google OAuth round-trip (typically <10s) while
# keeping the replay window tight. 120s also matches Google's own v3 token
# lifetime, so a paired-up cookie + token never outlive each other.
CAPTCHA_COOKIE_TTL_SECONDS = int(os.environ.get("CAPTCHA_COOKIE_TTL_SECONDS", "120"))

# Redis TTL for cached control-plane billing/trial lookups. Backstop only:
# successful /tenants/tier-update pushes and admin-panel billing mutations
# drop this cache, so 1h bounds staleness when a push is missed or fails.
BILLING_CACHE_TTL_SECONDS = int(os.environ.get("BILLING_CACHE_TTL_SECONDS", "3600"))

# OAuth Login Flow
# Used for both Google OAuth2 and OIDC flows
OAUTH_CLIENT_ID = (
    os.environ.get("OAUTH_CLIENT_ID", os.environ.get("GOOGLE_OAUTH_CLIENT_ID")) or ""
)
OAUTH_CLIENT_SECRET = (
    os.environ.get("OAUTH_CLIENT_SECRET", os.environ.get("GOOGLE_OAUTH_CLIENT_SECRET"))
    or ""
)

# Whether Google OAuth is enabled (requires both client ID and secret)
OAUTH_ENABLED = bool(OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET)

# Default Google sign-in scopes, the minimum required to identify the user
# via OpenID Connect.
GOOGLE_LOGIN_BASE_SCOPES = ["openid", "email", "profile"]

# Applicable for Google OAuth login, allows you to override the scopes that
# are requested from Google. Mirrors OIDC_SCOPE_OVERRIDE; useful when the
# access token needs to be passed through to tool calls that require
# additional Google API scopes.
GOOGLE_OAUTH_SCOPE_OVERRIDE: list[str] | None = None
_GOOGLE_OAUTH_SCOPE_OVERRIDE = os.environ.get("GOOGLE_OAUTH_SCOPE_OVERRIDE")

if _GOOGLE_OAUTH_SCOPE_OVERRIDE:
    try:
        GOOGLE_OAUTH_SCOPE_OVERRIDE = [
            scope.strip() for scope in _GOOGLE_OAUTH_SCOPE_OVERRIDE.split(",")
        ]
    except Exception:
        logger.exception(
            "Error configuring Google OAuth login scopes: %s",
            _GOOGLE_OAUTH_SCOPE_OVERRIDE,
        )

# OpenID Connect configuration URL for OIDC integrations
OPENID_CONFIG_URL = os.environ.get("OPENID_CONFIG_URL") or ""

# Applicable for OIDC Auth, allows you to override the scopes that
# are requested from the OIDC provider. Currently used when passing
# over access tokens to tool calls and the tool needs more scopes
OIDC_SCOPE_OVERRIDE: list[str] | None = None
_OIDC_SCOPE_OVERRIDE = os.environ.get("OIDC_SCOPE_OVERRIDE")

if _OIDC_SCOPE_OVERRIDE:
    try:
        OIDC_SCOPE_OVERRIDE = [
            scope.strip() for scope in _OIDC_SCOPE_OVERRIDE.split(",")
        ]
    except Exception:
        pass

# Enables PKCE for OIDC login flow. Disabled by default to preserve
# backwards compatibility for existing OIDC deployments.
OIDC_PKCE_ENABLED = os.environ.get("OIDC_PKCE_ENABLED", "").lower() == "true"

# Opt-in: capture IdP claims at OAuth login and enrich the chat experience
# with the user's directory profile (country, department, job title, ...) —
# an "Organization Profile" block in the system prompt plus `{{user.<key>}}`
# placeholders in agent prompts. Off by default: it sends directory data to
# the configured LLM, which deployments must consciously opt into.
IDP_PROFILE_ENRICHMENT_ENABLED = (
    os.environ.get("IDP_PROFILE_ENRICHMENT_ENABLED", "").lower() == "true"
)


def parse_idp_claim_map(raw: str | None) -> dict[str, list[str]]:
    """Parse the IDP_PROFILE_CLAIM_MAP env value, warning on every ignored
    shape. A silently dropped map is invisible misconfiguration (placeholders
    just stay empty), so anything not a dict-of-lists gets a log line."""
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        logger.warning("IDP_PROFILE_CLAIM_MAP is not valid JSON, ignoring it")
        return {}
    if not isinstance(parsed, dict):
        logger.warning(
            "IDP_PROFILE_CLAIM_MAP must be a JSON object, got %s, ignoring it",
            type(parsed).__name__,
        )
        return {}
    claim_map: dict[str, list[str]] = {}
    for key, aliases in parsed.items():
        if not isinstance(aliases, list):
            logger.warning(
                "IDP_PROFILE_CLAIM_MAP entry %r must map to a list of claim "
                "names, got %s, dropping it",
                key,
                type(aliases).__name__,
            )
            continue
        claim_map[str(key)] = [str(alias) for alias in aliases]
    return claim_map


# Optional per-deployment claim-alias overrides for the directory profile,
# as JSON mapping placeholder key -> ordered claim-name list, e.g.
# '{"department": ["dept", "division"], "country": ["c"]}'. Configured
# aliases are checked before the built-in ones.
IDP_PROFILE_CLAIM_MAP: dict[str, list[str]] = parse_idp_claim_map(
    os.environ.get("IDP_PROFILE_CLAIM_MAP")
)

# Applicable for SAML Auth
SAML_CONF_DIR = os.environ.get("SAML_CONF_DIR") or "/app/onyx/configs/saml_config"

# Native mobile (Expo / React Native) SSO bridge. The app completes OAuth in the
# system browser (reusing the existing registered IdP callback), then the backend
# returns a single-use, PKCE-bound one-time code over a custom-scheme deep link —
# never a token. The app swaps the code for the session token at
# /auth/mobile/sso/exchange.
MOBILE_SSO_CODE_PREFIX = "mobile_sso_code:"
# Lifetime of the one-time code; intentionally short — it only has to survive the
# system-browser -> app handoff plus the immediate exchange call. A non-positive
# TTL would make Redis reject the SET, breaking every exchange — fail fast at boot.
MOBILE_SSO_CODE_TTL_SECONDS = int(os.environ.get("MOBILE_SSO_CODE_TTL_SECONDS") or 60)
if MOBILE_SSO_CODE_TTL_SECONDS < 1:
    raise ValueError("MOBILE_SSO_CODE_TTL_SECONDS must be >= 1")
# Deep-link URIs the SSO completion is allowed to 302 to. Defaults to the app's
# custom scheme; override (comma-separated) to add Universal/App Links later.
_DEFAULT_MOBILE_REDIRECT_URIS = frozenset({"onyx://auth/callback"})
_MOBILE_ALLOWED_REDIRECT_URIS_RAW = os.environ.get("MOBILE_ALLOWED_REDIRECT_URIS", "")
MOBILE_ALLOWED_REDIRECT_URIS: frozenset[str] = frozenset(
    uri.strip() for uri in _MOBILE_ALLOWED_REDIRECT_URIS_RAW.split(",") if uri.strip()
)
if not MOBILE_ALLOWED_REDIRECT_URIS:
    # An override that was set but parsed empty (e.g. just commas/whitespace) is a
    # misconfig — warn rather than silently rejecting every mobile redirect. An
    # unset value is the normal default, so don't warn there.
    if _MOBILE_ALLOWED_REDIRECT_URIS_RAW.strip():
        logger.warning(
            "MOBILE_ALLOWED_REDIRECT_URIS=%r parsed to an empty set; "
            "falling back to default %s",
            _MOBILE_ALLOWED_REDIRECT_URIS_RAW,
            _DEFAULT_MOBILE_REDIRECT_URIS,
        )
    MOBILE_ALLOWED_REDIRECT_URIS = _DEFAULT_MOBILE_REDIRECT_URIS

# JWT Public Key URL for JWT token verification
JWT_PUBLIC_KEY_URL: str | None = os.getenv("JWT_PUBLIC_KEY_URL") or None
# Optional aud/iss scoping for JWT_PUBLIC_KEY_URL auth, off when unset. Empty
# counts as unset because compose files pass absent vars through as "".
JWT_EXPECTED_AUDIENCE: str | None = os.getenv("JWT_EXPECTED_AUDIENCE") or None
JWT_EXPECTED_ISSUER: str | None = os.getenv("JWT_EXPECTED_ISSUER") or None

USER_AUTH_SECRET = os.environ.get("USER_AUTH_SECRET", "")

# Bearer token guarding the API server's /metrics endpoint. Auth is required by
# default: scrapers must present this token as `Authorization: Bearer <token>`
# (the standard Prometheus scrape format). If neither this nor
# DISABLE_METRICS_AUTH is set, /metrics is locked (returns 401) — set one or the
# other deliberately.
METRICS_AUTH_TOKEN = os.environ.get("METRICS_AUTH_TOKEN") or ""

# Explicit opt-out: expose /metrics with no authentication. Only honored as a
# deliberate choice, since auth is otherwise required by default.
DISABLE_METRICS_AUTH = os.environ.get("DISABLE_METRICS_AUTH", "").lower() == "true"

# Explicit opt-in: serve the interactive API docs and schema (/openapi.json,
# /docs, /redoc) publicly with no authentication. Default off so the API surface
# is not exposed on a fresh deployment. When disabled the routes are not
# registered at all (404). Note: these renderers never bypass per-route auth.
ENABLE_PUBLIC_DOCS = os.environ.get("ENABLE_PUBLIC_DOCS", "").lower() == "true"

# Duration (in seconds) for which the FastAPI Users JWT token remains valid in the user's browser.
# By default, this is set to match the Redis expiry time for consistency.
AUTH_COOKIE_EXPIRE_TIME_SECONDS = int(
    os.environ.get("AUTH_COOKIE_EXPIRE_TIME_SECONDS") or 86400 * 7
)  # 7 days

# for basic auth
REQUIRE_EMAIL_VERIFICATION = (
    os.environ.get("REQUIRE_EMAIL_VERIFICATION", "").lower() == "true"
)
SMTP_SERVER = os.environ.get("SMTP_SERVER") or ""
SMTP_PORT = int(os.environ.get("SMTP_PORT") or "587")
SMTP_USER = os.environ.get("SMTP_USER") or ""
SMTP_PASS = os.environ.get("SMTP_PASS") or ""
SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "true").lower() not in (
    "false",
    "0",
    "no",
)
EMAIL_FROM = os.environ.get("EMAIL_FROM") or SMTP_USER
EMAIL_ARCHIVE_BCC_ADDRESSES = tuple(
    email_address.strip()
    for email_address in os.environ.get("EMAIL_ARCHIVE_BCC_ADDRESSES", "").split(",")
    if email_address.strip()
)

SENDGRID_API_KEY = os.environ.get("SENDGRID_API_KEY") or ""
EMAIL_CONFIGURED = (bool(SMTP_SERVER) and bool(EMAIL_FROM)) or bool(SENDGRID_API_KEY)

# If set, Onyx will listen to the `expires_at` returned by the identity
# provider (e.g. Okta, Google, etc.) and force the user to re-authenticate
# after this time has elapsed. Disabled since by default many auth providers
# have very short expiry times (e.g. 1 hour) which provide a poor user experience
TRACK_EXTERNAL_IDP_EXPIRY = (
    os.environ.get("TRACK_EXTERNAL_IDP_EXPIRY", "").lower() == "true"
)


#####
# DB Configs
#####
DOCUMENT_INDEX_NAME = "danswer_index"

# OpenSearch Configs
OPENSEARCH_HOST = os.environ.get("OPENSEARCH_HOST") or "localhost"
OPENSEARCH_REST_API_PORT = int(os.environ.get("OPENSEARCH_REST_API_PORT") or 9200)
# TODO(andrei): 60 seconds is too much, we're just setting a high default
# timeout for now to examine why queries are slow.
# NOTE: This timeout applies to all requests the client makes, including bulk
# indexing.
DEFAULT_OPENSEARCH_CLIENT_TIMEOUT_S = int(
    os.environ.get("DEFAULT_OPENSEARCH_CLIENT_TIMEOUT_S") or 60
)
# TODO(andrei): 50 seconds is too much, we're just setting a high default
# timeout for now to examine why queries are slow.
# NOTE: To get useful partial results, this value should be less than the client
# timeout above.
DEFAULT_OPENSEARCH_QUERY_TIMEOUT_S = int(
    os.environ.get("DEFAULT_OPENSEARCH_QUERY_TIMEOUT_S") or 50
)
OPENSEARCH_ADMIN_USERNAME = os.environ.get("OPENSEARCH_ADMIN_USERNAME", "admin")
OPENSEARCH_ADMIN_PASSWORD = os.environ.get(
    "OPENSEARCH_ADMIN_PASSWORD", "StrongPassword123!"
)
OPENSEARCH_USE_SSL = os.environ.get("OPENSEARCH_USE_SSL", "true").lower() == "true"
# Verify the OpenSearch server certificate. Defaults to False to preserve the
# existing behavior (the bundled OpenSearch ships self-signed certs). Set True —
# with OPENSEARCH_CA_CERTS for a private CA — to actually authenticate the
# server instead of merely encrypting the connection.
OPENSEARCH_VERIFY_CERTS = (
    os.environ.get("OPENSEARCH_VERIFY_CERTS", "").lower() == "true"
)
# CA bundle to verify the server cert against when OPENSEARCH_VERIFY_CERTS=true.
# Falls back to the system trust store if unset.
OPENSEARCH_CA_CERTS: str | None = os.environ.get("OPENSEARCH_CA_CERTS") or None
# Client certificate + key for mutual TLS (OpenSearch authenticating us). Both
# must be set together.
OPENSEARCH_CLIENT_CERT: str | None = os.environ.get("OPENSEARCH_CLIENT_CERT") or None
OPENSEARCH_CLIENT_KEY: str | None = os.environ.get("OPENSEARCH_CLIENT_KEY") or None

# Authentication method for connecting to OpenSearch. "basic" uses
# OPENSEARCH_ADMIN_USERNAME / OPENSEARCH_ADMIN_PASSWORD (HTTP basic auth); the
# default and the only option for self-hosted / docker-compose OpenSearch. "iam"
# uses AWS SigV4 request signing and is only valid against an AWS managed domain
# whose fine-grained access control master is an IAM ARN. This is independent of
# USING_AWS_MANAGED_OPENSEARCH: AWS managed domains can use a master user too.
OPENSEARCH_AUTH_METHOD = OpenSearchAuthMethod(
    (
        os.environ.get("OPENSEARCH_AUTH_METHOD") or OpenSearchAuthMethod.BASIC.value
    ).lower()
)
# AWS region of the managed OpenSearch domain. Required when
# OPENSEARCH_AUTH_METHOD=iam; used to compute the SigV4 signature.
OPENSEARCH_AWS_REGION: str | None = os.environ.get("OPENSEARCH_AWS_REGION") or None
# AWS service name for SigV4 signing: "es" for managed OpenSearch domains,
# "aoss" for OpenSearch Serverless.
OPENSEARCH_AWS_SERVICE = os.environ.get("OPENSEARCH_AWS_SERVICE") or "es"

if OPENSEARCH_VERIFY_CERTS and not OPENSEARCH_USE_SSL:
    logger.warning(
        "OPENSEARCH_VERIFY_CERTS=true has no effect when OPENSEARCH_USE_SSL is "
        "false (the connection is not encrypted)."
    )
if bool(OPENSEARCH_CLIENT_CERT) != bool(OPENSEARCH_CLIENT_KEY):
    raise ValueError(
        "OPENSEARCH_CLIENT_CERT and OPENSEARCH_CLIENT_KEY must both be set "
        "(mutual TLS needs a client certificate and its private key)."
    )
for _os_name, _os_path in (
    ("OPENSEARCH_CA_CERTS", OPENSEARCH_CA_CERTS),
    ("OPENSEARCH_CLIENT_CERT", OPENSEARCH_CLIENT_CERT),
    ("OPENSEARCH_CLIENT_KEY", OPENSEARCH_CLIENT_KEY),
):
    if _os_path and not os.path.exists(_os_path):
        raise ValueError(f"{_os_name}={_os_path!r} does not exist.")

if OPENSEARCH_AUTH_METHOD == OpenSearchAuthMethod.IAM and not OPENSEARCH_AWS_REGION:
    raise ValueError(
        "OPENSEARCH_AWS_REGION must be set when OPENSEARCH_AUTH_METHOD=iam "
        "(AWS SigV4 signing needs the domain's region)."
    )

USING_AWS_MANAGED_OPENSEARCH = (
    os.environ.get("USING_AWS_MANAGED_OPENSEARCH", "").lower() == "true"
)

if (
    OPENSEARCH_AUTH_METHOD == OpenSearchAuthMethod.IAM
    and not USING_AWS_MANAGED_OPENSEARCH
):
    raise ValueError(
        "OPENSEARCH_AUTH_METHOD=iam is only supported for "
        "AWS-managed instances of OpenSearch."
    )

# Profiling adds some overhead to OpenSearch operations. This overhead is
# unknown right now. Defaults to True.
OPENSEARCH_PROFILING_DISABLED = (
    os.environ.get("OPENSEARCH_PROFILING_DISABLED", "true").lower() == "true"
)
# Whether to disable match highlights for OpenSearch. Defaults to True for now
# as we investigate query performance.
OPENSEARCH_MATCH_HIGHLIGHTS_DISABLED = (
    os.environ.get("OPENSEARCH_MATCH_HIGHLIGHTS_DISABLED", "true").lower() == "true"
)
# When enabled, OpenSearch returns detailed score breakdowns for each hit.
# Useful for debugging and tuning search relevance. Has ~10-30% performance overhead according to documentation.
# Seems for Hybrid Search in practice, the impact is actually more like 1000x slower.
OPENSEARCH_EXPLAIN_ENABLED = (
    os.environ.get("OPENSEARCH_EXPLAIN_ENABLED", "").lower() == "true"
)
# Analyzer used for full-text fields (title, content). Use OpenSearch built-in analyzer
# names (e.g. "english", "standard", "german"). Affects stemming and tokenization;
# existing indices need reindexing after a change.
OPENSEARCH_TEXT_ANALYZER = os.environ.get("OPENSEARCH_TEXT_ANALYZER") or "english"

# This is the "base" config for now, the idea is that at least for our dev
# environments we always want to be dual indexing into both OpenSearch and Vespa
# to stress test the new codepaths. Only enable this if there is some instance
# of OpenSearch running for the relevant Onyx instance.
# NOTE: Now enabled on by default, unless the env indicates otherwise.
ENABLE_OPENSEARCH_INDEXING_FOR_ONYX = (
    os.environ.get("ENABLE_OPENSEARCH_INDEXING_FOR_ONYX", "true").lower() == "true"
)
# NOTE: This effectively does nothing anymore, admins can now toggle whether
# retrieval is through OpenSearch. This value is only used as a final fallback
# in case that doesn't work for whatever reason.
# Given that the "base" config above is true, this enables whether we want to
# retrieve from OpenSearch or Vespa. We want to be able to quickly toggle this
# in the event we see issues with OpenSearch retrieval in our dev environments.
ENABLE_OPENSEARCH_RETRIEVAL_FOR_ONYX = (
    ENABLE_OPENSEARCH_INDEXING_FOR_ONYX
    and os.environ.get("ENABLE_OPENSEARCH_RETRIEVAL_FOR_ONYX", "").lower() == "true"
)
DISABLE_OPENSEARCH_MIGRATION_TASK = (
    os.environ.get("DISABLE_OPENSEARCH_MIGRATION_TASK", "").lower() == "true"
)
ONYX_DISABLE_VESPA = os.environ.get("ONYX_DISABLE_VESPA", "true").lower() == "true"
# Whether we should check for and create an index if necessary every time we
# instantiate an OpenSearchDocumentIndex on multitenant cloud. Defaults to True.
VERIFY_CREATE_OPENSEARCH_INDEX_ON_INIT_MT = (
    os.environ.get("VERIFY_CREATE_OPENSEARCH_INDEX_ON_INIT_MT", "true").lower()
    == "true"
)
OPENSEARCH_MIGRATION_GET_VESPA_CHUNKS_PAGE_SIZE = int(
    os.environ.get("OPENSEARCH_MIGRATION_GET_VESPA_CHUNKS_PAGE_SIZE") or 500
)
# Lifetime of a point-in-time used to scan an index consistently (reindex port).
# Each search extends the lease; an idle PIT self-expires after this.
PIT_KEEP_ALIVE: str = os.environ.get("PIT_KEEP_ALIVE") or "5m"
# If set, will override the default number of shards and replicas for the index.
OPENSEARCH_INDEX_NUM_SHARDS: int | None = (
    int(os.environ["OPENSEARCH_INDEX_NUM_SHARDS"])
    if os.environ.get("OPENSEARCH_INDEX_NUM_SHARDS", None) is not None
    else None
)
OPENSEARCH_INDEX_NUM_REPLICAS: int | None = (
    int(os.environ["OPENSEARCH_INDEX_NUM_REPLICAS"])
    if os.environ.get("OPENSEARCH_INDEX_NUM_REPLICAS", None) is not None
    else None
)
ONYX_SEARCH_UI_USES_OPENSEARCH_KEYWORD_SEARCH = (
    os.environ.get("ONYX_SEARCH_UI_USES_OPENSEARCH_KEYWORD_SEARCH", "").lower()
    == "true"
)

VESPA_HOST = os.environ.get("VESPA_HOST") or "localhost"
# NOTE: this is used if and only if the vespa config server is accessible via a
# different host than the main vespa application
VESPA_CONFIG_SERVER_HOST = os.environ.get("VESPA_CONFIG_SERVER_HOST") or VESPA_HOST
VESPA_PORT = os.environ.get("VESPA_PORT") or "8081"
VESPA_TENANT_PORT = os.environ.get("VESPA_TENANT_PORT") or "19071"
# the number of times to try and connect to vespa on startup before giving up
VESPA_NUM_ATTEMPTS_ON_STARTUP = int(os.environ.get("NUM_RETRIES_ON_STARTUP") or 10)

VESPA_CLOUD_URL = os.environ.get("VESPA_CLOUD_URL", "")

VESPA_CLOUD_CERT_PATH = os.environ.get("VESPA_CLOUD_CERT_PATH")
VESPA_CLOUD_KEY_PATH = os.environ.get("VESPA_CLOUD_KEY_PATH")

# Number of documents in a batch during indexing (further batching done by chunks before passing to bi-encoder)
INDEX_BATCH_SIZE = int(os.environ.get("INDEX_BATCH_SIZE") or 16)

MAX_DRIVE_WORKERS = int(os.environ.get("MAX_DRIVE_WORKERS", 4))

# Below are intended to match the env variables names used by the official postgres docker image
# https://hub.docker.com/_/postgres
POSTGRES_USER = os.environ.get("POSTGRES_USER") or "postgres"
# URL-encode the password for asyncpg to avoid issues with special characters on some machines.
POSTGRES_PASSWORD = urllib.parse.quote_plus(
    os.environ.get("POSTGRES_PASSWORD") or "password"
)
POSTGRES_HOST = os.environ.get("POSTGRES_HOST") or "127.0.0.1"
POSTGRES_PORT = os.environ.get("POSTGRES_PORT") or "5432"
POSTGRES_DB = os.environ.get("POSTGRES_DB") or "postgres"
AWS_REGION_NAME = os.environ.get("AWS_REGION_NAME") or "us-east-2"

# --- Tenant sharding (multi-database) ---------------------------------------
# Onyx addresses a tenant by schema (`schema_translate_map`). These settings let
# tenants additionally be spread across separate physical databases ("shards").
#
# ONYX_DB_SHARDS is a JSON object of shard name -> connection overrides, e.g.
#   {"shard-b": {"host": "other.rds.amazonaws.com", "db": "danswer"}}
# Keys not supplied for a shard fall back to the POSTGRES_* values above.
#
# When unset, exactly one shard exists (named by ONYX_DB_DEFAULT_SHARD, built
# from POSTGRES_*), which is the single-database behavior Onyx has always had.
ONYX_DB_SHARDS_JSON = os.environ.get("ONYX_DB_SHARDS", "").strip()
# Shard that hosts tenants with no explicit mapping.
ONYX_DB_DEFAULT_SHARD = os.environ.get("ONYX_DB_DEFAULT_SHARD") or "default"
# Shard that holds the shared `public` catalog tables (user_tenant_mapping etc.)
# and the tenant -> shard map itself. Must be resolvable without a lookup.
ONYX_DB_CATALOG_SHARD = os.environ.get("ONYX_DB_CATALOG_SHARD") or ONYX_DB_DEFAULT_SHARD
# Shard that newly created tenants are placed on. Existing tenants are unaffected;
# flipping this changes where the *next* tenant's schema is built. The pre-provisioned
# pool drains oldest-first, so a flip ramps in gradually rather than all at once.
ONYX_DB_NEW_TENANT_SHARD = (
    os.environ.get("ONYX_DB_NEW_TENANT_SHARD") or ONYX_DB_DEFAULT_SHARD
)
# Connection pool for shards other than the default one. Unset means each shard gets
# the same budget as the default, which is correct because a connection limit belongs
# to a database rather than to the fleet. Set these lower while a new shard is still
# filling up.
ONYX_DB_SHARD_POOL_SIZE = (
    int(os.environ["ONYX_DB_SHARD_POOL_SIZE"])
    if os.environ.get("ONYX_DB_SHARD_POOL_SIZE")
    else None
)
ONYX_DB_SHARD_POOL_OVERFLOW = (
    int(os.environ["ONYX_DB_SHARD_POOL_OVERFLOW"])
    if os.environ.get("ONYX_DB_SHARD_POOL_OVERFLOW")
    else None
)

# Checked here so a bad value stops the process rather than surfacing on the first
# request routed to a shard, whose engine is built lazily.
if ONYX_DB_SHARD_POOL_SIZE is not None and ONYX_DB_SHARD_POOL_SIZE < 1:
    # SQLAlchemy reads pool_size=0 as "no size limit", so a 0 here would uncap the
    # shard rather than constrain it — the opposite of why this setting exists.
    raise ValueError(
        f"ONYX_DB_SHARD_POOL_SIZE must be at least 1, got {ONYX_DB_SHARD_POOL_SIZE}"
    )
if ONYX_DB_SHARD_POOL_OVERFLOW is not None and ONYX_DB_SHARD_POOL_OVERFLOW < 0:
    # 0 is meaningful (no overflow past pool_size); negative means unlimited.
    raise ValueError(
        f"ONYX_DB_SHARD_POOL_OVERFLOW must be zero or greater, got "
        f"{ONYX_DB_SHARD_POOL_OVERFLOW}"
    )

# Operator escape hatch: JSON object of tenant_id -> shard name, consulted
# before the catalog table. Intended for incident response, not routine use.
ONYX_DB_SHARD_OVERRIDES_JSON = os.environ.get("ONYX_DB_SHARD_OVERRIDES", "").strip()
# How long a resolved tenant -> shard mapping is cached in-process. This is the
# backstop on staleness when the Redis version channel is unavailable.
ONYX_DB_SHARD_MAP_TTL_SECONDS = int(
    os.environ.get("ONYX_DB_SHARD_MAP_TTL_SECONDS") or 60
)
# How often a process re-reads the shared shard-map version from Redis. Bounds how
# quickly a migrator's map flip reaches every process in the common case; the freeze
# window itself is bounded by the TTL above, since a Redis-partitioned process never
# sees the flip at all.
ONYX_DB_SHARD_MAP_VERSION_POLL_SECONDS = float(
    os.environ.get("ONYX_DB_SHARD_MAP_VERSION_POLL_SECONDS") or 5
)

if ONYX_DB_SHARD_MAP_TTL_SECONDS <= 0:
    raise ValueError(
        f"ONYX_DB_SHARD_MAP_TTL_SECONDS must be positive, got "
        f"{ONYX_DB_SHARD_MAP_TTL_SECONDS}"
    )
if (
    not math.isfinite(ONYX_DB_SHARD_MAP_VERSION_POLL_SECONDS)
    or ONYX_DB_SHARD_MAP_VERSION_POLL_SECONDS <= 0
):
    # A non-finite interval would stop the poller permanently, silently reducing
    # flip propagation to the TTL path.
    raise ValueError(
        f"ONYX_DB_SHARD_MAP_VERSION_POLL_SECONDS must be a positive finite number, "
        f"got {ONYX_DB_SHARD_MAP_VERSION_POLL_SECONDS}"
    )

POSTGRES_API_SERVER_POOL_SIZE = int(
    os.environ.get("POSTGRES_API_SERVER_POOL_SIZE") or 40
)
POSTGRES_API_SERVER_POOL_OVERFLOW = int(
    os.environ.get("POSTGRES_API_SERVER_POOL_OVERFLOW") or 10
)

POSTGRES_API_SERVER_READ_ONLY_POOL_SIZE = int(
    os.environ.get("POSTGRES_API_SERVER_READ_ONLY_POOL_SIZE") or 10
)
POSTGRES_API_SERVER_READ_ONLY_POOL_OVERFLOW = int(
    os.environ.get("POSTGRES_API_SERVER_READ_ONLY_POOL_OVERFLOW") or 5
)

# defaults to False
# generally should only be used for
POSTGRES_USE_NULL_POOL = os.environ.get("POSTGRES_USE_NULL_POOL", "").lower() == "true"

# defaults to True — pre-pings pooled connections with SELECT 1 at checkout
# to avoid `psycopg2.OperationalError: server closed the connection
# unexpectedly` when PgBouncer / Postgres drops an idle connection that's
# still in the pool. Set POSTGRES_POOL_PRE_PING=false to opt out.
POSTGRES_POOL_PRE_PING = (
    os.environ.get("POSTGRES_POOL_PRE_PING", "true").lower() == "true"
)

# recycle timeout in seconds
POSTGRES_POOL_RECYCLE_DEFAULT = 60 * 20  # 20 minutes
try:
    POSTGRES_POOL_RECYCLE = int(
        os.environ.get("POSTGRES_POOL_RECYCLE", POSTGRES_POOL_RECYCLE_DEFAULT)
    )
except ValueError:
    POSTGRES_POOL_RECYCLE = POSTGRES_POOL_RECYCLE_DEFAULT

# TCP keepalive settings for the sync psycopg2 engine.
#
# When PgBouncer (or any intermediary — NLB, NAT, firewall) silently closes
# an idle TCP connection that's still parked in the SQLAlchemy pool,
# `pool_pre_ping`'s `SELECT 1` can succeed (sub-ms) and then the very next
# real query fails mid-flight with
# `(psycopg2.OperationalError) server closed the connection unexpectedly`.
# Enabling TCP keepalives causes the kernel to send periodic probes on
# idle sockets, which (a) keeps the path warm so PgBouncer never sees it
# as idle, and (b) detects dead sockets before SQLAlchemy tries to use
# them, letting the pool invalidate them cleanly.
#
# Defaults are tuned so the first probe fires well under typical
# intermediary idle timeouts (PgBouncer `server_idle_timeout` 600s, AWS
# NLB idle 350s). Set `POSTGRES_TCP_KEEPALIVES=false` to opt out.
POSTGRES_TCP_KEEPALIVES = (
    os.environ.get("POSTGRES_TCP_KEEPALIVES", "true").lower() == "true"
)
POSTGRES_TCP_KEEPALIVES_IDLE = int(os.environ.get("POSTGRES_TCP_KEEPALIVES_IDLE") or 30)
POSTGRES_TCP_KEEPALIVES_INTERVAL = int(
    os.environ.get("POSTGRES_TCP_KEEPALIVES_INTERVAL") or 10
)
POSTGRES_TCP_KEEPALIVES_COUNT = int(
    os.environ.get("POSTGRES_TCP_KEEPALIVES_COUNT") or 5
)

# RDS IAM authentication - enables IAM-based authentication for PostgreSQL
USE_IAM_AUTH = os.getenv("USE_IAM_AUTH", "False").lower() == "true"

# TLS for non-IAM PostgreSQL connections.
#
# POSTGRES_SSLMODE follows libpq's vocabulary. Only `verify-ca` / `verify-full`
# authenticate the server (and require POSTGRES_SSLROOTCERT to verify against);
# `require` encrypts but does NOT protect against a man-in-the-middle. All of
# this is ignored when USE_IAM_AUTH is true (IAM enforces its own TLS).
POSTGRES_SSLMODE: str | None = os.environ.get("POSTGRES_SSLMODE") or None
# Path to the CA bundle used to verify the server certificate for `verify-ca` /
# `verify-full`. Required by managed providers (RDS, Cloud SQL, Azure) whose
# server certs don't chain to a system-trusted CA; point it at the system bundle
# if the server uses a publicly-trusted certificate.
POSTGRES_SSLROOTCERT: str | None = os.environ.get("POSTGRES_SSLROOTCERT") or None
# Client certificate + key for mutual TLS (the server authenticating us). Both
# must be set together, and are only used when POSTGRES_SSLMODE negotiates SSL
# (require / verify-ca / verify-full).
POSTGRES_SSLCERT: str | None = os.environ.get("POSTGRES_SSLCERT") or None
POSTGRES_SSLKEY: str | None = os.environ.get("POSTGRES_SSLKEY") or None
POSTGRES_SSLKEY_PASSWORD: str | None = (
    os.environ.get("POSTGRES_SSLKEY_PASSWORD") or None
)

_VALID_POSTGRES_SSLMODES = frozenset(
    {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
)
_CA_VERIFYING_SSLMODES = frozenset({"verify-ca", "verify-full"})
# Modes that always negotiate SSL — a client certificate is only reliably
# presented under one of these.
_SSL_NEGOTIATING_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})
_POSTGRES_SSL_FILE_SETTINGS = (
    ("POSTGRES_SSLROOTCERT", POSTGRES_SSLROOTCERT),
    ("POSTGRES_SSLCERT", POSTGRES_SSLCERT),
    ("POSTGRES_SSLKEY", POSTGRES_SSLKEY),
)
# True when any non-mode TLS setting (including the key password) is present —
# all of these are dead config without a POSTGRES_SSLMODE.
_HAS_POSTGRES_SSL_SECONDARY = any(
    [POSTGRES_SSLROOTCERT, POSTGRES_SSLCERT, POSTGRES_SSLKEY, POSTGRES_SSLKEY_PASSWORD]
)

if USE_IAM_AUTH:
    # IAM auth manages the database TLS connection itself, so the explicit
    # POSTGRES_SSL* settings are ignored — warn rather than silently drop them.
    if POSTGRES_SSLMODE or _HAS_POSTGRES_SSL_SECONDARY:
        logger.warning(
            "USE_IAM_AUTH is enabled; ignoring POSTGRES_SSLMODE / POSTGRES_SSL* "
            "(IAM auth manages the database TLS connection)."
        )
elif POSTGRES_SSLMODE:
    if POSTGRES_SSLMODE not in _VALID_POSTGRES_SSLMODES:
        raise ValueError(
            f"Invalid POSTGRES_SSLMODE={POSTGRES_SSLMODE!r}. "
            f"Must be one of: {sorted(_VALID_POSTGRES_SSLMODES)}"
        )
    if POSTGRES_SSLMODE in _CA_VERIFYING_SSLMODES and not POSTGRES_SSLROOTCERT:
        # Without a CA bundle these modes can't verify the server cert: libpq
        # errors out and asyncpg silently falls back to the system trust store.
        # Fail loudly so the intended CA-pinned trust model is explicit.
        raise ValueError(
            f"POSTGRES_SSLMODE={POSTGRES_SSLMODE!r} verifies the server "
            "certificate and requires POSTGRES_SSLROOTCERT (path to the CA "
            "bundle). Set it to your provider's CA, or to the system CA bundle "
            "if the server uses a publicly-trusted certificate."
        )
    if POSTGRES_SSLMODE == "require" and POSTGRES_SSLROOTCERT:
        logger.warning(
            "POSTGRES_SSLROOTCERT is set but POSTGRES_SSLMODE=require does not "
            "verify the server certificate; use verify-ca or verify-full to "
            "verify against the CA bundle."
        )
    # Mutual TLS: client cert + key must be provided together, under a mode that
    # actually negotiates SSL.
    if bool(POSTGRES_SSLCERT) != bool(POSTGRES_SSLKEY):
        raise ValueError(
            "POSTGRES_SSLCERT and POSTGRES_SSLKEY must both be set (mutual TLS "
            "needs a client certificate and its private key)."
        )
    if POSTGRES_SSLKEY_PASSWORD and not POSTGRES_SSLCERT:
        raise ValueError(
            "POSTGRES_SSLKEY_PASSWORD is set without a client certificate; it "
            "only decrypts POSTGRES_SSLKEY. Set POSTGRES_SSLCERT/POSTGRES_SSLKEY "
            "or unset the password."
        )
    if POSTGRES_SSLCERT and POSTGRES_SSLMODE not in _SSL_NEGOTIATING_SSLMODES:
        raise ValueError(
            f"POSTGRES_SSLCERT / POSTGRES_SSLKEY require POSTGRES_SSLMODE to be "
            f"one of {sorted(_SSL_NEGOTIATING_SSLMODES)} so TLS is negotiated; "
            f"got {POSTGRES_SSLMODE!r}."
        )
    for _name, _path in _POSTGRES_SSL_FILE_SETTINGS:
        if _path and not os.path.exists(_path):
            raise ValueError(f"{_name}={_path!r} does not exist.")
elif _HAS_POSTGRES_SSL_SECONDARY:
    # CA bundle / client cert / key password without a mode is dead config: SSL
    # stays off and the connection runs unverified despite the operator supplying
    # certs. Fail loudly so this can't masquerade as a verified/mutually-
    # authenticated link.
    raise ValueError(
        "POSTGRES_SSLROOTCERT / POSTGRES_SSLCERT / POSTGRES_SSLKEY / "
        "POSTGRES_SSLKEY_PASSWORD are set but POSTGRES_SSLMODE is not. Set a "
        "POSTGRES_SSLMODE (e.g. verify-full) so TLS is actually negotiated."
    )

# Redis IAM authentication - enables IAM-based authentication for Redis ElastiCache
# Note: This is separate from RDS IAM auth as they use different authentication mechanisms
USE_REDIS_IAM_AUTH = os.getenv("USE_REDIS_IAM_AUTH", "False").lower() == "true"
REDIS_SSL = os.getenv("REDIS_SSL", "").lower() == "true"
REDIS_HOST = os.environ.get("REDIS_HOST") or "localhost"
REDIS_PORT = int(os.environ.get("REDIS_PORT", 6379))
REDIS_PASSWORD = os.environ.get("REDIS_PASSWORD") or ""

# this assumes that other redis settings remain the same as the primary
REDIS_REPLICA_HOST = os.environ.get("REDIS_REPLICA_HOST") or REDIS_HOST

# Redis Sentinel for high availability. When REDIS_SENTINEL_HOSTS is set, the app
# (and Celery) connect via Sentinel — which discovers the current master and
# follows failover — instead of REDIS_HOST/REDIS_PORT directly. Format is a
# comma-separated list of host:port sentinel nodes. REDIS_PASSWORD still
# authenticates the master/replica; REDIS_SENTINEL_PASSWORD (optional) is for the
# sentinel nodes themselves if they require separate auth. TLS (REDIS_SSL +
# certs) applies to both the sentinel and the data connections.
_REDIS_SENTINEL_HOSTS_STR = os.environ.get("REDIS_SENTINEL_HOSTS", "").strip()


def _parse_sentinel_hosts(raw: str) -> list[tuple[str, int]]:
    hosts: list[tuple[str, int]] = []
    for entry in (h.strip() for h in raw.split(",") if h.strip()):
        host, sep, port = entry.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError(
                f"Invalid REDIS_SENTINEL_HOSTS entry {entry!r}; expected host:port."
            )
        port_num = int(port)
        if not 1 <= port_num <= 65535:
            raise ValueError(
                f"Invalid REDIS_SENTINEL_HOSTS port {port!r}; must be 1-65535."
            )
        hosts.append((host, port_num))
    return hosts


REDIS_SENTINEL_HOSTS: list[tuple[str, int]] = _parse_sentinel_hosts(
    _REDIS_SENTINEL_HOSTS_STR
)
REDIS_SENTINEL_MASTER_NAME = os.environ.get(
    "REDIS_SENTINEL_MASTER_NAME", "mymaster"
).strip()
REDIS_SENTINEL_PASSWORD = os.environ.get("REDIS_SENTINEL_PASSWORD") or None

# Fail loudly rather than silently falling back to a direct connection when the
# operator clearly intended Sentinel.
if _REDIS_SENTINEL_HOSTS_STR and not REDIS_SENTINEL_HOSTS:
    raise ValueError(
        "REDIS_SENTINEL_HOSTS is set but no valid host:port pairs were parsed."
    )
if REDIS_SENTINEL_HOSTS and not REDIS_SENTINEL_MASTER_NAME:
    raise ValueError(
        "REDIS_SENTINEL_HOSTS is set but REDIS_SENTINEL_MASTER_NAME is empty."
    )
if REDIS_SENTINEL_HOSTS and USE_REDIS_IAM_AUTH:
    raise ValueError(
        "REDIS_SENTINEL_HOSTS and USE_REDIS_IAM_AUTH cannot be combined: Sentinel "
        "is for self-managed HA Redis, while IAM auth targets AWS ElastiCache "
        "(which manages failover itself)."
    )

REDIS_AUTH_KEY_PREFIX = "fastapi_users_token:"

# Rate limiting for auth endpoints
RATE_LIMIT_WINDOW_SECONDS: int | None = None
_rate_limit_window_seconds_str = os.environ.get("RATE_LIMIT_WINDOW_SECONDS")
if _rate_limit_window_seconds_str is not None:
    try:
        RATE_LIMIT_WINDOW_SECONDS = int(_rate_limit_window_seconds_str)
    except ValueError:
        pass

RATE_LIMIT_MAX_REQUESTS: int | None = None
_rate_limit_max_requests_str = os.environ.get("RATE_LIMIT_MAX_REQUESTS")
if _rate_limit_max_requests_str is not None:
    try:
        RATE_LIMIT_MAX_REQUESTS = int(_rate_limit_max_requests_str)
    except ValueError:
        pass

AUTH_RATE_LIMITING_ENABLED = RATE_LIMIT_MAX_REQUESTS and RATE_LIMIT_WINDOW_SECONDS

# Rate limiting for the chat message feedback endpoints. Unlike the auth rate
# limiting above, this is enabled by default — set either value to 0 to
# disable. Requires the Redis cache backend (no-op under CACHE_BACKEND=postgres).
# The limit is per user (all sessions/API keys of an account share one bucket),
# so the default leaves headroom for legitimate bursts while still blocking floods.
FEEDBACK_RATE_LIMIT_MAX_REQUESTS = int(
    os.environ.get("FEEDBACK_RATE_LIMIT_MAX_REQUESTS", "100")
)
FEEDBACK_RATE_LIMIT_WINDOW_SECONDS = int(
    os.environ.get("FEEDBACK_RATE_LIMIT_WINDOW_SECONDS", "60")
)
FEEDBACK_RATE_LIMITING_ENABLED = (
    FEEDBACK_RATE_LIMIT_MAX_REQUESTS > 0
    and FEEDBACK_RATE_LIMIT_WINDOW_SECONDS > 0
    and CACHE_BACKEND == CacheBackendType.REDIS
)

# Used for general redis things
REDIS_DB_NUMBER = int(os.environ.get("REDIS_DB_NUMBER", 0))

# Used by celery as broker and backend
REDIS_DB_NUMBER_CELERY_RESULT_BACKEND = int(
    os.environ.get("REDIS_DB_NUMBER_CELERY_RESULT_BACKEND", 14)
)
REDIS_DB_NUMBER_CELERY = int(os.environ.get("REDIS_DB_NUMBER_CELERY", 15))  # broker

# will propagate to both our redis client as well as celery's redis client
REDIS_HEALTH_CHECK_INTERVAL = int(os.environ.get("REDIS_HEALTH_CHECK_INTERVAL", 60))

# our redis client only, not celery's
REDIS_POOL_MAX_CONNECTIONS = int(os.environ.get("REDIS_POOL_MAX_CONNECTIONS", 128))

# https://docs.celeryq.dev/en/stable/userguide/configuration.html#redis-backend-settings
# should be one of "required", "optional", or "none"
REDIS_SSL_CERT_REQS = os.getenv("REDIS_SSL_CERT_REQS", "none")
REDIS_SSL_CA_CERTS = os.getenv("REDIS_SSL_CA_CERTS", None)
# Client certificate + key for Redis mutual TLS (the server authenticating us).
# Both must be set together and require REDIS_SSL=true. A managed Redis may hand
# these out base64-encoded — decode them to files (e.g. a mounted secret) and
# point these at the paths.
REDIS_SSL_CERTFILE: str | None = os.getenv("REDIS_SSL_CERTFILE") or None
REDIS_SSL_KEYFILE: str | None = os.getenv("REDIS_SSL_KEYFILE") or None

if bool(REDIS_SSL_CERTFILE) != bool(REDIS_SSL_KEYFILE):
    raise ValueError(
        "REDIS_SSL_CERTFILE and REDIS_SSL_KEYFILE must both be set (mutual TLS "
        "needs a client certificate and its private key)."
    )
if (REDIS_SSL_CERTFILE or REDIS_SSL_KEYFILE) and not REDIS_SSL:
    raise ValueError(
        "REDIS_SSL_CERTFILE / REDIS_SSL_KEYFILE require REDIS_SSL=true so a TLS "
        "connection is negotiated."
    )
for _redis_tls_name, _redis_tls_path in (
    ("REDIS_SSL_CERTFILE", REDIS_SSL_CERTFILE),
    ("REDIS_SSL_KEYFILE", REDIS_SSL_KEYFILE),
):
    if _redis_tls_path and not os.path.exists(_redis_tls_path):
        raise ValueError(f"{_redis_tls_name}={_redis_tls_path!r} does not exist.")

CELERY_RESULT_EXPIRES = int(os.environ.get("CELERY_RESULT_EXPIRES", 86400))  # seconds

# A failed prune is skipped for this long before the beat re-dispatches it.
# Floor: the re-dispatch interval (BLOCK_PRUNING = 60s * beat_multiplier, ~8 min
# in cloud) so a failure can't hot-loop. Ceiling: prune_freq, so it still retries
# well before the next scheduled prune. 30m is a midpoint with transient slack.
PRUNE_FAILURE_BACKOFF_SECONDS = int(
    os.environ.get("PRUNE_FAILURE_BACKOFF_SECONDS") or 30 * 60
)

# https://docs.celeryq.dev/en/stable/userguide/configuration.html#broker-pool-limit
# Setting to None may help when there is a proxy in the way closing idle connections
_CELERY_BROKER_POOL_LIMIT_DEFAULT = 10
try:
    CELERY_BROKER_POOL_LIMIT = int(
        os.environ.get("CELERY_BROKER_POOL_LIMIT", _CELERY_BROKER_POOL_LIMIT_DEFAULT)
    )
except ValueError:
    CELERY_BROKER_POOL_LIMIT = _CELERY_BROKER_POOL_LIMIT_DEFAULT

_CELERY_WORKER_LIGHT_CONCURRENCY_DEFAULT = 24
try:
    CELERY_WORKER_LIGHT_CONCURRENCY = int(
        os.environ.get(
            "CELERY_WORKER_LIGHT_CONCURRENCY",
            _CELERY_WORKER_LIGHT_CONCURRENCY_DEFAULT,
        )
    )
except ValueError:
    CELERY_WORKER_LIGHT_CONCURRENCY = _CELERY_WORKER_LIGHT_CONCURRENCY_DEFAULT

_CELERY_WORKER_LIGHT_PREFETCH_MULTIPLIER_DEFAULT = 8
try:
    CELERY_WORKER_LIGHT_PREFETCH_MULTIPLIER = int(
        os.environ.get(
            "CELERY_WORKER_LIGHT_PREFETCH_MULTIPLIER",
            _CELERY_WORKER_LIGHT_PREFETCH_MULTIPLIER_DEFAULT,
        )
    )
except ValueError:
    CELERY_WORKER_LIGHT_PREFETCH_MULTIPLIER = (
        _CELERY_WORKER_LIGHT_PREFETCH_MULTIPLIER_DEFAULT
    )

_CELERY_WORKER_DOCPROCESSING_CONCURRENCY_DEFAULT = 6
try:
    env_value = os.environ.get("CELERY_WORKER_DOCPROCESSING_CONCURRENCY")
    if not env_value:
        env_value = os.environ.get("NUM_INDEXING_WORKERS")

    if not env_value:
        env_value = str(_CELERY_WORKER_DOCPROCESSING_CONCURRENCY_DEFAULT)
    CELERY_WORKER_DOCPROCESSING_CONCURRENCY = int(env_value)
except ValueError:
    CELERY_WORKER_DOCPROCESSING_CONCURRENCY = (
        _CELERY_WORKER_DOCPROCESSING_CONCURRENCY_DEFAULT
    )

# Reindex-port runs on the docprocessing worker; cap concurrent port attempts well
# below its concurrency so a large reindex leaves slots for live indexing.
# Floor at 1: 0 (or negative) would gate off every new port attempt.
MAX_CONCURRENT_PORT_ATTEMPTS = max(
    1, _non_negative_int_env("MAX_CONCURRENT_PORT_ATTEMPTS", 2)
)

# User-file ports run on the 2-thread user-file worker and a running port can't be
# preempted, so default 1 leaves a thread for live uploads.
MAX_CONCURRENT_USER_FILE_PORT_ATTEMPTS = max(
    1, _non_negative_int_env("MAX_CONCURRENT_USER_FILE_PORT_ATTEMPTS", 1)
)

# Auto-pause a port unit after this many consecutive same-cursor failures. Any value works:
# _MAX_TRACKED_FAILED_RETRIES (db/port_attempt.py) sizes its streak history to cover it.
MAX_CONSECUTIVE_PORT_FAILURES_BEFORE_PAUSE = max(
    1, _non_negative_int_env("MAX_CONSECUTIVE_PORT_FAILURES_BEFORE_PAUSE", 5)
)

# Old-index reclamation (post-reindex deletion of the now-PAST index).
# Master switch: when False the reclaim beat task no-ops entirely. Ships dark
# (default off); flip True to go live. Instant kill switch if anything goes wrong.
OLD_INDEX_RECLAIM_ENABLED = (
    os.environ.get("OLD_INDEX_RECLAIM_ENABLED", "").lower() == "true"
)
# Soak before deleting a PAST index, anchored to when it stopped being read.
# 0 = delete immediately once the soak gate is reached.
OLD_INDEX_RETENTION_HOURS = _non_negative_int_env("OLD_INDEX_RETENTION_HOURS", 24)
# Bounds the blast radius of a runaway task.
OLD_INDEX_RECLAIM_MAX_PER_RUN = max(
    1, _non_negative_int_env("OLD_INDEX_RECLAIM_MAX_PER_RUN", 5)
)
# Consecutive failures on one reclaim before it is parked as BLOCKED and alerted.
OLD_INDEX_RECLAIM_MAX_ATTEMPTS = max(
    1, _non_negative_int_env("OLD_INDEX_RECLAIM_MAX_ATTEMPTS", 5)
)
# Max docs a single reclaim delete_by_query removes before returning, so one call
# can't run past the OpenSearch client HTTP timeout (60s) on a huge tenant. The reclaim
# loop re-runs until the tenant's slice is empty. Conservative default leaves margin on
# a slow / loaded cluster (the fleet-reindex case); tune up for fast clusters.
OLD_INDEX_RECLAIM_DELETE_BATCH_SIZE = max(
    1, _non_negative_int_env("OLD_INDEX_RECLAIM_DELETE_BATCH_SIZE", 10_000)
)

_CELERY_WORKER_DOCFETCHING_CONCURRENCY_DEFAULT = 1
try:
    env_value = os.environ.get("CELERY_WORKER_DOCFETCHING_CONCURRENCY")
    if not env_value:
        env_value = os.environ.get("NUM_DOCFETCHING_WORKERS")

    if not env_value:
        env_value = str(_CELERY_WORKER_DOCFETCHING_CONCURRENCY_DEFAULT)
    CELERY_WORKER_DOCFETCHING_CONCURRENCY = int(env_value)
except ValueError:
    CELERY_WORKER_DOCFETCHING_CONCURRENCY = (
        _CELERY_WORKER_DOCFETCHING_CONCURRENCY_DEFAULT
    )

CELERY_WORKER_PRIMARY_CONCURRENCY = int(
    os.environ.get("CELERY_WORKER_PRIMARY_CONCURRENCY") or 4
)

CELERY_WORKER_PRIMARY_POOL_OVERFLOW = int(
    os.environ.get("CELERY_WORKER_PRIMARY_POOL_OVERFLOW") or 4
)

# Individual worker concurrency settings
CELERY_WORKER_HEAVY_CONCURRENCY = int(
    os.environ.get("CELERY_WORKER_HEAVY_CONCURRENCY") or 4
)

CELERY_WORKER_MONITORING_CONCURRENCY = int(
    os.environ.get("CELERY_WORKER_MONITORING_CONCURRENCY") or 1
)

CELERY_WORKER_USER_FILE_PROCESSING_CONCURRENCY = int(
    os.environ.get("CELERY_WORKER_USER_FILE_PROCESSING_CONCURRENCY") or 2
)

# Concurrency for the dedicated Craft scheduled-tasks worker. Each thread can
# run one headless agent fire at a time, so this caps simultaneous in-flight
# scheduled runs per pod. Default is intentionally modest because each fire
# can be long-running (LLM + tool calls in a sandbox).
CELERY_WORKER_SCHEDULED_TASKS_CONCURRENCY = int(
    os.environ.get("CELERY_WORKER_SCHEDULED_TASKS_CONCURRENCY") or 4
)

# The maximum number of tasks that can be queued up to sync to Vespa in a single pass
VESPA_SYNC_MAX_TASKS = 8192

DB_YIELD_PER_DEFAULT = 64

#####
# Connector Configs
#####
POLL_CONNECTOR_OFFSET = 30  # Minutes overlap between poll windows

# View the list here:
# https://github.com/onyx-dot-app/onyx/blob/main/backend/onyx/connectors/factory.py
# If this is empty, all connectors are enabled, this is an option for security heavy orgs where
# only very select connectors are enabled and admins cannot add other connector types
ENABLED_CONNECTOR_TYPES = os.environ.get("ENABLED_CONNECTOR_TYPES") or ""

# Some calls to get information on expert users are quite costly especially with rate limiting
# Since experts are not used in the actual user experience, currently it is turned off
# for some connectors
ENABLE_EXPENSIVE_EXPERT_CALLS = False


# TODO these should be available for frontend configuration, via advanced options expandable
WEB_CONNECTOR_IGNORED_CLASSES = os.environ.get(
    "WEB_CONNECTOR_IGNORED_CLASSES", "sidebar,footer"
).split(",")
WEB_CONNECTOR_IGNORED_ELEMENTS = os.environ.get(
    "WEB_CONNECTOR_IGNORED_ELEMENTS", "nav,footer,meta,script,style,symbol,aside"
).split(",")
WEB_CONNECTOR_OAUTH_CLIENT_ID = os.environ.get("WEB_CONNECTOR_OAUTH_CLIENT_ID")
WEB_CONNECTOR_OAUTH_CLIENT_SECRET = os.environ.get("WEB_CONNECTOR_OAUTH_CLIENT_SECRET")
WEB_CONNECTOR_OAUTH_TOKEN_URL = os.environ.get("WEB_CONNECTOR_OAUTH_TOKEN_URL")

# When the OnyxWebCrawler (open_url tool) hits a 403 / Cloudflare challenge,
# fall back to a one-shot Playwright (Chromium) render to bypass JS-based
# bot detection. Disable to skip the fallback (e.g. on hosts that don't have
# the Chromium binary installed).
OPEN_URL_PLAYWRIGHT_FALLBACK_ENABLED = (
    os.environ.get("OPEN_URL_PLAYWRIGHT_FALLBACK_ENABLED", "true").lower() == "true"
)

# NOTE: the three SSRF env vars below (OPEN_URL_VALIDATE_SSRF,
# MCP_SERVER_ALLOW_PRIVATE_NETWORK, MCP_SERVER_ALLOW_LOOPBACK) are no longer read
# at their call sites. They only seed the default "SSRF Protection" level when no
# override is saved; admins set the effective behavior on the Security Hardening
# page.

# Whether the open_url tool enforces SSRF protection (rejecting URLs that
# resolve to private/internal IPs). Default true to keep multi-tenant SaaS
# safe. Self-hosted operators on trusted networks (e.g. internal docs that
# resolve to RFC1918 addresses via split-horizon DNS) can set to false to
# allow fetching from private ranges.
OPEN_URL_VALIDATE_SSRF = (
    os.environ.get("OPEN_URL_VALIDATE_SSRF", "true").lower() == "true"
)

# Allow outbound MCP/OAuth calls (server_url, oauth endpoints) to resolve to
# private/internal IPs. Default false to block SSRF; self-hosted operators with
# an internal MCP server can opt in. Loopback/unspecified/link-local (incl.
# cloud-metadata) stay blocked regardless.
MCP_SERVER_ALLOW_PRIVATE_NETWORK = (
    os.environ.get("MCP_SERVER_ALLOW_PRIVATE_NETWORK", "false").lower() == "true"
)

# Separately allow loopback (127.0.0.0/8, ::1) targets. Loopback reaches the app
# host itself (its admin APIs, sidecars, other localhost services), so it stays
# blocked even under MCP_SERVER_ALLOW_PRIVATE_NETWORK unless explicitly opted in.
# Requires the private-network opt-in above to take effect. Used by our tests'
# local mock MCP servers; cloud-metadata/link-local stay blocked regardless.
MCP_SERVER_ALLOW_LOOPBACK = (
    os.environ.get("MCP_SERVER_ALLOW_LOOPBACK", "false").lower() == "true"
)

HTML_BASED_CONNECTOR_TRANSFORM_LINKS_STRATEGY = os.environ.get(
    "HTML_BASED_CONNECTOR_TRANSFORM_LINKS_STRATEGY",
    HtmlBasedConnectorTransformLinksStrategy.STRIP,
)

NOTION_CONNECTOR_DISABLE_RECURSIVE_PAGE_LOOKUP = (
    os.environ.get("NOTION_CONNECTOR_DISABLE_RECURSIVE_PAGE_LOOKUP", "").lower()
    == "true"
)


#####
# Confluence Connector Configs
#####

CONFLUENCE_CONNECTOR_LABELS_TO_SKIP = [
    ignored_tag
    for ignored_tag in os.environ.get("CONFLUENCE_CONNECTOR_LABELS_TO_SKIP", "").split(
        ","
    )
    if ignored_tag
]

# Attachments exceeding this size will not be retrieved (in bytes)
CONFLUENCE_CONNECTOR_ATTACHMENT_SIZE_THRESHOLD = int(
    os.environ.get("CONFLUENCE_CONNECTOR_ATTACHMENT_SIZE_THRESHOLD", 10 * 1024 * 1024)
)
# Attachments with more chars than this will not be indexed. This is to prevent extremely
# large files from freezing indexing. 200,000 is ~100 google doc pages.
CONFLUENCE_CONNECTOR_ATTACHMENT_CHAR_COUNT_THRESHOLD = int(
    os.environ.get("CONFLUENCE_CONNECTOR_ATTACHMENT_CHAR_COUNT_THRESHOLD", 200_000)
)

# A JSON-formatted array. Each item in the array should have the following structure:
# {
#     "user_id": "1234567890",
#     "username": "bob",
#     "display_name": "Bob Fitzgerald",
#     "email": "bob@example.com",
#     "type": "known"
# }
_RAW_CONFLUENCE_CONNECTOR_USER_PROFILES_OVERRIDE = os.environ.get(
    "CONFLUENCE_CONNECTOR_USER_PROFILES_OVERRIDE", ""
)
CONFLUENCE_CONNECTOR_USER_PROFILES_OVERRIDE = cast(
    list[dict[str, str]] | None,
    (
        json.loads(_RAW_CONFLUENCE_CONNECTOR_USER_PROFILES_OVERRIDE)
        if _RAW_CONFLUENCE_CONNECTOR_USER_PROFILES_OVERRIDE
        else None
    ),
)

# Due to breakages in the confluence API, the timezone offset must be specified client side
# to match the user's specified timezone.

# The current state of affairs:
# CQL queries are parsed in the user's timezone and cannot be specified in UTC
# no API retrieves the user's timezone
# All data is returned in UTC, so we can't derive the user's timezone from that

# https://community.developer.atlassian.com/t/confluence-cloud-time-zone-get-via-rest-api/35954/16
# https://jira.atlassian.com/browse/CONFCLOUD-69670


def get_current_tz_offset() -> int:
    # datetime now() gets local time, datetime.now(timezone.utc) gets UTC time.
    # remove tzinfo to compare non-timezone-aware objects.
    time_diff = datetime.now() - datetime.now(timezone.utc).replace(tzinfo=None)
    return round(time_diff.total_seconds() / 3600)


# enter as a floating point offset from UTC in hours (-24 < val < 24)
# this will be applied globally, so it probably makes sense to transition this to per
# connector as some point.
# For the default value, we assume that the user's local timezone is more likely to be
# correct (i.e. the configured user's timezone or the default server one) than UTC.
# https://developer.atlassian.com/cloud/confluence/cql-fields/#created
CONFLUENCE_TIMEZONE_OFFSET = float(
    os.environ.get("CONFLUENCE_TIMEZONE_OFFSET", get_current_tz_offset())
)

CONFLUENCE_USE_ONYX_USERS_FOR_GROUP_SYNC = (
    os.environ.get("CONFLUENCE_USE_ONYX_USERS_FOR_GROUP_SYNC", "").lower() == "true"
)

GOOGLE_DRIVE_CONNECTOR_SIZE_THRESHOLD = int(
    os.environ.get("GOOGLE_DRIVE_CONNECTOR_SIZE_THRESHOLD", 10 * 1024 * 1024)
)

# Max bytes buffered for the Google Docs advanced (Docs-API structural-JSON)
# fetch. Native Docs report no `size`, so the fetch can't be checked from
# metadata; larger Docs are indexed via the basic text export.
GOOGLE_DRIVE_ADVANCED_PARSE_MAX_BYTES = int(
    os.environ.get("GOOGLE_DRIVE_ADVANCED_PARSE_MAX_BYTES") or 50 * 1024 * 1024
)

# Cap the total text retained per file across a connector's extracted sections,
# bounding worker memory when a source can't be size-checked before fetch —
# e.g. Google-native files (Docs/Slides/Sheets) report no `size` metadata and
# bypass GOOGLE_DRIVE_CONNECTOR_SIZE_THRESHOLD. Content past the cap is dropped
# with a warning. 0 disables the cap.
CONNECTOR_MAX_EXTRACTED_TEXT_CHARS = int(
    os.environ.get("CONNECTOR_MAX_EXTRACTED_TEXT_CHARS") or 10_000_000
)

# Default size threshold for Drupal Wiki attachments (10MB)
DRUPAL_WIKI_ATTACHMENT_SIZE_THRESHOLD = int(
    os.environ.get("DRUPAL_WIKI_ATTACHMENT_SIZE_THRESHOLD", 10 * 1024 * 1024)
)

# Default size threshold for SharePoint files (20MB)
SHAREPOINT_CONNECTOR_SIZE_THRESHOLD = int(
    os.environ.get("SHAREPOINT_CONNECTOR_SIZE_THRESHOLD", 20 * 1024 * 1024)
)

# When True, group sync enumerates every Azure AD group in the tenant (expensive).
# When False (default), only groups found in site role assignments are synced.
# Can be overridden per-connector via the "exhaustive_ad_enumeration" key in
# connector_specific_config.
SHAREPOINT_EXHAUSTIVE_AD_ENUMERATION = (
    os.environ.get("SHAREPOINT_EXHAUSTIVE_AD_ENUMERATION", "").lower() == "true"
)

BLOB_STORAGE_SIZE_THRESHOLD = int(
    os.environ.get("BLOB_STORAGE_SIZE_THRESHOLD", 20 * 1024 * 1024)
)

BOX_CONNECTOR_SIZE_THRESHOLD = int(
    os.environ.get("BOX_CONNECTOR_SIZE_THRESHOLD", 20 * 1024 * 1024)
)

JIRA_CONNECTOR_LABELS_TO_SKIP = [
    ignored_tag
    for ignored_tag in os.environ.get("JIRA_CONNECTOR_LABELS_TO_SKIP", "").split(",")
    if ignored_tag
]
# Maximum size for Jira tickets in bytes (default: 100KB)
JIRA_CONNECTOR_MAX_TICKET_SIZE = int(
    os.environ.get("JIRA_CONNECTOR_MAX_TICKET_SIZE", 100 * 1024)
)
JIRA_SLIM_PAGE_SIZE = int(os.environ.get("JIRA_SLIM_PAGE_SIZE", 500))

GONG_CONNECTOR_START_TIME = os.environ.get("GONG_CONNECTOR_START_TIME")

GITHUB_CONNECTOR_BASE_URL = os.environ.get("GITHUB_CONNECTOR_BASE_URL") or None

GITLAB_CONNECTOR_INCLUDE_CODE_FILES = (
    os.environ.get("GITLAB_CONNECTOR_INCLUDE_CODE_FILES", "").lower() == "true"
)

# Typically set to http://localhost:3000 for OAuth connector development
CONNECTOR_LOCALHOST_OVERRIDE = os.getenv("CONNECTOR_LOCALHOST_OVERRIDE")

# Egnyte specific configs
EGNYTE_CLIENT_ID = os.getenv("EGNYTE_CLIENT_ID")
EGNYTE_CLIENT_SECRET = os.getenv("EGNYTE_CLIENT_SECRET")

# Linear specific configs
LINEAR_CLIENT_ID = os.getenv("LINEAR_CLIENT_ID")
LINEAR_CLIENT_SECRET = os.getenv("LINEAR_CLIENT_SECRET")

# Salesforce specific configs
SALESFORCE_CLIENT_ID = os.getenv("SALESFORCE_CLIENT_ID")
SALESFORCE_CLIENT_SECRET = os.getenv("SALESFORCE_CLIENT_SECRET")

# Slack specific configs
SLACK_NUM_THREADS = int(os.getenv("SLACK_NUM_THREADS") or 8)
MAX_SLACK_QUERY_EXPANSIONS = int(os.environ.get("MAX_SLACK_QUERY_EXPANSIONS", "5"))

# Slack federated search thread context settings
# Batch size for fetching thread context (controls concurrent API calls per batch)
SLACK_THREAD_CONTEXT_BATCH_SIZE = int(
    os.environ.get("SLACK_THREAD_CONTEXT_BATCH_SIZE", "5")
)
# Maximum messages to fetch thread context for (top N by relevance get full context)
MAX_SLACK_THREAD_CONTEXT_MESSAGES = int(
    os.environ.get("MAX_SLACK_THREAD_CONTEXT_MESSAGES", "5")
)

# TestRail specific configs
TESTRAIL_BASE_URL = os.environ.get("TESTRAIL_BASE_URL", "")
TESTRAIL_USERNAME = os.environ.get("TESTRAIL_USERNAME", "")
TESTRAIL_API_KEY = os.environ.get("TESTRAIL_API_KEY", "")

LEAVE_CONNECTOR_ACTIVE_ON_INITIALIZATION_FAILURE = (
    os.environ.get("LEAVE_CONNECTOR_ACTIVE_ON_INITIALIZATION_FAILURE", "").lower()
    == "true"
)

DEFAULT_PRUNING_FREQ = 60 * 60 * 24 * 7  # 7 days

ALLOW_SIMULTANEOUS_PRUNING = (
    os.environ.get("ALLOW_SIMULTANEOUS_PRUNING", "").lower() == "true"
)

# This is the maximum rate at which documents are queried for a pruning job. 0 disables the limitation.
MAX_PRUNING_DOCUMENT_RETRIEVAL_PER_MINUTE = int(
    os.environ.get("MAX_PRUNING_DOCUMENT_RETRIEVAL_PER_MINUTE", 0)
)

# comma delimited list of zendesk article labels to skip indexing for
ZENDESK_CONNECTOR_SKIP_ARTICLE_LABELS = os.environ.get(
    "ZENDESK_CONNECTOR_SKIP_ARTICLE_LABELS", ""
).split(",")


#####
# Indexing Configs
#####
# NOTE: Currently only supported in the Confluence and Google Drive connectors +
# only handles some failures (Confluence = handles API call failures, Google
# Drive = handles failures pulling files / parsing them)
CONTINUE_ON_CONNECTOR_FAILURE = os.environ.get(
    "CONTINUE_ON_CONNECTOR_FAILURE", ""
).lower() not in ["false", ""]
# When true, indexing makes a best effort to keep going past errors that it
# can bound:
#   1. The >3-failures-AND->10%-ratio threshold abort is disabled, so a
#      connector that yields many per-doc/entity `ConnectorFailure`s no longer
#      aborts the attempt.
#   2. Unhandled exceptions inside docprocessing (per-batch) are converted into
#      `DocumentFailure`s for the docs in the batch (or an `EntityFailure` if
#      the batch couldn't be loaded). The batch is marked complete so the
#      attempt can resolve as COMPLETED_WITH_ERRORS.
# Does NOT swallow unhandled exceptions raised from the connector generator
# itself: those still mark the attempt FAILED, because we have no entity
# context to isolate the failing item and silently advancing would risk
# skipping source data. Operators must triage those by fixing the connector.
PERSISTENT_INDEXING = os.environ.get("PERSISTENT_INDEXING", "").lower() == "true"
# When swapping to a new embedding model, a secondary index is created in the background, to conserve
# resources, we pause updates on the primary index by default while the secondary index is created
DISABLE_INDEX_UPDATE_ON_SWAP = (
    os.environ.get("DISABLE_INDEX_UPDATE_ON_SWAP", "").lower() == "true"
)
# More accurate results at the expense of indexing speed and index size (stores additional 4 MINI_CHUNK vectors)
ENABLE_MULTIPASS_INDEXING = (
    os.environ.get("ENABLE_MULTIPASS_INDEXING", "").lower() == "true"
)
# Enable contextual retrieval
ENABLE_CONTEXTUAL_RAG = os.environ.get("ENABLE_CONTEXTUAL_RAG", "").lower() == "true"

# Finer grained chunking for more detail retention
# Slightly larger since the sentence aware split is a max cutoff so most minichunks will be under MINI_CHUNK_SIZE
# tokens. But we need it to be at least as big as 1/4th chunk size to avoid having a tiny mini-chunk at the end
MINI_CHUNK_SIZE = 150

# This is the number of regular chunks per large chunk
LARGE_CHUNK_RATIO = 4

# The maximum number of chunks that can be held for 1 document processing batch
# The purpose of this is to set an upper bound on memory usage
MAX_CHUNKS_PER_DOC_BATCH = int(os.environ.get("MAX_CHUNKS_PER_DOC_BATCH") or 1000)

# Include the document level metadata in each chunk. If the metadata is too long, then it is thrown out
# We don't want the metadata to overwhelm the actual contents of the chunk
SKIP_METADATA_IN_CHUNK = os.environ.get("SKIP_METADATA_IN_CHUNK", "").lower() == "true"

# The indexer will warn in the logs whenver a document exceeds this threshold (in bytes)
INDEXING_SIZE_WARNING_THRESHOLD = int(
    os.environ.get("INDEXING_SIZE_WARNING_THRESHOLD") or 100 * 1024 * 1024
)

# during indexing, will log verbose memory diff stats every x batches and at the end.
# 0 disables this behavior and is the default.
INDEXING_TRACER_INTERVAL = int(os.environ.get("INDEXING_TRACER_INTERVAL") or 0)

# Enable multi-threaded embedding model calls for parallel processing
# Note: only applies for API-based embedding models
INDEXING_EMBEDDING_MODEL_NUM_THREADS = int(
    os.environ.get("INDEXING_EMBEDDING_MODEL_NUM_THREADS") or 8
)

# Maximum number of characters in a single document before it is skipped during indexing.
# Documents exceeding this limit will surface a visible error rather than being silently dropped.
# Default is 512MB worth of characters (536,870,912). Configurable via MAX_DOCUMENT_CHARS env var.
MAX_DOCUMENT_CHARS = int(os.environ.get("MAX_DOCUMENT_CHARS") or 536_870_912)

# Max RSS (in MB) for a spawned indexing worker process. When exceeded, the
# docfetching watchdog terminates the worker and fails the attempt with a clear
# error, pre-empting a kernel OOM kill of the whole pod — which would also kill
# the attempt heartbeat (surfacing as an opaque "No heartbeat received" failure)
# and any other tenants' tasks running on the pod. 0 disables the check.
INDEXING_WORKER_MEMORY_LIMIT_MB = int(
    os.environ.get("INDEXING_WORKER_MEMORY_LIMIT_MB") or 0
)

# Enable tracemalloc in spawned indexing workers so the near-limit memory report
# (see INDEXING_WORKER_MEMORY_LIMIT_MB) includes allocation sites. Adds meaningful
# per-allocation CPU/memory overhead — enable only while chasing a leak.
INDEXING_WORKER_TRACEMALLOC = (
    os.environ.get("INDEXING_WORKER_TRACEMALLOC", "").lower() == "true"
)

# When set, every successfully indexed public-connector document is POSTed to
# this endpoint. Intended for non-EE deployments; EE users should prefer the
# Document Push hook (admin UI / /admin/hooks API) instead — it adds endpoint
# validation, execution logs, and reachability tracking. If both are set, this
# env config takes precedence and the hook does not fire. Not supported in
# multi-tenant deployments. See onyx/indexing/document_push.py.
DOCUMENT_PUSH_ENDPOINT_URL = os.environ.get("DOCUMENT_PUSH_ENDPOINT_URL") or None
# Sent as "Authorization: Bearer <key>" on each push request.
DOCUMENT_PUSH_API_KEY = os.environ.get("DOCUMENT_PUSH_API_KEY") or None
DOCUMENT_PUSH_TIMEOUT_SECONDS = float(
    os.environ.get("DOCUMENT_PUSH_TIMEOUT_SECONDS") or 30
)

MAX_FILE_SIZE_BYTES = int(
    os.environ.get("MAX_FILE_SIZE_BYTES") or 2 * 1024 * 1024 * 1024
)  # 2GB in bytes

# Maximum embedded images allowed in a single file. PDFs (and other formats)
# with thousands of embedded images can OOM the user-file-processing worker
# because every image is decoded with PIL and then sent to the vision LLM.
# Enforced both at upload time (rejects the file) and during extraction
# (defense-in-depth: caps the number of images materialized). For PDFs the
# count is of unique images that pass the content filters in
# onyx/file_processing/pdf_image_utils.py.
#
# Clamped to >= 0; a negative env value would turn upload validation into
# always-fail and extraction into always-stop, which is never desired. 0
# disables image extraction entirely, which is a valid (if aggressive) setting.
MAX_EMBEDDED_IMAGES_PER_FILE = max(
    0, int(os.environ.get("MAX_EMBEDDED_IMAGES_PER_FILE") or 500)
)

# Embedded PDF images narrower or shorter than this (px) are treated as
# rendering artifacts (scanline strips, spacers, gradient tiles), not content,
# and are skipped by both upload-time counting and extraction. 0 disables.
MIN_EMBEDDED_IMAGE_DIMENSION_PX = max(
    0, int(os.environ.get("MIN_EMBEDDED_IMAGE_DIMENSION_PX") or 16)
)

# Maximum embedded images allowed across all files in a single upload batch.
# Protects against the scenario where a user uploads many files that each
# fall under MAX_EMBEDDED_IMAGES_PER_FILE but aggregate to enough work
# (serial-ish celery fan-out plus per-image vision-LLM calls) to OOM the
# worker under concurrency or run up surprise latency/cost. Also clamped
# to >= 0.
MAX_EMBEDDED_IMAGES_PER_UPLOAD = max(
    0, int(os.environ.get("MAX_EMBEDDED_IMAGES_PER_UPLOAD") or 1000)
)

# Maximum non-empty cells to extract from a single xlsx worksheet. Protects
# from OOM on honestly-huge spreadsheets: memory cost in the extractor is
# roughly proportional to this count. Once exceeded, the scan stops and a
# truncation marker row is appended to the sheet's CSV.
# Peak Memory ~= 100 B * MAX_CELLS
MAX_XLSX_CELLS_PER_SHEET = max(
    0, int(os.environ.get("MAX_XLSX_CELLS_PER_SHEET") or 10_000_000)
)

# PDF text extraction runs isolated (a malformed PDF can make PDFium hard-abort
# or hang); this is the timeout before the subprocess is killed and pypdf runs.
PDF_TEXT_EXTRACTION_TIMEOUT_SECONDS = float(
    os.environ.get("PDF_TEXT_EXTRACTION_TIMEOUT_SECONDS") or 120
)

# Use document summary for contextual rag
USE_DOCUMENT_SUMMARY = os.environ.get("USE_DOCUMENT_SUMMARY", "true").lower() == "true"
# Use chunk summary for contextual rag
USE_CHUNK_SUMMARY = os.environ.get("USE_CHUNK_SUMMARY", "true").lower() == "true"
# Average summary embeddings for contextual rag (not yet implemented)
AVERAGE_SUMMARY_EMBEDDINGS = (
    os.environ.get("AVERAGE_SUMMARY_EMBEDDINGS", "false").lower() == "true"
)

MAX_TOKENS_FOR_FULL_INCLUSION = 4096

# The intent was to have this be configurable per query, but I don't think any
# codepath was actually configuring this, so for the migrated Vespa interface
# we'll just use the default value, but also have it be configurable by env var.
RECENCY_BIAS_MULTIPLIER = float(os.environ.get("RECENCY_BIAS_MULTIPLIER") or 1.0)

# Should match the rerank-count value set in
# backend/onyx/document_index/vespa/app_config/schemas/danswer_chunk.sd.jinja.
RERANK_COUNT = int(os.environ.get("RERANK_COUNT") or 1000)

# Flat per-image cost (cents) when litellm has no price for an image model.
# Clamped to >= 0 so a misconfigured negative can't credit usage.
DEFAULT_IMAGE_COST_CENTS = max(
    0.0, float(os.environ.get("DEFAULT_IMAGE_COST_CENTS") or 4.0)
)

# Fallback USD/Mtok when litellm can't price (default 0 = free). Clamped >= 0.
DEFAULT_LLM_INPUT_COST_PER_MTOK = max(
    0.0, float(os.environ.get("DEFAULT_LLM_INPUT_COST_PER_MTOK") or 0.0)
)
DEFAULT_LLM_OUTPUT_COST_PER_MTOK = max(
    0.0, float(os.environ.get("DEFAULT_LLM_OUTPUT_COST_PER_MTOK") or 0.0)
)


#####
# Tool Configs
#####
# Code Interpreter Service Configuration
CODE_INTERPRETER_BASE_URL = os.environ.get(
    "CODE_INTERPRETER_BASE_URL", "http://localhost:8000"
)

CODE_INTERPRETER_DEFAULT_TIMEOUT_MS = int(
    os.environ.get("CODE_INTERPRETER_DEFAULT_TIMEOUT_MS") or 60_000
)

CODE_INTERPRETER_MAX_OUTPUT_LENGTH = int(
    os.environ.get("CODE_INTERPRETER_MAX_OUTPUT_LENGTH") or 50_000
)

# Backstop on per-execution file staging. Session files accumulate over a chat
# (generated artifacts get carried forward), and staging each one is a blocking
# object-store read + upload in the request worker; an unbounded set can block
# longer than the api-server liveness window. Cap by count and cumulative bytes
# and drop the overflow (oldest first).
CODE_INTERPRETER_MAX_STAGED_FILES = int(
    os.environ.get("CODE_INTERPRETER_MAX_STAGED_FILES") or 25
)

CODE_INTERPRETER_MAX_STAGED_BYTES = int(
    os.environ.get("CODE_INTERPRETER_MAX_STAGED_BYTES") or 100 * 1024 * 1024
)

# Bounds the fan-out of both staging phases — reading files from the object
# store and uploading cache misses to the sandbox — so neither blocks the
# request worker serially nor overwhelms a backend with a burst. Each I/O call
# is individually bounded by its own per-request timeout.
CODE_INTERPRETER_STAGING_CONCURRENCY = int(
    os.environ.get("CODE_INTERPRETER_STAGING_CONCURRENCY") or 8
)

# Per-call MCP read timeout; configurable since some tools (e.g. data-agent
# servers) run longer than the default.
MCP_TOOL_CALL_TIMEOUT_SECONDS = int(
    os.environ.get("MCP_TOOL_CALL_TIMEOUT_SECONDS") or 300
)


#####
# Miscellaneous
#####
JOB_TIMEOUT = int(os.environ.get("JOB_TIMEOUT_SECONDS") or 60 * 60 * 6)  # default 6h
# Logs Onyx only model interactions like prompts, responses, messages etc.
LOG_ONYX_MODEL_INTERACTIONS = (
    os.environ.get("LOG_ONYX_MODEL_INTERACTIONS", "").lower() == "true"
)

PROMPT_CACHE_CHAT_HISTORY = (
    os.environ.get("PROMPT_CACHE_CHAT_HISTORY", "").lower() == "true"
)

# Opt-in cap on outgoing image-count for Azure providers (any model_provider
# starting with "azure"). When enabled, requests are capped at 50 images each
# (matching the documented Azure OpenAI ceiling) to avoid raw 400s from the
# gateway. Off by default.
ENABLE_AZURE_IMAGE_CAP = os.environ.get("ENABLE_AZURE_IMAGE_CAP", "").lower() == "true"

# If set to `true` will enable additional logs about Vespa query performance
# (time spent on finding the right docs + time spent fetching summaries from disk)
LOG_VESPA_TIMING_INFORMATION = (
    os.environ.get("LOG_VESPA_TIMING_INFORMATION", "").lower() == "true"
)
LOG_ENDPOINT_LATENCY = os.environ.get("LOG_ENDPOINT_LATENCY", "").lower() == "true"
LOG_POSTGRES_LATENCY = os.environ.get("LOG_POSTGRES_LATENCY", "").lower() == "true"
LOG_POSTGRES_CONN_COUNTS = (
    os.environ.get("LOG_POSTGRES_CONN_COUNTS", "").lower() == "true"
)
# Anonymous usage telemetry
DISABLE_TELEMETRY = os.environ.get("DISABLE_TELEMETRY", "").lower() == "true"

#####
# Braintrust Configuration
#####
# Braintrust project name
BRAINTRUST_PROJECT = os.environ.get("BRAINTRUST_PROJECT", "Onyx")
# Braintrust API key - if provided, Braintrust tracing will be enabled
BRAINTRUST_API_KEY = os.environ.get("BRAINTRUST_API_KEY") or ""
# Optional custom Braintrust API URL (self-hosted / non-default deployments)
BRAINTRUST_API_URL = os.environ.get("BRAINTRUST_API_URL") or ""
# Maximum concurrency for Braintrust evaluations
# None means unlimited concurrency, otherwise specify a number
_braintrust_concurrency = os.environ.get("BRAINTRUST_MAX_CONCURRENCY")
BRAINTRUST_MAX_CONCURRENCY = (
    int(_braintrust_concurrency) if _braintrust_concurrency else None
)

#####
# Scheduled Evals Configuration
#####
# Comma-separated list of Braintrust dataset names to run on schedule
SCHEDULED_EVAL_DATASET_NAMES = [
    name.strip()
    for name in os.environ.get("SCHEDULED_EVAL_DATASET_NAMES", "").split(",")
    if name.strip()
]
# Email address to use for search permissions during scheduled evals
SCHEDULED_EVAL_PERMISSIONS_EMAIL = os.environ.get(
    "SCHEDULED_EVAL_PERMISSIONS_EMAIL", "roshan@onyx.app"
)
# Braintrust project name to use for scheduled evals
SCHEDULED_EVAL_PROJECT = os.environ.get("SCHEDULED_EVAL_PROJECT", "st-dev")

#####
# Langfuse Configuration
#####
# Langfuse API credentials - if provided, Langfuse tracing will be enabled
LANGFUSE_SECRET_KEY = os.environ.get("LANGFUSE_SECRET_KEY") or ""
LANGFUSE_PUBLIC_KEY = os.environ.get("LANGFUSE_PUBLIC_KEY") or ""
LANGFUSE_HOST = os.environ.get("LANGFUSE_HOST") or ""  # For self-hosted Langfuse

# Per-process cache TTL for the resolved tracing config; bounds how quickly a UI
# connect/disconnect takes effect (no restart needed).
TRACING_CONFIG_CACHE_TTL_SECONDS = float(
    os.environ.get("TRACING_CONFIG_CACHE_TTL_SECONDS") or "30"
)

#####
# Per-user usage/cost tracking
#####
# Records every priced generation span into the per-user usage ledger. On by
# default; set to "false" to drop the recording processor entirely.
USER_USAGE_TRACKING_ENABLED = (
    os.environ.get("USER_USAGE_TRACKING_ENABLED", "true").lower() != "false"
)

# Defined custom query/answer conditions to validate the query and the LLM answer.
# Format: list of strings
CUSTOM_ANSWER_VALIDITY_CONDITIONS = json.loads(
    os.environ.get("CUSTOM_ANSWER_VALIDITY_CONDITIONS", "[]")
)

VESPA_REQUEST_TIMEOUT = int(os.environ.get("VESPA_REQUEST_TIMEOUT") or "15")
# This is the timeout for the client side of the Vespa migration task. When
# exceeded, an exception is raised in our code. This value should be higher than
# VESPA_MIGRATION_SERVER_SIDE_REQUEST_TIMEOUT.
VESPA_MIGRATION_REQUEST_TIMEOUT_S = int(
    os.environ.get("VESPA_MIGRATION_REQUEST_TIMEOUT_S") or "120"
)
# This is the timeout Vespa uses on the server side to know when to wrap up its
# traversal and try to report partial results. This differs from the client
# timeout above which raises an exception in our code when exceeded. This
# timeout allows Vespa to return gracefully. This value should be lower than
# VESPA_MIGRATION_REQUEST_TIMEOUT_S. Formatted as <number of seconds>s.
VESPA_MIGRATION_SERVER_SIDE_REQUEST_TIMEOUT = os.environ.get(
    "VESPA_MIGRATION_SERVER_SIDE_REQUEST_TIMEOUT", "110s"
)

SYSTEM_RECURSION_LIMIT = int(os.environ.get("SYSTEM_RECURSION_LIMIT") or "1000")

# Size of the api-server anyio threadpool that runs sync endpoints, including the
# streaming chat generator (each long request holds one thread for its duration).
# 0 keeps the anyio default (40). Set via the api.threadpoolSize Helm value.
API_SERVER_THREADPOOL_SIZE = int(os.environ.get("ONYX_API_THREADPOOL_SIZE") or "0")

PARSE_WITH_TRAFILATURA = os.environ.get("PARSE_WITH_TRAFILATURA", "").lower() == "true"

# allow for custom error messages for different errors returned by litellm
# for example, can specify: {"Violated content safety policy": "EVIL REQUEST!!!"}
# to make it so that if an LLM call returns an error containing "Violated content safety policy"
# the end user will see "EVIL REQUEST!!!" instead of the default error message.
_LITELLM_CUSTOM_ERROR_MESSAGE_MAPPINGS = os.environ.get(
    "LITELLM_CUSTOM_ERROR_MESSAGE_MAPPINGS", ""
)
LITELLM_CUSTOM_ERROR_MESSAGE_MAPPINGS: dict[str, str] | None = None
try:
    LITELLM_CUSTOM_ERROR_MESSAGE_MAPPINGS = cast(
        dict[str, str], json.loads(_LITELLM_CUSTOM_ERROR_MESSAGE_MAPPINGS)
    )
except json.JSONDecodeError:
    pass

# Auto LLM Configuration - fetches model configs from GitHub for providers in Auto mode
AUTO_LLM_CONFIG_URL = os.environ.get(
    "AUTO_LLM_CONFIG_URL",
    "https://raw.githubusercontent.com/onyx-dot-app/onyx/main/backend/onyx/llm/well_known_providers/recommended-models.json",
)

# How often to check for auto LLM model updates (in seconds)
AUTO_LLM_UPDATE_INTERVAL_SECONDS = int(
    os.environ.get("AUTO_LLM_UPDATE_INTERVAL_SECONDS", 1800)  # 30 minutes
)

#####
# Enterprise Edition Configs
#####
# NOTE: this should only be enabled if you have purchased an enterprise license.
# if you're interested in an enterprise license, please reach out to us at
# founders@onyx.app OR message Chris Weaver or Yuhong Sun in the Onyx
# Discord community https://discord.gg/4NA5SbzrWb
ENTERPRISE_EDITION_ENABLED = (
    os.environ.get("ENABLE_PAID_ENTERPRISE_EDITION_FEATURES", "").lower() == "true"
)

#####
# Image Generation Configuration (DEPRECATED)
# These environment variables will be deprecated soon.
# To configure image generation, please visit the Image Generation page in the Admin Panel.
#####
# Azure Image Configurations
AZURE_IMAGE_API_VERSION = os.environ.get("AZURE_IMAGE_API_VERSION")
AZURE_IMAGE_API_KEY = os.environ.get("AZURE_IMAGE_API_KEY")
AZURE_IMAGE_API_BASE = os.environ.get("AZURE_IMAGE_API_BASE")
AZURE_IMAGE_DEPLOYMENT_NAME = os.environ.get("AZURE_IMAGE_DEPLOYMENT_NAME")

# configurable image model
IMAGE_MODEL_NAME = os.environ.get("IMAGE_MODEL_NAME", "gpt-image-1")
IMAGE_MODEL_PROVIDER = os.environ.get("IMAGE_MODEL_PROVIDER", "openai")

# Use managed Vespa (Vespa Cloud). If set, must also set VESPA_CLOUD_URL, VESPA_CLOUD_CERT_PATH and VESPA_CLOUD_KEY_PATH
MANAGED_VESPA = os.environ.get("MANAGED_VESPA", "").lower() == "true"

ENABLE_EMAIL_INVITES = os.environ.get("ENABLE_EMAIL_INVITES", "").lower() == "true"

# When true, GET /users is restricted to callers with READ_USERS so non-admins
# cannot enumerate the tenant directory. Off by default to preserve sharing UX.
USER_DIRECTORY_ADMIN_ONLY = (
    os.environ.get("USER_DIRECTORY_ADMIN_ONLY", "").lower() == "true"
)

# Limit on number of users a free trial tenant can invite (cloud only)
NUM_FREE_TRIAL_USER_INVITES = int(os.environ.get("NUM_FREE_TRIAL_USER_INVITES", "10"))

# Security and authentication
DATA_PLANE_SECRET = os.environ.get(
    "DATA_PLANE_SECRET", ""
)  # Used for secure communication between the control and data plane
EXPECTED_API_KEY = os.environ.get(
    "EXPECTED_API_KEY", ""
)  # Additional security check for the control plane API

# API configuration
CONTROL_PLANE_API_BASE_URL = os.environ.get(
    "CONTROL_PLANE_API_BASE_URL", "http://localhost:8082"
)

OAUTH_SLACK_CLIENT_ID = os.environ.get("OAUTH_SLACK_CLIENT_ID", "")
OAUTH_SLACK_CLIENT_SECRET = os.environ.get("OAUTH_SLACK_CLIENT_SECRET", "")
OAUTH_CONFLUENCE_CLOUD_CLIENT_ID = os.environ.get(
    "OAUTH_CONFLUENCE_CLOUD_CLIENT_ID", ""
)
OAUTH_CONFLUENCE_CLOUD_CLIENT_SECRET = os.environ.get(
    "OAUTH_CONFLUENCE_CLOUD_CLIENT_SECRET", ""
)
OAUTH_GOOGLE_DRIVE_CLIENT_ID = os.environ.get("OAUTH_GOOGLE_DRIVE_CLIENT_ID", "")
OAUTH_GOOGLE_DRIVE_CLIENT_SECRET = os.environ.get(
    "OAUTH_GOOGLE_DRIVE_CLIENT_SECRET", ""
)

# JWT configuration
JWT_ALGORITHM = "HS256"

#####
# API Key Configs
#####
# refers to the rounds described here: https://passlib.readthedocs.io/en/stable/lib/passlib.hash.sha256_crypt.html
_API_KEY_HASH_ROUNDS_RAW = os.environ.get("API_KEY_HASH_ROUNDS")
API_KEY_HASH_ROUNDS = (
    int(_API_KEY_HASH_ROUNDS_RAW) if _API_KEY_HASH_ROUNDS_RAW else None
)

#####
# MCP Server Configs
#####
MCP_SERVER_ENABLED = os.environ.get("MCP_SERVER_ENABLED", "").lower() == "true"
MCP_SERVER_HOST = os.environ.get("MCP_SERVER_HOST", "0.0.0.0")  # noqa: S104 — server bind address; intentional default for containerized deployment
MCP_SERVER_PORT = int(os.environ.get("MCP_SERVER_PORT") or 8090)

# CORS origins for MCP clients (comma-separated)
# Local dev: "http://localhost:*"
# Production: "https://trusted-client.com,https://another-client.com"
MCP_SERVER_CORS_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("MCP_SERVER_CORS_ORIGINS", "").split(",")
    if origin.strip()
]


POD_NAME = os.environ.get("POD_NAME")
POD_NAMESPACE = os.environ.get("POD_NAMESPACE")


DEV_MODE = os.environ.get("DEV_MODE", "").lower() == "true"


INTEGRATION_TESTS_MODE = os.environ.get("INTEGRATION_TESTS_MODE", "").lower() == "true"

#####
# Captcha Configuration (for cloud signup protection)
#####
# Enable captcha verification for new user registration
CAPTCHA_ENABLED = os.environ.get("CAPTCHA_ENABLED", "").lower() == "true"

RECAPTCHA_ENTERPRISE_PROJECT_ID = os.environ.get("RECAPTCHA_ENTERPRISE_PROJECT_ID", "")
RECAPTCHA_ENTERPRISE_API_KEY = os.environ.get("RECAPTCHA_ENTERPRISE_API_KEY", "")
RECAPTCHA_SITE_KEY = os.environ.get("RECAPTCHA_SITE_KEY", "")
RECAPTCHA_HOSTNAME_ALLOWLIST = frozenset(
    h.strip()
    for h in os.environ.get("RECAPTCHA_HOSTNAME_ALLOWLIST", "").split(",")
    if h.strip()
)
RECAPTCHA_SCORE_THRESHOLD = float(os.environ.get("RECAPTCHA_SCORE_THRESHOLD", "0.5"))

# Shared secret for automated health-check clients (e.g. BetterStack Playwright)
# to bypass login captcha. Empty value = bypass disabled (fail-closed). Sent by
# the client as the `X-Healthcheck-Token` header and compared constant-time.
HEALTH_CHECK_BYPASS_TOKEN = os.environ.get("HEALTH_CHECK_BYPASS_TOKEN", "")

# Opt-in per-IP rate limit on /auth/register.
SIGNUP_RATE_LIMIT_ENABLED = (
    os.environ.get("SIGNUP_RATE_LIMIT_ENABLED", "").lower() == "true"
)

MOCK_CONNECTOR_FILE_PATH = os.environ.get("MOCK_CONNECTOR_FILE_PATH")

# Set to true to mock LLM responses for testing purposes
MOCK_LLM_RESPONSE = (
    os.environ.get("MOCK_LLM_RESPONSE") if os.environ.get("MOCK_LLM_RESPONSE") else None
)


DEFAULT_IMAGE_ANALYSIS_MAX_SIZE_MB = 20

# Number of pre-provisioned tenants to maintain
TARGET_AVAILABLE_TENANTS = int(os.environ.get("TARGET_AVAILABLE_TENANTS", "5"))

# Master switch for the tenant work-gating feature. Controls the `enabled`
# axis only — flipping this True puts the feature in shadow mode (compute
# the gate, log skip counts, but do not actually skip). The `enforce` axis
# is Redis-only with a hard-coded default of False, so this env flag alone
# cannot cause real tenants to be skipped. Default off.
ENABLE_TENANT_WORK_GATING = (
    os.environ.get("ENABLE_TENANT_WORK_GATING", "").lower() == "true"
)

# Membership TTL for the `active_tenants` sorted set. Members older than this
# are treated as inactive by the gate read path. Must be > the full-fanout
# interval so self-healing re-adds a genuinely-working tenant before their
# membership expires. Default 30 min.
TENANT_WORK_GATING_TTL_SECONDS = int(
    os.environ.get("TENANT_WORK_GATING_TTL_SECONDS", 30 * 60)
)

# Minimum wall-clock interval between full-fanout cycles. When this many
# seconds have elapsed since the last bypass, the generator ignores the gate
# on the next invocation and dispatches to every non-gated tenant, letting
# consumers re-populate the active set. Schedule-independent so beat drift
# or backlog can't make the self-heal bursty or sparse. Default 20 min.
TENANT_WORK_GATING_FULL_FANOUT_INTERVAL_SECONDS = int(
    os.environ.get("TENANT_WORK_GATING_FULL_FANOUT_INTERVAL_SECONDS", 20 * 60)
)


# Image summarization configuration
IMAGE_SUMMARIZATION_SYSTEM_PROMPT = os.environ.get(
    "IMAGE_SUMMARIZATION_SYSTEM_PROMPT",
    DEFAULT_IMAGE_SUMMARIZATION_SYSTEM_PROMPT,
)

# The user prompt for image summarization - the image filename will be automatically prepended
IMAGE_SUMMARIZATION_USER_PROMPT = os.environ.get(
    "IMAGE_SUMMARIZATION_USER_PROMPT",
    DEFAULT_IMAGE_SUMMARIZATION_USER_PROMPT,
)

# Knowledge Graph Read Only User Configuration
DB_READONLY_USER: str = os.environ.get("DB_READONLY_USER", "db_readonly_user")
DB_READONLY_PASSWORD: str = urllib.parse.quote_plus(
    os.environ.get("DB_READONLY_PASSWORD") or "password"
)

# File Store Configuration
# Which backend to use for file storage: "s3" (S3/MinIO) or "postgres" (PostgreSQL Large Objects)
FILE_STORE_BACKEND = os.environ.get("FILE_STORE_BACKEND", "s3")

S3_FILE_STORE_BUCKET_NAME = (
    os.environ.get("S3_FILE_STORE_BUCKET_NAME") or "onyx-file-store-bucket"
)
S3_FILE_STORE_PREFIX = os.environ.get("S3_FILE_STORE_PREFIX") or "onyx-files"
# S3_ENDPOINT_URL is for MinIO and other S3-compatible storage. Leave blank for AWS S3.
S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")
S3_VERIFY_SSL = os.environ.get("S3_VERIFY_SSL", "").lower() == "true"

# S3/MinIO Access Keys
S3_AWS_ACCESS_KEY_ID = os.environ.get("S3_AWS_ACCESS_KEY_ID")
S3_AWS_SECRET_ACCESS_KEY = os.environ.get("S3_AWS_SECRET_ACCESS_KEY")

# Well-known MinIO default; deployments left on it expose all stored files.
DEFAULT_OBJECT_STORAGE_CREDENTIAL = "minioadmin"


def _uses_default_object_storage_credentials(
    s3_endpoint_url: str | None,
    access_key: str | None,
    secret_key: str | None,
) -> bool:
    # Only for self-hosted MinIO (has an endpoint URL); real AWS S3 has none.
    if not s3_endpoint_url:
        return False
    return DEFAULT_OBJECT_STORAGE_CREDENTIAL in (access_key, secret_key)


if _uses_default_object_storage_credentials(
    S3_ENDPOINT_URL, S3_AWS_ACCESS_KEY_ID, S3_AWS_SECRET_ACCESS_KEY
):
    logger.warning(
        "Object storage is using the well-known default 'minioadmin' credentials. "
        "Anyone who can reach the MinIO/S3 endpoint can read or modify stored files "
        "(uploaded documents, file-store objects). Set S3_AWS_ACCESS_KEY_ID / "
        "S3_AWS_SECRET_ACCESS_KEY (and MINIO_ROOT_USER / MINIO_ROOT_PASSWORD) to "
        "strong, unique values before deploying to production."
    )

# Should we force S3 local checksumming
S3_GENERATE_LOCAL_CHECKSUM = (
    os.environ.get("S3_GENERATE_LOCAL_CHECKSUM", "").lower() == "true"
)

# GCS (Google Cloud Storage) Configuration
GCS_FILE_STORE_BUCKET_NAME = os.environ.get("GCS_FILE_STORE_BUCKET_NAME") or None
GCS_FILE_STORE_PREFIX = os.environ.get("GCS_FILE_STORE_PREFIX") or "onyx-files"
GCS_PROJECT_ID = os.environ.get("GCS_PROJECT_ID") or None
# Path to a service account JSON key file. When empty/unset, Application Default
# Credentials (ADC) are used — supports GKE Workload Identity, Compute Engine
# metadata service, and local `gcloud auth application-default login`.
GCS_SERVICE_ACCOUNT_KEY_PATH = os.environ.get("GCS_SERVICE_ACCOUNT_KEY_PATH") or None
# Service account key as inline JSON string (alternative to file path).
GCS_SERVICE_ACCOUNT_KEY_JSON = os.environ.get("GCS_SERVICE_ACCOUNT_KEY_JSON") or None

# Azure Blob Storage Configuration
AZURE_FILE_STORE_CONTAINER_NAME = (
    os.environ.get("AZURE_FILE_STORE_CONTAINER_NAME") or None
)
AZURE_FILE_STORE_PREFIX = os.environ.get("AZURE_FILE_STORE_PREFIX") or "onyx-files"
AZURE_STORAGE_ACCOUNT_NAME = os.environ.get("AZURE_STORAGE_ACCOUNT_NAME") or None
# Full blob endpoint URL. When unset, derived from the account name as
# https://<account>.blob.core.windows.net. Set explicitly for Azurite or
# sovereign clouds (e.g. *.blob.core.usgovcloudapi.net).
AZURE_STORAGE_ACCOUNT_URL = os.environ.get("AZURE_STORAGE_ACCOUNT_URL") or None
# Authentication (priority order): connection string, then account key, then
# DefaultAzureCredential — supports AKS Workload Identity, managed identity,
# and local `az login`.
AZURE_STORAGE_CONNECTION_STRING = (
    os.environ.get("AZURE_STORAGE_CONNECTION_STRING") or None
)
AZURE_STORAGE_ACCOUNT_KEY = os.environ.get("AZURE_STORAGE_ACCOUNT_KEY") or None

# Forcing Vespa Language
# English: en, German:de, etc. See: https://docs.vespa.ai/en/linguistics.html
VESPA_LANGUAGE_OVERRIDE = os.environ.get("VESPA_LANGUAGE_OVERRIDE")


#####
# Default LLM API Keys (for cloud deployments)
# These are Onyx-managed API keys provided to tenants by default
#####
OPENAI_DEFAULT_API_KEY = os.environ.get("OPENAI_DEFAULT_API_KEY")
ANTHROPIC_DEFAULT_API_KEY = os.environ.get("ANTHROPIC_DEFAULT_API_KEY")
COHERE_DEFAULT_API_KEY = os.environ.get("COHERE_DEFAULT_API_KEY")
VERTEXAI_DEFAULT_CREDENTIALS = os.environ.get("VERTEXAI_DEFAULT_CREDENTIALS")
VERTEXAI_DEFAULT_LOCATION = os.environ.get("VERTEXAI_DEFAULT_LOCATION", "global")
OPENROUTER_DEFAULT_API_KEY = os.environ.get("OPENROUTER_DEFAULT_API_KEY")
# Whether tenant provisioning auto-creates LLMProvider rows seeded with the
# *_DEFAULT_API_KEY env vars above. Defaults to True so self-hosted
# deployments keep the existing behavior. Cloud sets this to False to
# require new tenants to bring their own LLM keys.
AUTO_PROVISION_DEFAULT_LLM_PROVIDERS = (
    os.environ.get("AUTO_PROVISION_DEFAULT_LLM_PROVIDERS", "true").lower() == "true"
)

# Auto-create Onyx-managed built-in external app rows (disabled, Onyx-owned creds)
# per tenant. Default False; set True on cloud so tenants can enable built-ins
# without registering their own OAuth app.
AUTO_PROVISION_DEFAULT_EXTERNAL_APPS = (
    os.environ.get("AUTO_PROVISION_DEFAULT_EXTERNAL_APPS", "false").lower() == "true"
)

# Onyx-owned OAuth credentials for built-in external apps (managed cloud)
EXT_APP_SLACK_CLIENT_ID = os.environ.get("EXT_APP_SLACK_CLIENT_ID", "")
EXT_APP_SLACK_CLIENT_SECRET = os.environ.get("EXT_APP_SLACK_CLIENT_SECRET", "")
EXT_APP_GMAIL_CLIENT_ID = os.environ.get("EXT_APP_GMAIL_CLIENT_ID", "")
EXT_APP_GMAIL_CLIENT_SECRET = os.environ.get("EXT_APP_GMAIL_CLIENT_SECRET", "")
EXT_APP_GOOGLE_CALENDAR_CLIENT_ID = os.environ.get(
    "EXT_APP_GOOGLE_CALENDAR_CLIENT_ID", ""
)
EXT_APP_GOOGLE_CALENDAR_CLIENT_SECRET = os.environ.get(
    "EXT_APP_GOOGLE_CALENDAR_CLIENT_SECRET", ""
)
EXT_APP_GOOGLE_DRIVE_CLIENT_ID = os.environ.get("EXT_APP_GOOGLE_DRIVE_CLIENT_ID", "")
EXT_APP_GOOGLE_DRIVE_CLIENT_SECRET = os.environ.get(
    "EXT_APP_GOOGLE_DRIVE_CLIENT_SECRET", ""
)
EXT_APP_LINEAR_CLIENT_ID = os.environ.get("EXT_APP_LINEAR_CLIENT_ID", "")
EXT_APP_LINEAR_CLIENT_SECRET = os.environ.get("EXT_APP_LINEAR_CLIENT_SECRET", "")
EXT_APP_GITHUB_CLIENT_ID = os.environ.get("EXT_APP_GITHUB_CLIENT_ID", "")
EXT_APP_GITHUB_CLIENT_SECRET = os.environ.get("EXT_APP_GITHUB_CLIENT_SECRET", "")
EXT_APP_HUBSPOT_CLIENT_ID = os.environ.get("EXT_APP_HUBSPOT_CLIENT_ID", "")
EXT_APP_HUBSPOT_CLIENT_SECRET = os.environ.get("EXT_APP_HUBSPOT_CLIENT_SECRET", "")
EXT_APP_NOTION_CLIENT_ID = os.environ.get("EXT_APP_NOTION_CLIENT_ID", "")
EXT_APP_NOTION_CLIENT_SECRET = os.environ.get("EXT_APP_NOTION_CLIENT_SECRET", "")

INSTANCE_TYPE = (
    "managed"
    if os.environ.get("IS_MANAGED_INSTANCE", "").lower() == "true"
    else "cloud"
    if MULTI_TENANT
    else "self_hosted"
)


## Discord Bot Configuration
DISCORD_BOT_TOKEN = os.environ.get("DISCORD_BOT_TOKEN")
DISCORD_BOT_INVOKE_CHAR = os.environ.get("DISCORD_BOT_INVOKE_CHAR", "!")


## Stripe Configuration
# URL to fetch the Stripe publishable key from a public S3 bucket.
# Publishable keys are safe to expose publicly - they can only initialize
# Stripe.js and tokenize payment info, not make charges or access data.
STRIPE_PUBLISHABLE_KEY_URL = (
    "https://onyx-stripe-public.s3.amazonaws.com/publishable-key.txt"
)
# Override for local testing with Stripe test keys (pk_test_*)
STRIPE_PUBLISHABLE_KEY_OVERRIDE = os.environ.get("STRIPE_PUBLISHABLE_KEY")
