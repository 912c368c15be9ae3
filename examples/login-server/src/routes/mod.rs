//! The router: which handler serves which page, the response headers every
//! page gets, and the one error type handlers return.

mod account;
mod two_factor;

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use otpcore_guard::store::Store;
use otpcore_guard::Guard;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::App;
use crate::{pages, session};

/// The site, over a guard on any store.
pub fn router<S: Store + 'static>(guard: Guard<S>) -> Router {
    let app = Arc::new(App::new(guard));
    Router::new()
        .route("/", get(home::<S>))
        .route(
            "/signup",
            get(account::signup_page).post(account::signup::<S>),
        )
        .route("/login", get(account::login_page).post(account::login::<S>))
        .route(
            "/login/code",
            get(two_factor::code_page::<S>).post(two_factor::code::<S>),
        )
        .route(
            "/enroll",
            get(two_factor::enroll_page::<S>).post(two_factor::enroll::<S>),
        )
        .route("/logout", post(logout))
        .layer(axum::middleware::map_response(security_headers))
        .layer(session::layer())
        .with_state(app)
}

/// Headers on every response. `no-store` matters most on the enrollment page,
/// which shows the secret: no browser or proxy cache may keep it. The CSP
/// allows no script at all and forms posting only to this site.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (CACHE_CONTROL, "no-store"),
        (
            CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (X_FRAME_OPTIONS, "DENY"),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A refused or failed request: the status and a message for the user.
/// Internal causes are logged where they happen, never shown.
pub struct Failure {
    status: StatusCode,
    text: &'static str,
}

impl Failure {
    pub fn new(status: StatusCode, text: &'static str) -> Self {
        Failure { status, text }
    }

    /// A 500, logging `cause` (which must not contain a secret).
    pub fn internal(cause: &str) -> Self {
        tracing::error!(cause, "request failed");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.")
    }
}

impl From<tower_sessions::session::Error> for Failure {
    fn from(e: tower_sessions::session::Error) -> Self {
        Failure::internal(&format!("session store: {e}"))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, Html(pages::failure(self.text))).into_response()
    }
}

/// Every form's CSRF token field; forms add their own fields next to it.
#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)] // missing: refused by `check_csrf` with 403, like a wrong one
    csrf: String,
}

async fn home<S: Store>(
    State(app): State<Arc<App<S>>>,
    session: Session,
) -> Result<Html<String>, Failure> {
    let user = session::user(&session).await?;
    let two_factor = user.as_deref().is_some_and(|u| app.users.has_two_factor(u));
    let csrf = session::csrf_token(&session).await?;
    Ok(Html(pages::home(user.as_deref(), two_factor, &csrf)))
}

async fn logout(session: Session, Form(form): Form<CsrfOnly>) -> Result<Redirect, Failure> {
    session::check_csrf(&session, &form.csrf).await?;
    if let Some(user) = session::user(&session).await? {
        tracing::info!(user, "logged out");
    }
    // Deletes the record and the cookie; the next page gets a fresh session.
    session.flush().await?;
    Ok(Redirect::to("/"))
}
