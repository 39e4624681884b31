//! The OpenID Connect provider end to end over real HTTP, driven by a relying-party library
//! that no one here wrote (the `openidconnect` crate): discovery, the code flow with PKCE,
//! ID-token validation against the JWKS, userinfo, refresh, logout — and every refusal the
//! issue lists. Runs on SQLite, or on PostgreSQL with `KEYRACK_TEST_DATABASE_URL`.
//!
//! Keyrack's public URL is `https://id.example.test`; the relying party's HTTP client reaches
//! it on the test server's loopback port, as DNS and a TLS proxy would in production, so the
//! issuer and every endpoint are checked exactly as configured. The browser is a cookie-keeping
//! HTTP client that does not follow redirects, so each step of the flow is seen.

#![expect(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests: a failed unwrap or check is a failed test")]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use keyrack_app::oidc::flow::Params;
use keyrack_app::{Clock, ManualClock};
use keyrack_testkit::{Tenant, TestApp};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, IdToken, IdTokenFields, IdTokenVerifier, IssuerUrl,
    LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl,
    ProviderMetadataWithLogout, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardErrorResponse,
    StandardTokenResponse, TokenResponse, UserInfoClaims,
};
use reqwest::header::{AUTHORIZATION, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

const PUBLIC: &str = "https://id.example.test";
const CALLBACK: &str = "https://app.example.test/callback";
const SIGNED_OUT: &str = "https://app.example.test/signed-out";
const PASSWORD: &str = "lantern orchard velvet 42 tide";

/// Keyrack's own claims, as an application declares them to its OpenID Connect library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct KeyrackClaims {
    kind: String,
    role: Option<String>,
    permissions: Vec<String>,
    branches: Value,
}

impl AdditionalClaims for KeyrackClaims {}

type IdFields = IdTokenFields<
    KeyrackClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<IdFields, CoreTokenType>;
type KeyrackIdToken = IdToken<KeyrackClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;
type RpClient = Client<
    KeyrackClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;
type TokenError = RequestTokenError<std::io::Error, StandardErrorResponse<CoreErrorResponseType>>;

/// The relying party's HTTP: Keyrack's public URL mapped to the test server.
#[derive(Clone)]
struct Loopback {
    client: reqwest::Client,
    base: String,
}

impl Loopback {
    fn local(&self, url: &str) -> String {
        url.replacen(PUBLIC, &self.base, 1)
    }

    async fn send(self, request: HttpRequest) -> Result<HttpResponse, std::io::Error> {
        let url = self.local(&request.uri().to_string());
        let mut req = self.client.request(request.method().clone(), url).body(request.body().clone());
        for (name, value) in request.headers() {
            req = req.header(name, value);
        }
        let res = req.send().await.map_err(std::io::Error::other)?;
        let (status, headers) = (res.status(), res.headers().clone());
        let mut out = HttpResponse::new(res.bytes().await.map_err(std::io::Error::other)?.to_vec());
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

/// A browser without JavaScript: keeps cookies, does not follow redirects.
struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { client, base: app.base.clone(), cookies: BTreeMap::new() }
    }

    /// An absolute URL at Keyrack's public address or a path, as the test server's URL.
    fn local(&self, url: &str) -> String {
        if url.starts_with('/') { format!("{}{url}", self.base) } else { url.replacen(PUBLIC, &self.base, 1) }
    }

