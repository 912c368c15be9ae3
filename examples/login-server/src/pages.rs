//! The HTML pages: plain `format!` templates, no script. Every piece of text
//! that is not a constant goes through [`esc`].

use zeroize::Zeroizing;

/// A message shown above a form. `kind` names the case for tests and styling
/// (`data-outcome`), `text` is what the user reads.
pub struct Notice {
    pub kind: &'static str,
    pub text: String,
}

impl Notice {
    pub fn new(kind: &'static str, text: impl Into<String>) -> Self {
        Notice {
            kind,
            text: text.into(),
        }
    }
}

/// HTML-escapes text for element content and quoted attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:34em;margin:2em auto;padding:0 1em;color:#222}\
h1{font-size:1.5em}label{display:block;margin:.6em 0 .2em}input{font:inherit;padding:.3em}\
button{font:inherit;padding:.3em 1em;margin-top:.8em}.error{background:#fde8e8;border-left:4px solid #c62828;padding:.5em .8em}\
#qr svg{width:228px;height:228px}#manual-key{font:1.2em monospace;letter-spacing:.05em;background:#f3f3f3;padding:.2em .4em}\
.left{color:#555;margin-left:.6em}";

/// The frame around every page.
pub fn layout(title: &str, body: &str) -> String {
    format!("{}{body}{TAIL}", head(title))
}

fn head(title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · otpcore demo</title><style>{STYLE}</style></head>\
         <body><main><h1>{title}</h1>",
        title = esc(title),
    )
}

const TAIL: &str = "</main></body></html>\n";

fn notice(message: Option<&Notice>) -> String {
    message.map_or_else(String::new, |m| {
        format!(
            "<p id=\"message\" class=\"error\" role=\"alert\" data-outcome=\"{}\">{}</p>",
            m.kind,
            esc(&m.text)
        )
    })
}

fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(csrf)
    )
}

/// The code input, with the seconds left in the current step beside it.
fn code_field(seconds_left: Option<u64>) -> String {
    let left = seconds_left.map_or_else(String::new, |s| {
        format!("<span id=\"seconds-left\" class=\"left\">{s} s left</span>")
    });
    format!(
        "<label for=\"code\">Code from your app</label>\
         <input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" \
         maxlength=\"9\" required autofocus>{left}"
    )
}

pub fn home(user: Option<&str>, two_factor: bool, csrf: &str) -> String {
    let body = match user {
        None => "<p>Not logged in. <a id=\"login\" href=\"/login\">Log in</a> or \
                 <a id=\"signup\" href=\"/signup\">sign up</a>.</p>"
            .to_owned(),
        Some(name) => {
            let status = if two_factor {
                "<p id=\"two-factor\">Two-factor login is <strong>on</strong>.</p>".to_owned()
            } else {
                "<p id=\"two-factor\">Two-factor login is off. \
                 <a id=\"enroll\" href=\"/enroll\">Turn it on</a>.</p>"
                    .to_owned()
            };
            format!(
                "<p id=\"welcome\">Logged in as <strong>{}</strong>.</p>{status}\
                 <form id=\"logout\" method=\"post\" action=\"/logout\">{}\
                 <button type=\"submit\">Log out</button></form>",
                esc(name),
                csrf_field(csrf)
            )
        }
    };
    layout("Home", &body)
}

pub fn signup(csrf: &str, message: Option<&Notice>) -> String {
    let body = format!(
        "{}<form id=\"signup\" method=\"post\" action=\"/signup\">{}\
         <label for=\"username\">Username (3–32 of a–z, 0–9, . _ -)</label>\
         <input id=\"username\" name=\"username\" autocomplete=\"username\" required>\
         <label for=\"password\">Password (at least 8 characters)</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required>\
         <br><button type=\"submit\">Sign up</button></form>",
        notice(message),
        csrf_field(csrf)
    );
    layout("Sign up", &body)
}

pub fn login(csrf: &str, message: Option<&Notice>) -> String {
    let body = format!(
        "{}<form id=\"login\" method=\"post\" action=\"/login\">{}\
         <label for=\"username\">Username</label>\
         <input id=\"username\" name=\"username\" autocomplete=\"username\" required>\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <br><button type=\"submit\">Next</button></form>\
         <p>No account? <a href=\"/signup\">Sign up</a>.</p>",
        notice(message),
        csrf_field(csrf)
    );
    layout("Log in", &body)
}

/// The second login step.
pub fn code(csrf: &str, seconds_left: Option<u64>, message: Option<&Notice>) -> String {
    let body = format!(
        "{}<p>Enter the code your authenticator app shows for this account.</p>\
         <form id=\"code-form\" method=\"post\" action=\"/login/code\">{}{}\
         <br><button type=\"submit\">Log in</button></form>",
        notice(message),
        csrf_field(csrf),
        code_field(seconds_left)
    );
    layout("Two-factor login", &body)
}

/// What the enrollment page shows about the key.
pub struct Enrollment<'a> {
    /// The QR code of the `otpauth://` URI, a standalone `<svg>` element.
    pub qr_svg: &'a str,
    /// The secret in base32, grouped by four.
    pub manual_key: &'a str,
    pub account: &'a str,
}

/// Enrollment: the QR code, the key for manual entry and the first code.
///
/// # Security
/// The page is the secret. It is written into one buffer sized up front (a
/// growing buffer would free unwiped copies) that is wiped when dropped; the
/// copy handed to the HTTP stack is not. Served `Cache-Control: no-store`
/// (see `routes`).
pub fn enroll(
    key: &Enrollment<'_>,
    csrf: &str,
    seconds_left: Option<u64>,
    message: Option<&Notice>,
) -> Zeroizing<String> {
    use std::fmt::Write;
    // The QR code and key plus 8 KiB for the rest (about 3 KiB).
    let room = key.qr_svg.len() + key.manual_key.len() + 8192;
    let mut page = Zeroizing::new(String::with_capacity(room));
    page.push_str(&head("Turn on two-factor login"));
    // The manual key is base32 and spaces: nothing to escape, so no unwiped
    // escaped copy is made.
    let _ = write!(
        page,
        "{}<p>Scan this QR code with your authenticator app \
         (Google Authenticator, Aegis, 1Password, …):</p>\
         <figure id=\"qr\">{}</figure>\
         <p>Can't scan it? Add the account by hand: account <strong>{}</strong>, \
         time-based, key</p><p><code id=\"manual-key\">{}</code></p>\
         <p>Then type the code it shows, to prove the app has the key. \
         Two-factor login is switched on only then.</p>\
         <form id=\"enroll-form\" method=\"post\" action=\"/enroll\">{}{}\
         <br><button type=\"submit\">Turn on two-factor login</button></form>",
        notice(message),
        key.qr_svg,
        esc(key.account),
        key.manual_key,
        csrf_field(csrf),
        code_field(seconds_left)
    );
    page.push_str(TAIL);
    page
}

/// A page for a refused request.
pub fn failure(text: &str) -> String {
    layout(
        "Something went wrong",
        &format!(
            "<p id=\"message\" class=\"error\">{}</p><p><a href=\"/\">Home</a></p>",
            esc(text)
        ),
    )
}
