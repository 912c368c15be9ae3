//! Sign-up and the first login step (the password).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use otpcore_guard::store::Store;
use serde::Deserialize;
use tower_sessions::Session;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::Failure;
use crate::app::{valid_username, App, SignUpError};
use crate::pages::{self, Notice};
use crate::{password, session};

/// The sign-up and login forms. The password is wiped when the form is
/// dropped, and the type has no `Debug`, so it cannot be logged by accident.
#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Credentials {
    #[serde(default)] // missing: refused by `check_csrf` with 403, like a wrong one
    csrf: String,
    username: String,
    password: String,
}

impl Credentials {
    fn password(&self) -> Zeroizing<String> {
        Zeroizing::new(self.password.clone())
    }
}

pub async fn signup_page(session: Session) -> Result<Html<String>, Failure> {
    let csrf = session::csrf_token(&session).await?;
    Ok(Html(pages::signup(&csrf, None)))
}

pub async fn signup<S: Store>(
    State(app): State<Arc<App<S>>>,
    session: Session,
    Form(form): Form<Credentials>,
) -> Result<Response, Failure> {
    session::check_csrf(&session, &form.csrf).await?;
    let csrf = session::csrf_token(&session).await?;
    let refuse = |text: &str| {
        let notice = Notice::new("invalid", text);
        let page = pages::signup(&csrf, Some(&notice));
        (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response()
    };
    if !valid_username(&form.username) {
        return Ok(refuse(
            "Usernames have 3 to 32 of a–z, 0–9, '.', '_' and '-'.",
        ));
    }
    if !password::LENGTH.contains(&form.password.chars().count()) {
        return Ok(refuse("Passwords have 8 to 128 characters."));
    }
    let hash = password::hash(form.password())
        .await
        .map_err(|e| Failure::internal(&e))?;
    if let Err(SignUpError::Taken) = app.users.create(&form.username, hash) {
        return Ok(refuse("That username is taken."));
    }
    tracing::info!(user = form.username, "signed up");
    session::promote(&session, session::USER, &form.username).await?;
    Ok(Redirect::to("/enroll").into_response())
}

pub async fn login_page(session: Session) -> Result<Html<String>, Failure> {
    let csrf = session::csrf_token(&session).await?;
    Ok(Html(pages::login(&csrf, None)))
}

/// The password step: users with two-factor login go on to `/login/code`.
pub async fn login<S: Store>(
    State(app): State<Arc<App<S>>>,
    session: Session,
    Form(form): Form<Credentials>,
) -> Result<Response, Failure> {
    session::check_csrf(&session, &form.csrf).await?;
    let stored = app.users.password_hash(&form.username);
    if !password::verify(form.password(), stored).await {
        // One message for an unknown user and a wrong password.
        tracing::info!("login refused: wrong username or password");
        let csrf = session::csrf_token(&session).await?;
        let notice = Notice::new("wrong-password", "Wrong username or password.");
        let page = pages::login(&csrf, Some(&notice));
        return Ok((StatusCode::UNAUTHORIZED, Html(page)).into_response());
    }
    if app.users.has_two_factor(&form.username) {
        tracing::info!(user = form.username, "password accepted; code required");
        session::promote(&session, session::AWAITING_CODE, &form.username).await?;
        return Ok(Redirect::to("/login/code").into_response());
    }
    tracing::info!(user = form.username, "logged in (password only)");
    session::promote(&session, session::USER, &form.username).await?;
    Ok(Redirect::to("/").into_response())
}
