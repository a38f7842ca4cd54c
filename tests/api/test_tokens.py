"""Bearer tokens: our JWTs, an OpenID Connect provider's (a real key set served on loopback), and machine tokens."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.errors import WeakSecretError
from api.oidc import OidcConfig, OidcVerifier, role_map_of
from api.security import Principal, Role
from api.tokens import AUDIENCE, ISSUER, TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore

SECRET = "k" * 40
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PASSWORD = "a-long-enough-password"
OIDC_ISSUER = "https://login.microsoftonline.com/0000-tenant/v2.0"
OIDC_AUDIENCE = "api://officewell"


# --- our own tokens --------------------------------------------------------------------------------------


def test_tokens_round_trip_as_standard_jwts():
    signer = TokenSigner("s" * 32, lifetime_s=60)
    token = signer.issue(Principal("anna", Role.HR), now=1000, stamp="abc")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "HS256"
    assert {k: claims[k] for k in ("iss", "aud", "sub", "role", "stp", "iat", "exp")} == {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "anna",
        "role": "hr",
        "stp": "abc",
        "iat": 1000,
        "exp": 1060,
    }
    assert signer.verify(token, now=1010) == Principal("anna", Role.HR)
    assert signer.verify(token, now=1010).stamp == "abc"


def test_expired_tampered_and_foreign_tokens_are_refused():
    signer = TokenSigner("s" * 32, lifetime_s=60)
    token = signer.issue(Principal("anna", Role.HR), now=1000)
    assert signer.verify(token, now=1060) is None  # expired
    header, _payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False}) | {"role": "admin"}
    forged = jwt.encode(claims, "s" * 32 + "x", algorithm="HS256").split(".")[1]
    assert signer.verify(f"{header}.{forged}.{signature}", now=1010) is None  # payload changed
    assert TokenSigner("t" * 32).verify(token, now=1010) is None  # another server's secret
    assert signer.verify("abc.é", now=1010) is None
    assert signer.verify("é.é.é", now=1010) is None


def test_alg_none_is_refused():
    signer = TokenSigner("s" * 32)
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "anna", "role": "admin", "iat": 1000, "exp": 2**40}
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert signer.verify(unsigned, now=1010) is None
    # By hand too, with an empty signature, in case a library encoded it differently.
    header = jwt.utils.base64url_encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).decode()
    body = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    assert signer.verify(f"{header}.{body}.", now=1010) is None


def test_an_rs256_token_is_refused_on_the_hs256_path():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "anna", "role": "admin", "iat": 1000, "exp": 2**40}
    assert TokenSigner("s" * 32).verify(jwt.encode(claims, key, algorithm="RS256"), now=1010) is None


def test_short_secrets_are_refused():
    with pytest.raises(WeakSecretError, match="at least 32"):
        TokenSigner("short")


# --- an OpenID Connect provider on loopback ----------------------------------------------------------------


class KeySet:
    """An RSA and an EC signing key, served as a JWKS by a real HTTP server."""

    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.requests = 0
        keys = []
        for kid, key, algorithm in (("rsa-1", self.rsa, "RS256"), ("ec-1", self.ec, "ES256")):
            jwk = json.loads(jwt.get_algorithm_by_name(algorithm).to_jwk(key.public_key()))
            keys.append(jwk | {"kid": kid, "use": "sig", "alg": algorithm})
        self.body = json.dumps({"keys": keys}).encode()

    def token(self, *, kid: str = "rsa-1", algorithm: str = "RS256", key: object = None, **claims: object) -> str:
        """A token of the provider: Entra ID's claims unless overridden."""
        now = int(time.time())
        base = {
            "iss": OIDC_ISSUER,
            "aud": OIDC_AUDIENCE,
            "preferred_username": "anna@kommun.se",
            "roles": ["Officewell.HR"],
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
        }
        signing = key if key is not None else (self.ec if kid.startswith("ec") else self.rsa)
        return jwt.encode(base | claims, signing, algorithm=algorithm, headers={"kid": kid})


@pytest.fixture(scope="module")
def keyset() -> Iterator[tuple[KeySet, str]]:
    keys = KeySet()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            keys.requests += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(keys.body)))
            self.end_headers()
            self.wfile.write(keys.body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield keys, f"http://127.0.0.1:{server.server_address[1]}/discovery/v2.0/keys"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def verifier(keyset) -> OidcVerifier:
    _keys, url = keyset
    role_map = role_map_of({"Officewell.HR": "hr", "Officewell.Manager": "manager", "Officewell.Admin": "admin"})
    return OidcVerifier(OidcConfig(OIDC_ISSUER, OIDC_AUDIENCE, url, role_map=role_map))


def test_a_provider_token_maps_to_its_user_and_role(keyset, verifier):
    keys, _url = keyset
    principal = verifier.verify(keys.token())
    assert principal == Principal("anna@kommun.se", Role.HR)
    assert principal.via == "oidc"
    assert verifier.verify(keys.token(kid="ec-1", algorithm="ES256", roles="Officewell.Manager")).role is Role.MANAGER


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"iss": "https://login.microsoftonline.com/another-tenant/v2.0"}, "wrong issuer"),
        ({"aud": "api://someone-else"}, "wrong audience"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired"),
        ({"nbf": int(time.time()) + 3600}, "not yet valid"),
        ({"roles": ["Officewell.Unknown"]}, "no role maps"),
        ({"roles": ["Officewell.HR", "Officewell.Admin"]}, "two roles map"),
        ({"roles": None}, "no role claim"),
        ({"preferred_username": None}, "no username"),
    ],
)
def test_provider_tokens_that_must_not_pass(keyset, verifier, claims, why):
    keys, _url = keyset
    assert verifier.verify(keys.token(**claims)) is None, why


