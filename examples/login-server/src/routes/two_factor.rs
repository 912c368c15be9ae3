//! The code steps: enrollment (the first code switches two-factor login on)
//! and the second login step. Both check codes through the [`Guard`], so the
//! enrollment code cannot be replayed at login, and wrong codes are throttled
//! in both places.
//!
//! [`Guard`]: otpcore_guard::Guard

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use otpcore::Totp;
use otpcore_guard::store::Store;
use otpcore_guard::Outcome;
use serde::Deserialize;
use tower_sessions::Session;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::Failure;
use crate::app::{credential, App};
use crate::display::{grouped, seconds_left};
use crate::pages::{self, Enrollment, Notice};
use crate::session;

/// A submitted code: wiped on drop, no `Debug`.
#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct CodeForm {
    #[serde(default)] // missing: refused by `check_csrf` with 403, like a wrong one
    csrf: String,
    code: String,
}

fn now() -> Result<u64, Failure> {
    otpcore::unix_now().map_err(|_| Failure::internal("the system clock is before 1970"))
}

/// What the user reads for each refusal, and the status sent with it. The
/// guard gives a wrong and a used code different outcomes; telling the user
/// which is safe, as only the holder of a right code can see "already used".
fn refusal(outcome: &Outcome, user: &str) -> (StatusCode, Notice) {
    match outcome {
        Outcome::Replayed => {
            tracing::info!(user, "code refused: already used");
            let text = "That code was already used. Wait for your app to show the next one.";
            (StatusCode::UNAUTHORIZED, Notice::new("replayed", text))
        }
        Outcome::Throttled { retry_after } => {
            tracing::info!(user, "code refused: throttled");
            let text = match retry_after {
                Some(wait) => format!(
                    "Too many wrong codes. Wait {} s before trying again.",
                    wait.as_secs().max(1)
                ),
                None => "Too many wrong codes: this account is locked. Contact support.".into(),
            };
            (
                StatusCode::TOO_MANY_REQUESTS,
                Notice::new("throttled", text),
            )
        }
        Outcome::StoreUnavailable(e) => {
            // Fail closed: no store, no login. The error names the backend's
            // failure, never a code or secret (stores see neither).
            tracing::error!(user, error = %e, "code refused: store unavailable (fail closed)");
            let text = "Code checking is unavailable right now, so nobody can log in. \
                        Please try again in a few minutes.";
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Notice::new("unavailable", text),
            )
        }
        // `Rejected`, and anything a later guard version adds: a refusal.
        _ => {
            tracing::info!(user, "code refused: wrong");
            let text = "That code is not right. Check the code in your app and try again.";
            (StatusCode::UNAUTHORIZED, Notice::new("wrong", text))
        }
    }
}

/// Checks `code` for `user`'s credential with the guard.
async fn check<S: Store>(
    app: &App<S>,
    user: &str,
    totp: &Totp,
    code: &str,
) -> Result<Outcome, Failure> {
    let id = credential(user).ok_or_else(|| Failure::internal("invalid credential id"))?;
    Ok(app.guard.verify_totp(&id, totp, code, now()?).await)
}

/// The enrollment page (logged-in users without two-factor login).
pub async fn enroll_page<S: Store>(
    State(app): State<Arc<App<S>>>,
    session: Session,
) -> Result<Response, Failure> {
    render_enroll(&app, &session, StatusCode::OK, None).await
}

async fn render_enroll<S: Store>(
    app: &App<S>,
    session: &Session,
    status: StatusCode,
    message: Option<&Notice>,
) -> Result<Response, Failure> {
    let Some(user) = session::user(session).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let Some(key) = app.users.pending_key(&user) else {
        return Ok(Redirect::to("/").into_response()); // already on
    };
    let qr = key.to_qr().map_err(|_| Failure::internal("QR code"))?;
    let svg = qr.to_svg();
    let manual_key = grouped(&key.secret().expose_base32());
    let enrollment = Enrollment {
        qr_svg: &svg,
        manual_key: &manual_key,
        account: key.account(),
    };
    let left = key.to_totp().and_then(|t| seconds_left(&t, now().ok()?));
    let csrf = session::csrf_token(session).await?;
    let mut page = pages::enroll(&enrollment, &csrf, left, message);
    // `Cache-Control: no-store` is added to every page by `security_headers`.
    // The page moves to the HTTP stack here; that copy is not wiped.
    Ok((status, Html(std::mem::take(&mut *page))).into_response())
}

/// The first code: switches two-factor login on if the guard accepts it.
pub async fn enroll<S: Store>(
    State(app): State<Arc<App<S>>>,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Result<Response, Failure> {
    session::check_csrf(&session, &form.csrf).await?;
    let Some(user) = session::user(&session).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let Some(totp) = app.users.pending_key(&user).and_then(|k| k.to_totp()) else {
        return Ok(Redirect::to("/").into_response());
    };
    let outcome = check(&app, &user, &totp, &form.code).await?;
    if outcome.accepted().is_some() {
        app.users.enable(&user);
        tracing::info!(user, "two-factor login switched on");
        return Ok(Redirect::to("/").into_response());
    }
    let (status, notice) = refusal(&outcome, &user);
    render_enroll(&app, &session, status, Some(&notice)).await
}

/// The second login step's page (after the password).
pub async fn code_page<S: Store>(
    State(app): State<Arc<App<S>>>,
    session: Session,
) -> Result<Response, Failure> {
    render_code(&app, &session, StatusCode::OK, None).await
}

async fn render_code<S: Store>(
    app: &App<S>,
    session: &Session,
    status: StatusCode,
    message: Option<&Notice>,
) -> Result<Response, Failure> {
    let Some(user) = session.get::<String>(session::AWAITING_CODE).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let left = app
        .users
        .totp(&user)
        .and_then(|t| seconds_left(&t, now().ok()?));
    let csrf = session::csrf_token(session).await?;
    Ok((status, Html(pages::code(&csrf, left, message))).into_response())
}

/// The second login step: logs the user in if the guard accepts the code.
pub async fn code<S: Store>(
    State(app): State<Arc<App<S>>>,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Result<Response, Failure> {
    session::check_csrf(&session, &form.csrf).await?;
    let Some(user) = session.get::<String>(session::AWAITING_CODE).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let Some(totp) = app.users.totp(&user) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let outcome = check(&app, &user, &totp, &form.code).await?;
    if outcome.accepted().is_some() {
        tracing::info!(user, "logged in with password and code");
        session::promote(&session, session::USER, &user).await?;
        return Ok(Redirect::to("/").into_response());
    }
    let (status, notice) = refusal(&outcome, &user);
    render_code(&app, &session, status, Some(&notice)).await
}