    async fn send(&mut self, method: Method, url: &str, form: Option<&[(&str, &str)]>) -> Answer {
        let mut req = self.client.request(method, self.local(url));
        if !self.cookies.is_empty() {
            let header: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(COOKIE, header.join("; "));
        }
        if let Some(f) = form {
            req = req.form(f);
        }
        let res = req.send().await.unwrap();
        for set in res.headers().get_all(SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") || value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let location = res.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned());
        Answer { status: res.status(), location, body: res.text().await.unwrap() }
    }

    async fn get(&mut self, url: &str) -> Answer {
        self.send(Method::GET, url, None).await
    }

    /// Follows an authorization URL through the login page (signing in if needed) and answers
    /// where Keyrack finally sends the browser (the application's callback).
    async fn authorize(&mut self, auth_url: &str, slug: &str, username: &str) -> url::Url {
        let first = self.get(auth_url).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
        let mut to = first.location.unwrap();
        if to.starts_with(&format!("/t/{slug}/login")) {
            let login = self.get(&to).await;
            assert_eq!(login.status, StatusCode::OK);
            let next = query(&format!("{PUBLIC}{to}"), "next").unwrap();
            assert!(next.starts_with(&format!("/t/{slug}/oauth/authorize?")), "{next}");
            let csrf = self.cookies.iter().find(|(k, _)| k.ends_with("keyrack_csrf")).map(|(_, v)| v.clone()).unwrap();
            let fields = [("csrf", csrf.as_str()), ("username", username), ("password", PASSWORD), ("next", next.as_str())];
            let signed_in = self.send(Method::POST, &format!("/t/{slug}/login"), Some(&fields)).await;
            assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
            to = signed_in.location.unwrap();
            assert_eq!(to, next, "the login page returns to the authorization request");
            let back = self.get(&to).await;
            assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
            to = back.location.unwrap();
        }
        url::Url::parse(&to).unwrap()
    }
}

fn query(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// A tenant with an active staff member and a registered confidential client.
struct World {
    app: TestApp,
    tenant: Tenant,
    person_id: String,
    username: String,
    client_id: String,
    secret: String,
    http: Loopback,
}

impl World {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let tenant = app.tenant("zeven").await;
        let username = "els@example.com".to_owned();
        let person = app.active_person(&tenant, &username, PASSWORD).await;
        let (s, client) = app
            .post(
                "/api/v1/tenants/zeven/clients",
                &tenant.write_key,
                json!({"name": "Portal", "redirect_uris": [CALLBACK], "post_logout_redirect_uris": [SIGNED_OUT]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{client}");
        let http = Loopback { client: reqwest::Client::new(), base: app.base.clone() };
        Self {
            person_id: person["id"].as_str().unwrap().to_owned(),
            client_id: client["client_id"].as_str().unwrap().to_owned(),
            secret: client["client_secret"].as_str().unwrap().to_owned(),
            app,
            tenant,
            username,
            http,
        }
    }

    fn http(
        &self,
    ) -> impl Fn(HttpRequest) -> std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, std::io::Error>> + Send>> {
        let http = self.http.clone();
        move |req| Box::pin(http.clone().send(req))
    }

    async fn discover(&self, slug: &str) -> ProviderMetadataWithLogout {
        let issuer = IssuerUrl::new(format!("{PUBLIC}/t/{slug}")).unwrap();
        ProviderMetadataWithLogout::discover_async(issuer, &self.http()).await.expect("discovery")
    }

    /// The application's client: confidential with the secret, or without one.
    async fn rp(&self, secret: Option<&str>) -> RpClient {
        self.rp_for("zeven", &self.client_id, secret).await
    }

    async fn rp_for(&self, slug: &str, client_id: &str, secret: Option<&str>) -> RpClient {
        RpClient::from_provider_metadata(
            self.discover(slug).await,
            ClientId::new(client_id.to_owned()),
            secret.map(|s| ClientSecret::new(s.to_owned())),
        )
        .set_redirect_uri(RedirectUrl::new(CALLBACK.to_owned()).unwrap())
    }

    /// Verifies ID tokens at the test's time, not the machine's.
    fn verifier<'a>(&self, rp: &'a RpClient) -> IdTokenVerifier<'a, CoreJsonWebKey> {
        let clock: Arc<ManualClock> = self.app.clock.clone();
        rp.id_token_verifier().set_time_fn(move || chrono::DateTime::from_timestamp_millis(clock.now_ms()).unwrap())
    }

    /// Starts an authorization with PKCE and follows it through sign-in to the callback.
    async fn code(&self, rp: &RpClient, browser: &mut Browser) -> (String, PkceCodeVerifier, Nonce) {
        self.code_as(rp, browser, &self.username).await
    }

    /// [`Self::code`], signing in as someone else of the tenant if the browser is not yet.
    async fn code_as(&self, rp: &RpClient, browser: &mut Browser, username: &str) -> (String, PkceCodeVerifier, Nonce) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = rp
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        let callback = browser.authorize(url.as_str(), "zeven", username).await;
        assert_eq!(format!("{}://{}{}", callback.scheme(), callback.host_str().unwrap(), callback.path()), CALLBACK);
        assert_eq!(query(callback.as_str(), "state").as_deref(), Some(state.secret().as_str()), "state comes back");
        assert_eq!(query(callback.as_str(), "iss").as_deref(), Some(format!("{PUBLIC}/t/zeven").as_str()), "RFC 9207 iss");
        (query(callback.as_str(), "code").expect("a code"), verifier, nonce)
    }

    async fn exchange(&self, rp: &RpClient, code: &str, verifier: PkceCodeVerifier) -> Result<Tokens, TokenError> {
        rp.exchange_code(AuthorizationCode::new(code.to_owned()))
            .unwrap()
            .set_pkce_verifier(verifier)
            .request_async(&self.http())
            .await
    }

    async fn refresh(&self, rp: &RpClient, token: &RefreshToken) -> Result<Tokens, TokenError> {
        rp.exchange_refresh_token(token).unwrap().request_async(&self.http()).await
    }

    /// Signs in through the whole flow and answers the tokens and the nonce sent.
    async fn sign_in(&self, rp: &RpClient, browser: &mut Browser) -> (Tokens, Nonce) {
        self.sign_in_as(rp, browser, &self.username).await
    }

    async fn sign_in_as(&self, rp: &RpClient, browser: &mut Browser, username: &str) -> (Tokens, Nonce) {
        let (code, verifier, nonce) = self.code_as(rp, browser, username).await;
        (self.exchange(rp, &code, verifier).await.expect("code exchange"), nonce)
    }

    async fn userinfo(&self, token: &AccessToken) -> (StatusCode, String) {
        let res = self
            .http
            .client
            .get(format!("{}/t/zeven/oauth/userinfo", self.app.base))
            .header(AUTHORIZATION, format!("Bearer {}", token.secret()))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let challenge = res.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, if status == StatusCode::OK { res.text().await.unwrap() } else { challenge })
    }

    /// A token request as raw form fields, with HTTP Basic for this world's client.
    async fn token_raw(&self, slug: &str, fields: &[(&str, &str)], basic: Option<(&str, &str)>) -> (StatusCode, Value) {
        let mut req = self.http.client.post(format!("{}/t/{slug}/oauth/token", self.app.base)).form(fields);
        if let Some((id, secret)) = basic {
            req = req.basic_auth(id, Some(secret));
        }
        let res = req.send().await.unwrap();
        (res.status(), res.json().await.unwrap_or(Value::Null))
    }
}