def test_a_token_signed_by_another_key_or_algorithm_is_refused(keyset, verifier):
    keys, _url = keyset
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert verifier.verify(keys.token(key=stranger)) is None  # the kid is the provider's, the signature not
    assert verifier.verify(keys.token(kid="rsa-404")) is None  # a key the provider never published
    # HS/RS confusion: the provider's public key used as an HMAC secret.
    public_pem = keys.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = jwt.decode(keys.token(), options={"verify_signature": False})
    header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}).encode())
    body = jwt.utils.base64url_encode(json.dumps(claims).encode())
    import hashlib
    import hmac

    signature = jwt.utils.base64url_encode(hmac.new(public_pem, header + b"." + body, hashlib.sha256).digest())
    assert verifier.verify((header + b"." + body + b"." + signature).decode()) is None
    none = jwt.encode(claims, None, algorithm="none", headers={"kid": "rsa-1"})
    assert verifier.verify(none) is None


def test_an_unknown_role_in_the_settings_map_is_named():
    with pytest.raises(ValueError, match=r"'Officewell\.Boss' maps to unknown role 'boss'"):
        role_map_of({"Officewell.Boss": "boss"})


# --- through the API: every kind of bearer on one validation path ------------------------------------------


@pytest.fixture
def api(example_site, verifier) -> tuple[TestClient, Services]:
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, PASSWORD)
    services = Services(
        example_site,
        MemoryReadingStore(),
        MemoryDeadLetterLog(),
        users,
        TokenSigner(SECRET),
        oidc=verifier,
        now=lambda: NOW,
    )
    return TestClient(create_app(services)), services


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: TestClient, role: Role, password: str = PASSWORD) -> str:
    answer = client.post("/api/v1/auth/token", data={"username": role.value, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_the_api_takes_a_provider_token_and_applies_its_role(api, keyset):
    client, _services = api
    keys, _url = keyset
    me = client.get("/api/v1/me", headers=bearer(keys.token()))
    assert me.status_code == 200
    assert me.json()["username"] == "anna@kommun.se"
    assert me.json()["role"] == "hr"
    assert client.get("/api/v1/dead-letters", headers=bearer(keys.token())).status_code == 403
    wrong = keys.token(aud="api://someone-else")
    assert client.get("/api/v1/me", headers=bearer(wrong)).status_code == 401


def test_a_token_ends_when_the_role_is_taken_away_or_the_password_changes(api):
    client, services = api
    token = login(client, Role.MANAGER)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    services.users.set_role("manager", Role.FACILITIES)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    services.users.set_role("manager", Role.MANAGER)  # given back: the old token stays dead
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    token = login(client, Role.MANAGER)
    services.users.add("manager", Role.MANAGER, "a brand new long password")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    services.users.remove("manager")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_an_expired_token_is_a_401_with_www_authenticate(api, example_site):
    client, services = api
    old = services.tokens.issue(
        Principal("hr", Role.HR), now=time.time() - 9 * 3600, stamp=services.users.stamp_of("hr")
    )
    answer = client.get("/api/v1/me", headers=bearer(old))
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_machine_tokens_are_shown_once_listed_without_secret_and_revoked(api):
    client, services = api
    admin = bearer(login(client, Role.ADMIN))
    made = client.post("/api/v1/tokens", headers=admin, json={"name": "nightly HR import", "role": "admin"})
    assert made.status_code == 201, made.text
    assert made.headers["Cache-Control"] == "no-store"
    secret = made.json()["token"]
    assert secret.startswith("owt_")
    me = client.get("/api/v1/me", headers=bearer(secret)).json()
    assert me["username"] == "token:nightly HR import"
    assert me["role"] == "admin"
    listed = client.get("/api/v1/tokens", headers=admin).json()
    assert listed["total"] == 1
    assert "token" not in listed["items"][0]
    # The secret part is everything after owt_<12 hex>_ (it may itself hold "_").
    secret_part = secret[len("owt_") + 12 + 1 :]
    assert len(secret_part) == 43
    assert secret_part not in json.dumps(listed)
    assert listed["items"][0]["active"] is True
    # Kept as a digest only.
    kept = services.users.tokens()[0]
    assert secret_part not in repr(kept)
    revoked = client.delete(f"/api/v1/tokens/{made.json()['id']}", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["active"] is False
    assert revoked.json()["revoked_by"] == "admin"
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert client.delete("/api/v1/tokens/0123456789ab", headers=admin).status_code == 404


def test_a_machine_token_acts_with_its_own_role_and_expires(api):
    client, services = api
    token, secret = services.users.create_token(
        "bi tool", Role.MANAGER, created_by="admin", now=NOW, expires_at=NOW + timedelta(days=30)
    )
    assert client.get("/api/v1/goals/nki", headers=bearer(secret)).status_code != 403
    assert client.get("/api/v1/dead-letters", headers=bearer(secret)).status_code == 403
    assert client.get("/api/v1/tokens", headers=bearer(secret)).status_code == 403
    assert services.users.token_principal(secret, NOW + timedelta(days=31)) is None
    almost = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert client.get("/api/v1/me", headers=bearer(almost)).status_code == 401
    assert token.id in secret


def test_only_admin_manages_tokens_and_users(api):
    client, _services = api
    for role in (Role.FACILITIES, Role.HR, Role.MANAGER):
        headers = bearer(login(client, role))
        assert client.post("/api/v1/tokens", headers=headers, json={"name": "x", "role": "admin"}).status_code == 403
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        assert (
            client.put("/api/v1/users/eve", headers=headers, json={"role": "admin", "password": "p" * 20}).status_code
            == 403
        )


def test_the_last_admin_cannot_be_removed_or_demoted(api):
    client, services = api
    admin = bearer(login(client, Role.ADMIN))
    demote = client.put("/api/v1/users/admin", headers=admin, json={"role": "hr"})
    assert demote.status_code == 409
    assert "no admin" in demote.json()["detail"]
    made = client.put("/api/v1/users/second", headers=admin, json={"role": "admin", "password": "p" * 20})
    assert made.status_code == 201
    assert client.delete("/api/v1/users/admin", headers=admin).status_code == 409  # oneself
    assert client.delete("/api/v1/users/second", headers=admin).status_code == 204
    assert services.users.role_of("admin") is Role.ADMIN
    # A machine token with the admin role cannot remove the last admin either.
    _token, secret = services.users.create_token("bot", Role.ADMIN, created_by="admin", now=NOW)
    assert client.delete("/api/v1/users/admin", headers=bearer(secret)).status_code == 409


def test_users_are_created_changed_and_removed_by_admin(api):
    client, services = api
    admin = bearer(login(client, Role.ADMIN))
    assert client.put("/api/v1/users/eve", headers=admin, json={"role": "hr"}).status_code == 422  # no password
    created = client.put("/api/v1/users/eve", headers=admin, json={"role": "hr", "password": "eve-long-password"})
    assert created.status_code == 201
    assert created.json() == {"username": "eve", "role": "hr"}
    eve = client.post("/api/v1/auth/token", data={"username": "eve", "password": "eve-long-password"}).json()
    assert eve["expires_in"] == services.tokens.lifetime_s
    changed = client.put("/api/v1/users/eve", headers=admin, json={"role": "manager"})
    assert changed.status_code == 200
    assert client.get("/api/v1/me", headers=bearer(eve["access_token"])).status_code == 401  # the role changed
    listed = client.get("/api/v1/users", headers=admin, params={"limit": 2, "offset": 1}).json()
    assert listed["total"] == 5
    assert [u["username"] for u in listed["items"]] == ["eve", "facilities"]
    assert "password_hash" not in str(listed)
    assert client.delete("/api/v1/users/eve", headers=admin).status_code == 204
    assert client.delete("/api/v1/users/eve", headers=admin).status_code == 404
    bad = client.put("/api/v1/users/eve%20smith", headers=admin, json={"role": "hr", "password": "p" * 20})
    assert bad.status_code == 422


def test_two_live_tokens_cannot_share_a_name(api):
    client, _services = api
    admin = bearer(login(client, Role.ADMIN))
    first = client.post("/api/v1/tokens", headers=admin, json={"name": "bi", "role": "manager"})
    assert first.status_code == 201
    again = client.post("/api/v1/tokens", headers=admin, json={"name": "bi", "role": "manager"})
    assert again.status_code == 422
    assert "revoke it first" in again.json()["detail"]
    client.delete(f"/api/v1/tokens/{first.json()['id']}", headers=admin)
    assert client.post("/api/v1/tokens", headers=admin, json={"name": "bi", "role": "manager"}).status_code == 201
    past = client.post(
        "/api/v1/tokens", headers=admin, json={"name": "x", "role": "hr", "expires_at": "2020-01-01T00:00:00Z"}
    )
    assert past.status_code == 422
