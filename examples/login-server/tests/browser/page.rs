//! [`Page`]: one browser session on the login server, driven the way a person
//! uses it (typing into fields, clicking buttons), with the few reads the
//! tests make.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::harness::Server;

pub struct Page<'a> {
    pub browser: Client,
    server: &'a Server,
}

impl<'a> Page<'a> {
    pub fn new(browser: Client, server: &'a Server) -> Self {
        Page { browser, server }
    }

    pub async fn goto(&self, path: &str) {
        self.browser.goto(&self.server.url(path)).await.unwrap();
    }

    /// The path of the page shown now.
    pub async fn path(&self) -> String {
        self.browser.current_url().await.unwrap().path().to_owned()
    }

    /// Types `text` into the field with id `id`, after clearing it.
    pub async fn type_into(&self, id: &str, text: &str) {
        let field = self.browser.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks the submit button of the form with id `form`, then waits until
    /// the next page has replaced this one (a click does not wait for the
    /// navigation it starts).
    pub async fn submit(&self, form: &str) {
        let old_page = self.browser.find(Locator::Css("html")).await.unwrap();
        let button = format!("#{form} button[type=submit]");
        let button = self.browser.find(Locator::Css(&button)).await.unwrap();
        button.click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match old_page.tag_name().await {
                Err(e) if e.is_stale_element_reference() => break,
                // Chromium sometimes reports the same thing, mid-navigation, as
                // an "unknown error" from its inspector rather than as a stale
                // element (seen in CI with chromedriver 156).
                Err(e) if e.to_string().contains("does not belong to the document") => break,
                Err(e) => panic!("waiting for the next page: {e}"),
                Ok(_) => assert!(
                    Instant::now() < deadline,
                    "no new page 20 s after submitting #{form}"
                ),
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.browser
            .wait()
            .for_element(Locator::Css("main"))
            .await
            .unwrap();
    }

    /// The text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.browser.find(Locator::Css(css)).await;
        let element = element.unwrap_or_else(|e| panic!("no {css} on the page: {e}"));
        element.text().await.unwrap()
    }

    /// The `(data-outcome, text)` of the message above the form.
    pub async fn message(&self) -> (String, String) {
        let element = self.browser.find(Locator::Id("message")).await.unwrap();
        let kind = element
            .attr("data-outcome")
            .await
            .unwrap()
            .unwrap_or_default();
        (kind, element.text().await.unwrap())
    }

    /// The seconds-left figure next to the code field.
    pub async fn seconds_left(&self) -> u64 {
        let text = self.text("#seconds-left").await;
        let seconds = text
            .strip_suffix(" s left")
            .unwrap_or_else(|| panic!("{text:?}"));
        seconds.parse().unwrap()
    }

    pub async fn sign_up(&self, user: &str, password: &str) {
        self.goto("/signup").await;
        self.type_into("username", user).await;
        self.type_into("password", password).await;
        self.submit("signup").await;
    }

    /// The password step; lands on the code page for a two-factor user.
    pub async fn log_in(&self, user: &str, password: &str) {
        self.goto("/login").await;
        self.type_into("username", user).await;
        self.type_into("password", password).await;
        self.submit("login").await;
    }

    /// Types `code` into the code field of form `form` and submits it.
    pub async fn enter_code(&self, form: &str, code: &str) {
        self.type_into("code", code).await;
        self.submit(form).await;
    }

    /// The session cookie's value (the session id).
    pub async fn session_id(&self) -> String {
        let cookie = self.browser.get_named_cookie("id").await.unwrap();
        cookie.value().to_owned()
    }
}