fn invalid(result: Result<Tokens, TokenError>, expected: CoreErrorResponseType) {
    match result {
        Err(RequestTokenError::ServerResponse(e)) => assert_eq!(e.error(), &expected, "{e:?}"),
        Err(other) => panic!("expected {expected:?}, got {other:?}"),
        Ok(_) => panic!("expected {expected:?}, got tokens"),
    }
}

fn jwt_header(token: &str) -> Value {
    let part = token.split('.').next().unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[tokio::test]
async fn a_stock_relying_party_signs_a_person_in_and_reads_role_permissions_and_branches() {
    let w = World::new().await;
    let metadata = w.discover("zeven").await;
    assert_eq!(metadata.issuer().as_str(), "https://id.example.test/t/zeven");
    assert_eq!(
        metadata.additional_metadata().end_session_endpoint.as_ref().unwrap().as_str(),
        format!("{PUBLIC}/t/zeven/oauth/logout")
    );
    assert_eq!(metadata.jwks().keys().len(), 1, "discovery fetched the JWKS");
    let rp = w.rp(Some(&w.secret)).await;
    let mut browser = Browser::new(&w.app);

    let (tokens, nonce) = w.sign_in(&rp, &mut browser).await;
    let id_token = tokens.id_token().expect("an ID token");
    assert_eq!(jwt_header(&id_token.to_string())["alg"], "RS256");
    let claims = id_token.claims(&w.verifier(&rp), &nonce).expect("the ID token verifies against the JWKS");
    assert_eq!(claims.subject().as_str(), w.person_id);
    assert_eq!(claims.nonce().map(Nonce::secret), Some(nonce.secret()), "the nonce is in the ID token");
    assert_eq!(claims.issuer().as_str(), "https://id.example.test/t/zeven");
    assert_eq!(claims.email().map(|e| e.as_str()), Some("els@example.com"));
    assert_eq!(claims.name().and_then(|n| n.get(None)).map(|n| n.as_str()), Some("Test Person"));
    assert_eq!(claims.locale().map(|l| l.as_str()), Some("en"));
    assert_eq!(
        claims.additional_claims(),
        &KeyrackClaims {
            kind: "staff".into(),
            role: Some("staff".into()),
            permissions: vec!["appointments.own".into()],
            branches: json!("all")
        }
    );
    assert!(tokens.expires_in().is_some_and(|d| d.as_secs() == 600));

    // Userinfo answers the same claims for the access token.
    let info: UserInfoClaims<KeyrackClaims, CoreGenderClaim> = rp
        .user_info(tokens.access_token().clone(), Some(claims.subject().clone()))
        .unwrap()
        .request_async(&w.http())
        .await
        .expect("userinfo");
    assert_eq!(info.email().map(|e| e.as_str()), Some("els@example.com"));
    assert_eq!(info.additional_claims().role.as_deref(), Some("staff"));
    // An ID token is not an access token.
    let (s, challenge) = w.userinfo(&AccessToken::new(id_token.to_string())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(challenge.contains("invalid_token"), "{challenge}");

    // A role change shows in the next token.
    let (_, branch) = w.app.post("/api/v1/tenants/zeven/branches", &w.tenant.write_key, json!({"name": "North"})).await;
    let branch_id = branch["id"].as_str().unwrap().to_owned();
    let (s, res) = w
        .app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/zeven/people/{}/role", w.person_id),
            Some(&w.tenant.write_key),
            Some(json!({"role": "manager", "permissions": ["sales"], "branches": [branch_id]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{res}");
    w.app.clock.advance_ms(60_000);
    let first_refresh = tokens.refresh_token().unwrap().clone();
    let refreshed = w.refresh(&rp, &first_refresh).await.expect("refresh");
    let refreshed_claims = refreshed
        .id_token()
        .expect("a refreshed ID token")
        .claims(
            &w.verifier(&rp),
            |n: Option<&Nonce>| if n.is_none() { Ok(()) } else { Err("a refreshed ID token has no nonce".into()) },
        )
        .unwrap();
    let keyrack = refreshed_claims.additional_claims();
    assert_eq!(keyrack.role.as_deref(), Some("manager"));
    assert_eq!(keyrack.branches, json!([branch_id]));
    assert!(keyrack.permissions.contains(&"people.view".into()) && keyrack.permissions.contains(&"sales".into()), "{keyrack:?}");
    assert_eq!(refreshed_claims.auth_time(), claims.auth_time(), "auth_time stays the sign-in's");
    let second_refresh = refreshed.refresh_token().unwrap().clone();
    assert_ne!(second_refresh.secret(), first_refresh.secret(), "refresh tokens rotate");

    // The rotated-out token, presented again, ends the whole family.
    invalid(w.refresh(&rp, &first_refresh).await, CoreErrorResponseType::InvalidGrant);
    invalid(w.refresh(&rp, &second_refresh).await, CoreErrorResponseType::InvalidGrant);
    assert_eq!(w.userinfo(refreshed.access_token()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(w.app.count("audit_events WHERE action = 'oidc.refresh_token_replayed'").await, 1);
}

#[tokio::test]
async fn a_public_client_needs_no_secret_and_a_confidential_one_must_send_its_own() {
    let w = World::new().await;
    let (s, public) = w
        .app
        .post(
            "/api/v1/tenants/zeven/clients",
            &w.tenant.write_key,
            json!({"name": "Booking app", "redirect_uris": [CALLBACK], "public": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{public}");
    assert_eq!(public["client_secret"], Value::Null);
    assert_eq!(public["issuer"], "https://id.example.test/t/zeven");
    let public_id = public["client_id"].as_str().unwrap();
    let rp = w.rp_for("zeven", public_id, None).await;
    let mut browser = Browser::new(&w.app);
    let (tokens, nonce) = w.sign_in(&rp, &mut browser).await;
    tokens.id_token().unwrap().claims(&w.verifier(&rp), &nonce).unwrap();
    w.refresh(&rp, tokens.refresh_token().unwrap()).await.expect("a public client refreshes with PKCE-bound tokens");

    // The confidential client without its secret, or with another, is refused.
    let rp = w.rp(None).await;
    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    invalid(w.exchange(&rp, &code, verifier).await, CoreErrorResponseType::InvalidClient);
    let rp = w.rp(Some("not-the-secret")).await;
    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    invalid(w.exchange(&rp, &code, verifier).await, CoreErrorResponseType::InvalidClient);
    // The secret in the form (client_secret_post) is not an accepted method.
    let (s, res) = w
        .token_raw(
            "zeven",
            &[("grant_type", "authorization_code"), ("code", "x"), ("client_id", &w.client_id), ("client_secret", &w.secret)],
            None,
        )
        .await;
    assert_eq!((s, res["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));

    // The registered clients are listed without secrets; a read key cannot register one.
    let (s, list) = w.app.get("/api/v1/tenants/zeven/clients", &w.tenant.read_key).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains(&w.secret));
    let (s, _) =
        w.app.post("/api/v1/tenants/zeven/clients", &w.tenant.read_key, json!({"name": "x", "redirect_uris": [CALLBACK]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, res) = w
        .app
        .post(
            "/api/v1/tenants/zeven/clients",
            &w.tenant.write_key,
            json!({"name": "x", "redirect_uris": ["http://app.example.test/cb"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res["errors"][0]["field"], "redirect_uris[0]");
}

#[tokio::test]
async fn a_wrong_redirect_uri_is_never_redirected_to_and_a_code_is_bound_to_its_own() {
    let w = World::new().await;
    let mut browser = Browser::new(&w.app);
    let rp = w.rp(Some(&w.secret)).await.set_redirect_uri(RedirectUrl::new("https://evil.example.test/callback".into()).unwrap());
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = rp
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .set_pkce_challenge(challenge)
        .url();
    let answer = browser.get(url.as_str()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.location, None, "nothing is sent to an unregistered address");
    assert!(answer.body.contains("not registered"), "{}", answer.body);
    // A registered URI with something appended is not the registered URI.
    let close = url.as_str().replace("evil.example.test%2Fcallback", "app.example.test%2Fcallback%2F..%2Fx");
    assert_eq!(browser.get(&close).await.status, StatusCode::BAD_REQUEST);

    // At the token endpoint the redirect URI must be the one the code was issued for.
    let rp = w.rp(Some(&w.secret)).await;
    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    let other = rp.clone().set_redirect_uri(RedirectUrl::new("https://app.example.test/other".into()).unwrap());
    invalid(w.exchange(&other, &code, verifier).await, CoreErrorResponseType::InvalidGrant);
}

#[tokio::test]
async fn pkce_s256_is_required_and_checked() {
    let w = World::new().await;
    let mut browser = Browser::new(&w.app);
    let rp = w.rp(Some(&w.secret)).await;

    // No challenge: the error goes back to the client, with its state.
    let (url, state, _) =
        rp.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random).url();
    let answer = browser.get(url.as_str()).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let to = answer.location.unwrap();
    assert!(to.starts_with(CALLBACK), "{to}");
    assert_eq!(query(&to, "error").as_deref(), Some("invalid_request"));
    assert!(query(&to, "error_description").unwrap().contains("PKCE"));
    assert_eq!(query(&to, "state").as_deref(), Some(state.secret().as_str()));
    assert_eq!(query(&to, "code"), None);

    // `plain` is refused too.
    let plain = format!("{url}&code_challenge=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&code_challenge_method=plain");
    let to = browser.get(&plain).await.location.unwrap();
    assert_eq!(query(&to, "error").as_deref(), Some("invalid_request"), "{to}");

    // A code issued with a challenge needs the matching verifier.
    let (code, _, _) = w.code(&rp, &mut browser).await;
    let result = rp.exchange_code(AuthorizationCode::new(code)).unwrap().request_async(&w.http()).await;
    invalid(result, CoreErrorResponseType::InvalidGrant);
    let (code, _, _) = w.code(&rp, &mut browser).await;
    let wrong = PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
    invalid(w.exchange(&rp, &code, wrong).await, CoreErrorResponseType::InvalidGrant);
}

#[tokio::test]
async fn a_code_is_used_once_and_its_replay_revokes_what_it_gave() {
    let w = World::new().await;
    let mut browser = Browser::new(&w.app);
    let rp = w.rp(Some(&w.secret)).await;
    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    let again = PkceCodeVerifier::new(verifier.secret().clone());
    let tokens = w.exchange(&rp, &code, verifier).await.expect("first exchange");
    assert_eq!(w.userinfo(tokens.access_token()).await.0, StatusCode::OK);

    invalid(w.exchange(&rp, &code, again).await, CoreErrorResponseType::InvalidGrant);
    invalid(w.refresh(&rp, tokens.refresh_token().unwrap()).await, CoreErrorResponseType::InvalidGrant);
    let (s, challenge) = w.userinfo(tokens.access_token()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the access token from a replayed code stops working");
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert_eq!(w.app.count("audit_events WHERE action = 'oidc.code_replayed'").await, 1);

    // Of concurrent exchanges of one code exactly one gets tokens.
    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    let tries = (0..8).map(|_| {
        let v = PkceCodeVerifier::new(verifier.secret().clone());
        w.exchange(&rp, &code, v)
    });
    let results = futures::future::join_all(tries).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{:?}", results.iter().map(Result::is_ok).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_code_expires_after_sixty_seconds() {
    let w = World::new().await;
    let mut browser = Browser::new(&w.app);
    let rp = w.rp(Some(&w.secret)).await;
    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    w.app.clock.advance_ms(59_000);
    w.exchange(&rp, &code, verifier).await.expect("at 59 s the code still works");

    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    w.app.clock.advance_ms(60_000);
    invalid(w.exchange(&rp, &code, verifier).await, CoreErrorResponseType::InvalidGrant);
}

#[tokio::test]
async fn another_tenants_client_is_unknown_and_codes_do_not_cross_tenants() {
    let w = World::new().await;
    let other = w.app.tenant("other").await;
    w.app.active_person(&other, "sam@example.com", PASSWORD).await;
    let (_, theirs) = w
        .app
        .post("/api/v1/tenants/other/clients", &other.write_key, json!({"name": "Theirs", "redirect_uris": [CALLBACK]}))
        .await;
    let their_id = theirs["client_id"].as_str().unwrap();
    let their_secret = theirs["client_secret"].as_str().unwrap();

    // Their client at our authorization endpoint: not registered here, nothing is redirected.
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let foreign = RpClient::from_provider_metadata(w.discover("zeven").await, ClientId::new(their_id.to_owned()), None)
        .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap());
    let (url, _, _) = foreign
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .set_pkce_challenge(challenge)
        .url();
    let mut browser = Browser::new(&w.app);
    let answer = browser.get(url.as_str()).await;
    assert_eq!((answer.status, answer.location), (StatusCode::BAD_REQUEST, None));

    // Their credentials at our token endpoint: an unknown client.
    let (s, res) =
        w.token_raw("zeven", &[("grant_type", "refresh_token"), ("refresh_token", "x")], Some((their_id, their_secret))).await;
    assert_eq!((s, res["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));

    // Our code at their token endpoint, with their client: not a code there.
    let rp = w.rp(Some(&w.secret)).await;
    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier.secret().as_str()),
    ];
    let (s, res) = w.token_raw("other", &fields, Some((their_id, their_secret))).await;
    assert_eq!((s, res["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "{res}");
    // It still works where it belongs.
    let (s, res) = w.token_raw("zeven", &fields, Some((&w.client_id, &w.secret))).await;
    assert_eq!(s, StatusCode::OK, "{res}");
    // And our person's session does not sign anyone in at the other tenant.
    let their_rp = w.rp_for("other", their_id, Some(their_secret)).await;
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = their_rp
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .set_pkce_challenge(challenge)
        .url();
    let answer = browser.get(url.as_str()).await;
    assert!(answer.location.unwrap().starts_with("/t/other/login?"), "a session of one tenant is nothing in another");
}

#[tokio::test]
async fn blocking_removing_or_resetting_a_person_ends_their_refresh_tokens() {
    let w = World::new().await;
    let rp = w.rp(Some(&w.secret)).await;
    for (i, action) in ["block", "remove", "reset"].iter().enumerate() {
        let username = format!("person{i}@example.com");
        let person = w.app.active_person(&w.tenant, &username, PASSWORD).await;
        let id = person["id"].as_str().unwrap();
        let mut browser = Browser::new(&w.app);
        let (tokens, _) = w.sign_in_as(&rp, &mut browser, &username).await;
        w.refresh(&rp, tokens.refresh_token().unwrap()).await.map(|_| ()).unwrap_or_else(|e| panic!("{action}: {e:?}"));
        let (tokens, _) = w.sign_in_as(&rp, &mut browser, &username).await;
        let (s, res) = w.app.action(&w.tenant, id, action, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{action}: {res}");
        invalid(w.refresh(&rp, tokens.refresh_token().unwrap()).await, CoreErrorResponseType::InvalidGrant);
        assert_eq!(w.userinfo(tokens.access_token()).await.0, StatusCode::UNAUTHORIZED, "{action}");
    }
    // Nothing of their sign-ins at the application is left.
    assert_eq!(w.app.count("oidc_grants g JOIN people p ON p.id = g.person_id WHERE p.email LIKE 'person%'").await, 0);
}

#[tokio::test]
async fn logout_through_the_application_ends_the_session_and_returns_to_it() {
    let w = World::new().await;
    let metadata = w.discover("zeven").await;
    let end_session = metadata.additional_metadata().end_session_endpoint.clone().unwrap();
    let rp = w.rp(Some(&w.secret)).await;
    let mut browser = Browser::new(&w.app);
    let (tokens, _) = w.sign_in(&rp, &mut browser).await;
    let id_token: &KeyrackIdToken = tokens.id_token().unwrap();

    // Without a hint, or to an address not registered, nothing happens but an explanation.
    let bare = LogoutRequest::from(end_session.clone())
        .set_post_logout_redirect_uri(PostLogoutRedirectUrl::new(SIGNED_OUT.into()).unwrap())
        .http_get_url();
    let answer = browser.get(bare.as_str()).await;
    assert_eq!((answer.status, answer.location), (StatusCode::BAD_REQUEST, None));
    let elsewhere = LogoutRequest::from(end_session.clone())
        .set_id_token_hint(id_token)
        .set_post_logout_redirect_uri(PostLogoutRedirectUrl::new("https://evil.example.test/".into()).unwrap())
        .http_get_url();
    let answer = browser.get(elsewhere.as_str()).await;
    assert_eq!((answer.status, answer.location), (StatusCode::BAD_REQUEST, None));
    w.refresh(&rp, tokens.refresh_token().unwrap()).await.map(|_| ()).expect("still signed in after refused logouts");

    // With the hint (expired by now does not matter) and a registered address.
    w.app.clock.advance_ms(11 * 60_000);
    let (tokens, _) = w.sign_in(&rp, &mut browser).await;
    w.app.clock.advance_ms(11 * 60_000);
    let logout = LogoutRequest::from(end_session)
        .set_id_token_hint(tokens.id_token().unwrap())
        .set_post_logout_redirect_uri(PostLogoutRedirectUrl::new(SIGNED_OUT.into()).unwrap())
        .set_state(CsrfToken::new("after-logout".into()))
        .http_get_url();
    let answer = browser.get(logout.as_str()).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location.as_deref(), Some("https://app.example.test/signed-out?state=after-logout"));
    assert!(!browser.cookies.keys().any(|k| k.ends_with("keyrack_zeven")), "the session cookie is removed");
    invalid(w.refresh(&rp, tokens.refresh_token().unwrap()).await, CoreErrorResponseType::InvalidGrant);
    assert_eq!(w.app.count("sessions").await, 0, "the Keyrack session ended");

    // prompt=none now answers login_required instead of showing the login page.
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = rp
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .set_pkce_challenge(challenge)
        .add_prompt(CoreAuthPrompt::None)
        .url();
    let to = browser.get(url.as_str()).await.location.unwrap();
    assert_eq!(query(&to, "error").as_deref(), Some("login_required"), "{to}");
}

#[tokio::test]
async fn a_rotated_key_stays_published_until_its_tokens_have_expired() {
    let w = World::new().await;
    let rp = w.rp(Some(&w.secret)).await;
    let mut browser = Browser::new(&w.app);
    let (tokens, nonce) = w.sign_in(&rp, &mut browser).await;
    let old_kid = jwt_header(&tokens.id_token().unwrap().to_string())["kid"].as_str().unwrap().to_owned();

    let rotation = w.app.app.rotate_signing_key().await.unwrap();
    assert_ne!(rotation.kid, old_kid);
    assert_eq!(rotation.retired, 1);
    let (s, jwks) = w.app.call(Method::GET, "/t/zeven/oauth/jwks", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let mut kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    kids.sort_unstable();
    let mut expected = vec![rotation.kid.as_str(), old_kid.as_str()];
    expected.sort_unstable();
    assert_eq!(kids, expected, "the new key and the retired one are published");

    // A relying party that discovers again still verifies the old token, and new ones carry
    // the new key.
    let rp = w.rp(Some(&w.secret)).await;
    tokens.id_token().unwrap().claims(&w.verifier(&rp), &nonce).expect("an ID token of the retired key still verifies");
    assert_eq!(w.userinfo(tokens.access_token()).await.0, StatusCode::OK);
    let refreshed = w.refresh(&rp, tokens.refresh_token().unwrap()).await.unwrap();
    assert_eq!(jwt_header(&refreshed.id_token().unwrap().to_string())["kid"], rotation.kid.as_str());

    // Once every token of the old key has expired, it is no longer published.
    w.app.clock.advance_ms(keyrack_app::oidc::RETIRED_KEY_PUBLISHED_MS);
    let (_, jwks) = w.app.call(Method::GET, "/t/zeven/oauth/jwks", None, None).await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    assert_eq!(jwks["keys"][0]["kid"], rotation.kid.as_str());
    assert!(jwks["keys"][0].get("d").is_none(), "no private part is published");
}

#[tokio::test]
async fn discovery_describes_what_is_enforced_and_secrets_are_stored_only_as_hashes() {
    let w = World::new().await;
    let (s, doc) = w.app.call(Method::GET, "/t/zeven/.well-known/openid-configuration", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["issuer"], "https://id.example.test/t/zeven");
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(doc["token_endpoint_auth_methods_supported"], json!(["client_secret_basic", "none"]));
    assert_eq!(doc["id_token_signing_alg_values_supported"], json!(["RS256"]));
    assert_eq!(doc["request_uri_parameter_supported"], json!(false));
    let (s, _) = w.app.call(Method::GET, "/t/nowhere/.well-known/openid-configuration", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let rp = w.rp(Some(&w.secret)).await;
    let mut browser = Browser::new(&w.app);
    let (code, verifier, _) = w.code(&rp, &mut browser).await;
    let tokens = w.exchange(&rp, &code, verifier).await.unwrap();
    let stored = [
        w.app.strings("SELECT code_hash || ' ' || redirect_uri || ' ' || code_challenge FROM oidc_codes").await,
        w.app.strings("SELECT token_hash FROM oidc_refresh_tokens").await,
        w.app.strings("SELECT COALESCE(secret_hash, '') FROM oidc_clients").await,
    ]
    .concat()
    .join("\n");
    for raw in [code.as_str(), tokens.refresh_token().unwrap().secret(), w.secret.as_str()] {
        assert!(!stored.contains(raw), "a raw secret is stored");
        assert!(stored.contains(&keyrack_app::secrets::digest(raw)), "its hash is stored");
    }
}

/// The whole front channel in a real Chromium: the application sends the browser to Keyrack,
/// the person signs in on the tenant's login page, and the browser lands on the application's
/// callback with a code that the application exchanges.
#[tokio::test]
async fn a_real_browser_signs_in_on_the_login_page_and_lands_in_the_application() {
    use keyrack_testkit::browser::Browser as Chromium;

    // Plain HTTP on loopback: the browser reaches Keyrack at its public URL's port directly.
    let app = TestApp::spawn_with(|c| c.public_url = "http://id.example.test".into()).await;
    let tenant = app.tenant("zeven").await;
    app.active_person(&tenant, "els@example.com", PASSWORD).await;

    // The application: a callback that records what it received.
    let received: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let seen = received.clone();
    let callback = axum::Router::new().route(
        "/callback",
        axum::routing::get(move |uri: axum::http::Uri| async move {
            *seen.lock().unwrap() = uri.query().map(str::to_owned);
            axum::response::Html("<p id=\"done\">Signed in</p>")
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirect_uri = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, callback).await.unwrap() });
    let (s, client) = app
        .post("/api/v1/tenants/zeven/clients", &tenant.write_key, json!({"name": "Portal", "redirect_uris": [redirect_uri]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{client}");
    let (client_id, secret) = (client["client_id"].as_str().unwrap(), client["client_secret"].as_str().unwrap());

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let authorize = format!(
        "{}/t/zeven/oauth/authorize?{}",
        app.base,
        Params(
            [
                ("response_type", "code"),
                ("client_id", client_id),
                ("redirect_uri", redirect_uri.as_str()),
                ("scope", "openid profile email"),
                ("state", "s-123"),
                ("nonce", "n-456"),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
        )
        .encode()
    );
    let browser = Chromium::start("en").await;
    browser.goto(&authorize).await;
    browser.fill("#username", "els@example.com").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("button[type=submit]").await;
    browser.wait_for("#done").await;
    assert!(browser.current_url().await.starts_with(&redirect_uri));
    browser.quit().await;

    let query = received.lock().unwrap().clone().expect("the application's callback was reached");
    let params = Params::parse(&query);
    let get = |name: &str| params.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!(get("state").as_deref(), Some("s-123"));
    let code = get("code").expect("a code");
    let res = reqwest::Client::new()
        .post(format!("{}/t/zeven/oauth/token", app.base))
        .basic_auth(client_id, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", verifier.secret().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let tokens: Value = res.json().await.unwrap();
    assert!(tokens["id_token"].as_str().is_some_and(|t| t.split('.').count() == 3), "{tokens}");
}

/// Code exchanges per second at the token endpoint, over HTTP: one person signs in once, the
/// codes are issued in advance, then the exchanges run 8 at a time. Prints the figure; run with
/// `cargo nextest run --release -p keyrack-web --test oidc --run-ignored only code_exchanges`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run it in release"]
async fn code_exchanges_per_second() {
    const EXCHANGES: usize = 2000;
    const IN_FLIGHT: usize = 8;
    let w = World::new().await;
    let rp = w.rp(Some(&w.secret)).await;
    let mut browser = Browser::new(&w.app);
    w.sign_in(&rp, &mut browser).await;
    let cookie = browser.cookies.iter().find(|(k, _)| k.ends_with("keyrack_zeven")).map(|(_, v)| v.clone()).unwrap();
    let session = w.app.app.session("zeven", &cookie).await.unwrap().unwrap();
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let params = Params(
        [
            ("response_type", "code"),
            ("client_id", w.client_id.as_str()),
            ("redirect_uri", CALLBACK),
            ("scope", "openid profile email"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect(),
    );
    let keyrack_app::oidc::flow::Authorization::Valid(request) = w.app.app.authorization_request("zeven", &params).await.unwrap()
    else {
        panic!("the benchmark's authorization request is refused")
    };
    let mut codes = Vec::with_capacity(EXCHANGES);
    for _ in 0..EXCHANGES {
        let redirect = w.app.app.issue_code(&session, &request).await.unwrap();
        codes.push(query(&redirect, "code").unwrap());
    }
    let started = Instant::now();
    let verifier = verifier.secret().clone();
    let mut ok = 0;
    for chunk in codes.chunks(IN_FLIGHT) {
        let calls = chunk.iter().map(|code| async {
            let fields = [
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", CALLBACK),
                ("code_verifier", verifier.as_str()),
            ];
            w.token_raw("zeven", &fields, Some((&w.client_id, &w.secret))).await
        });
        ok += futures::future::join_all(calls).await.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    }
    let elapsed = started.elapsed();
    assert_eq!(ok, EXCHANGES);
    let backend = if w.app.db.is_postgres() { "PostgreSQL" } else { "SQLite" };
    println!(
        "code exchanges: {EXCHANGES} in {:.2} s = {:.0}/s ({backend}, {IN_FLIGHT} in flight, RS256 ID + access token each)",
        elapsed.as_secs_f64(),
        EXCHANGES as f64 / elapsed.as_secs_f64()
    );
}

#[tokio::test]
async fn a_new_secret_replaces_the_old_one_and_deleting_a_client_ends_its_sign_ins() {
    let w = World::new().await;
    let rp = w.rp(Some(&w.secret)).await;
    let mut browser = Browser::new(&w.app);
    let (tokens, _) = w.sign_in(&rp, &mut browser).await;

    let (s, rotated) = w
        .app
        .call(Method::POST, &format!("/api/v1/tenants/zeven/clients/{}/secret", w.client_id), Some(&w.tenant.write_key), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{rotated}");
    let new_secret = rotated["client_secret"].as_str().unwrap();
    invalid(w.refresh(&rp, tokens.refresh_token().unwrap()).await, CoreErrorResponseType::InvalidClient);
    let rp = w.rp(Some(new_secret)).await;
    let tokens = w.refresh(&rp, tokens.refresh_token().unwrap()).await.expect("the sign-in goes on with the new secret");
    assert_eq!(w.userinfo(tokens.access_token()).await.0, StatusCode::OK);

    let (s, _) = w
        .app
        .call(Method::DELETE, &format!("/api/v1/tenants/zeven/clients/{}", w.client_id), Some(&w.tenant.write_key), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    invalid(w.refresh(&rp, tokens.refresh_token().unwrap()).await, CoreErrorResponseType::InvalidClient);
    assert_eq!(w.userinfo(tokens.access_token()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(w.app.count("oidc_grants").await + w.app.count("oidc_refresh_tokens").await + w.app.count("oidc_codes").await, 0);
    assert_eq!(w.app.count("audit_events WHERE action IN ('oidc_client.secret_rotated', 'oidc_client.deleted')").await, 2);
}

/// The console's applications page in Chromium: an administrator registers an application,
/// sees its secret once, and that application then signs the administrator in with it.
#[tokio::test]
async fn an_application_registered_in_the_console_signs_people_in_with_the_secret_shown_once() {
    use keyrack_testkit::browser::Browser as Chromium;
    use keyrack_testkit::browser::thirtyfour::By;

    let app = TestApp::spawn_with(|c| c.public_url = "http://id.example.test".into()).await;
    let tenant = app.tenant("zeven").await;
    let admin = app.active_person(&tenant, "els@example.com", PASSWORD).await;
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tenants/zeven/people/{}/role", admin["id"].as_str().unwrap()),
            Some(&tenant.write_key),
            Some(json!({"role": "administrator"})),
        )
        .await;
    assert!(s.is_success());

    let received: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let seen = received.clone();
    let callback = axum::Router::new().route(
        "/callback",
        axum::routing::get(move |uri: axum::http::Uri| async move {
            *seen.lock().unwrap() = uri.query().map(str::to_owned);
            axum::response::Html("<p id=\"done\">Signed in</p>")
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirect_uri = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, callback).await.unwrap() });

    let browser = Chromium::start("en").await;
    browser.goto(&format!("{}/t/zeven/login?next=/t/zeven/console/clients", app.base)).await;
    browser.fill("#username", "els@example.com").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("button[type=submit]").await;
    browser.wait_for("form.register").await;
    let issuer = browser.driver().find(By::Css("code.issuer")).await.unwrap().text().await.unwrap();
    assert_eq!(issuer, "http://id.example.test/t/zeven");
    browser.fill("#name", "Portal").await;
    browser.fill("#redirect_uris", &redirect_uri).await;
    browser.click("form.register button.primary").await;
    browser.wait_for("code.secret").await;
    let secret = browser.driver().find(By::Css("code.secret")).await.unwrap().text().await.unwrap();
    let client_id = browser.driver().find(By::Css("code.client-id")).await.unwrap().text().await.unwrap();
    assert_eq!(secret.len(), 43, "{secret}");
    browser.screenshot(&std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-client-secret-en.png")).await;

    // Shown once: the application's page does not have it.
    browser.click(&format!("a[href$='/clients/{client_id}']")).await;
    browser.wait_for("form.edit").await;
    assert!(!browser.driver().source().await.unwrap().contains(&secret));

    // The application signs the (already signed-in) administrator in and exchanges the code.
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let authorize = format!(
        "{}/t/zeven/oauth/authorize?{}",
        app.base,
        Params(
            [
                ("response_type", "code"),
                ("client_id", client_id.as_str()),
                ("redirect_uri", redirect_uri.as_str()),
                ("scope", "openid email"),
                ("state", "s-1"),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
        )
        .encode()
    );
    browser.goto(&authorize).await;
    browser.wait_for("#done").await;
    browser.quit().await;
    let query = received.lock().unwrap().clone().expect("the application's callback was reached");
    let params = Params::parse(&query);
    let code = params.0.iter().find(|(k, _)| k == "code").map(|(_, v)| v.clone()).expect("a code");
    let exchange = |secret: String| {
        let (code, redirect_uri, client_id, verifier) =
            (code.clone(), redirect_uri.clone(), client_id.clone(), verifier.secret().clone());
        let base = app.base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/t/zeven/oauth/token"))
                .basic_auth(client_id, Some(secret))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", code.as_str()),
                    ("redirect_uri", redirect_uri.as_str()),
                    ("code_verifier", verifier.as_str()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(exchange("not-the-secret".into()).await.status(), StatusCode::UNAUTHORIZED, "a wrong secret is refused");
    let res = exchange(secret).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tokens: Value = res.json().await.unwrap();
    assert!(tokens["id_token"].as_str().is_some_and(|t| t.split('.').count() == 3), "{tokens}");
}
