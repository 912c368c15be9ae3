//! The login server in a real browser: headless Chromium driven through
//! chromedriver (WebDriver, `fantoccini`), against the server binary with the
//! in-memory store, a private Redis (killed mid-flow for the outage case) and
//! a private PostgreSQL. A missing browser is a failure with instructions, never a skip.

mod checks;
mod harness;
mod page;

use otpcore::{Secret, Totp, TotpConfig};
use otpcore_testkit::servers::{PostgresServer, RedisServer};

use harness::{Chromedriver, Server};
use page::Page;

const USER: &str = "alice";
const PASSWORD: &str = "correct horse battery staple";

fn now() -> u64 {
    otpcore::unix_now().unwrap()
}

/// Waits, if need be, until at least `SECONDS_LEFT` seconds are left in the
/// current step, so a code made from the test's clock is checked by the server
/// in the same step. A code the server sees a step later matches at offset −1,
/// the guard records a drift of −1, and the next window is centred a step
/// back: the login code, a step ahead of the test's clock, is then two ahead
/// of that centre and refused.
async fn fresh_step(totp: &Totp) {
    const SECONDS_LEFT: u64 = 8;
    while totp.step_window(now()).unwrap().remaining < SECONDS_LEFT {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// Six digits that are the code of no step near now.
fn wrong_code(totp: &Totp) -> String {
    let step = totp.step_at(now()).unwrap();
    let near: Vec<String> = (step - 3..=step + 3)
        .map(|s| totp.generate_step(s).to_string())
        .collect();
    (0..10)
        .map(|d| d.to_string().repeat(6))
        .find(|c| !near.contains(c))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_flow_memory_store() {
    let server = Server::start(&[]);
    full_flow(&server, "memory", None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_flow_redis_store_and_outage() {
    let mut redis = RedisServer::start();
    let server = Server::start(&["--redis", &redis.url()]);
    full_flow(&server, "redis", Some(&mut redis)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_flow_postgres_store() {
    let postgres = PostgresServer::start();
    let server = Server::start(&["--postgres", &postgres.conn_str()]);
    full_flow(&server, "postgres", None).await;
}

/// Sign-up, enrollment, logout, two-factor login; the same code refused in a
/// second session; with Redis, a store outage refused and recovered from;
/// wrong codes until throttled; and no secret in any log line.
async fn full_flow(server: &Server, store: &str, redis: Option<&mut RedisServer>) {
    let driver = Chromedriver::start();
    let outage = redis.is_some();
    let mut codes = Vec::new();

    // Sign up: straight on to the enrollment page.
    let alice = Page::new(driver.browser().await, server);
    alice.sign_up(USER, PASSWORD).await;
    assert_eq!(alice.path().await, "/enroll");

    // Enrollment: the manual key is grouped by four and the QR code on the
    // screen carries the same secret.
    let manual = alice.text("#manual-key").await;
    let groups: Vec<&str> = manual.split(' ').collect();
    assert!(
        groups.len() >= 8 && groups.iter().all(|g| (1..=4).contains(&g.len())),
        "{manual:?}"
    );
    let secret = Secret::from_base32(&manual).unwrap();
    checks::qr_matches_manual_key(&alice, USER, &secret).await;
    let screenshot = format!("login-server-enrollment-{store}.png");
    checks::save_screenshot(&alice, &screenshot).await;
    assert!((1..=30).contains(&alice.seconds_left().await));
    checks::cookie_headers_and_csrf(&alice, server).await;
    let totp = Totp::new(&secret, TotpConfig::default());

    // A wrong first code leaves two-factor login off.
    let wrong = wrong_code(&totp);
    alice.enter_code("enroll-form", &wrong).await;
    assert_eq!(alice.message().await.0, "wrong");
    // The right one switches it on.
    fresh_step(&totp).await;
    let first = totp.generate_at(now()).unwrap().to_string();
    alice.enter_code("enroll-form", &first).await;
    assert_eq!(alice.path().await, "/");
    assert!(alice.text("#two-factor").await.contains("on"));
    codes.extend([wrong.clone(), first]);

    // Log out, log in: password, then the code (the next step's, which the
    // ±1 window accepts: the enrollment used this step's).
    alice.submit("logout").await;
    assert!(alice.text("main").await.contains("Not logged in"));
    alice.goto("/login").await;
    let anonymous = alice.session_id().await;
    alice.log_in(USER, PASSWORD).await;
    assert_eq!(alice.path().await, "/login/code");
    let password_passed = alice.session_id().await;
    assert!((1..=30).contains(&alice.seconds_left().await));
    fresh_step(&totp).await;
    let step = totp.step_at(now()).unwrap() + 1;
    let login = totp.generate_step(step).to_string();
    alice.enter_code("code-form", &login).await;
    assert_eq!(alice.path().await, "/");
    // A new session id at each step: one planted before login is worthless.
    let logged_in = alice.session_id().await;
    assert!(anonymous != password_passed && password_passed != logged_in);
    assert!(alice.text("#welcome").await.contains(USER));
    codes.push(login.clone());

    // The same code in a second browser session: already used.
    let bob = Page::new(driver.browser().await, server);
    bob.log_in(USER, PASSWORD).await;
    bob.enter_code("code-form", &login).await;
    let (kind, text) = bob.message().await;
    assert_eq!(kind, "replayed", "{text}");
    assert!(text.contains("already used"), "{text}");
    assert_eq!(bob.path().await, "/login/code");

    if let Some(redis) = redis {
        // Redis down: a right, unused code is refused (fail closed) ...
        let fresh = totp.generate_step(step + 1).to_string();
        redis.kill();
        bob.enter_code("code-form", &fresh).await;
        let (kind, text) = bob.message().await;
        assert_eq!(kind, "unavailable", "{text}");
        assert!(text.contains("unavailable"), "{text}");
        assert_eq!(bob.path().await, "/login/code");
        // ... and accepted once Redis is back: the outage alone refused it.
        // (The connection manager reconnects on the requests after a restart:
        // the first may still find it down, and is refused the same way.)
        redis.restart();
        for _ in 0..50 {
            bob.enter_code("code-form", &fresh).await;
            if bob.path().await == "/" {
                break;
            }
            assert_eq!(bob.message().await.0, "unavailable");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert_eq!(bob.path().await, "/", "{:?}", bob.message().await);
        codes.push(fresh);
    }

    // Wrong codes: refused as wrong, then throttled with the wait shown.
    let carol = Page::new(driver.browser().await, server);
    // Neither code page opens without the password step ...
    for path in ["/login/code", "/enroll"] {
        carol.goto(path).await;
        assert_eq!(carol.path().await, "/login", "{path}");
    }
    // ... and a wrong password, or an unknown user, goes no further.
    for (user, password) in [(USER, "not the password"), ("nobody", PASSWORD)] {
        carol.log_in(user, password).await;
        assert_eq!(carol.message().await.0, "wrong-password");
        assert_eq!(carol.path().await, "/login");
    }
    carol.log_in(USER, PASSWORD).await;
    let wrong = wrong_code(&totp);
    let mut throttled = None;
    for attempt in 1..=12 {
        carol.enter_code("code-form", &wrong).await;
        let (kind, text) = carol.message().await;
        if kind == "throttled" {
            throttled = Some((attempt, text));
            break;
        }
        assert_eq!(kind, "wrong", "attempt {attempt}: {text}");
    }
    let (attempt, text) = throttled.expect("12 wrong codes were never throttled");
    // The default policy: 5 free failures (the last success reset the count;
    // the replayed code was given back), then 1 s, 2 s, … between attempts.
    assert!(attempt >= 6, "throttled after {attempt} attempts");
    assert!(text.starts_with("Too many wrong codes. Wait "), "{text}");
    assert!(text.contains(" s before trying again"), "{text}");
    assert_eq!(carol.path().await, "/login/code");
    codes.push(wrong);

    for page in [alice, bob, carol] {
        page.browser.close().await.unwrap();
    }
    let mut forbidden = codes;
    forbidden.extend([manual.replace(' ', ""), manual, PASSWORD.to_owned()]);
    forbidden.push("not the password".to_owned());
    let mut expected = vec![
        "signed up",
        "two-factor login switched on",
        "code refused: already used",
        "code refused: throttled",
    ];
    if outage {
        expected.push("code refused: store unavailable");
    }
    let log_name = format!("login-server-{store}.log");
    checks::logs_hold_no_secret(server, &forbidden, &expected, &log_name);
}
