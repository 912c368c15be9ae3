//! A reference login server for otpcore: sign-up with a password, TOTP
//! enrollment with a QR code, and two-factor login with replay refusal,
//! throttling and fail-closed store errors. Read it in this order: `main.rs`
//! (start-up), `routes/` (the handlers), `app.rs` (users and the guard),
//! `session.rs` (cookies and CSRF), `pages.rs` (HTML).
//!
//! ```sh
//! cargo run -p otpcore-login-server                      # in-memory store
//! cargo run -p otpcore-login-server -- --redis redis://127.0.0.1:6379/
//! cargo run -p otpcore-login-server -- --postgres 'host=/run/postgresql user=me'
//! ```

mod app;
mod display;
mod pages;
mod password;
mod routes;
mod session;
mod stores;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use otpcore_guard::store::{MemoryStore, Store};
use otpcore_guard::{Guard, GuardConfig};
use tracing_subscriber::EnvFilter;

/// Command line: where to listen and which store keeps the one-time-code state.
#[derive(Parser)]
#[command(version, about = "otpcore reference login server")]
struct Args {
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Keep replay and throttling state in Redis (e.g. redis://127.0.0.1:6379/).
    #[arg(long, value_name = "URL", conflicts_with = "postgres")]
    redis: Option<String>,
    /// Keep replay and throttling state in PostgreSQL (a libpq connection string).
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    // RUST_LOG picks the level (default `info`). No handler logs a password,
    // secret, code or store URL: the browser test reads every line to check.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let result = match (&args.redis, &args.postgres) {
        (Some(url), _) => match stores::redis(url).await {
            Ok(store) => serve(args.listen, store, "redis").await,
            Err(e) => Err(e),
        },
        (None, Some(url)) => match stores::postgres(url).await {
            Ok(store) => serve(args.listen, store, "postgres").await,
            Err(e) => Err(e),
        },
        (None, None) => serve(args.listen, MemoryStore::new(), "memory").await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Serves the site over `store` until Ctrl-C.
async fn serve<S: Store + 'static>(
    listen: SocketAddr,
    store: S,
    store_name: &str,
) -> Result<(), String> {
    let guard = Guard::new(store, GuardConfig::default()).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, store = store_name, "login server started");
    // On stdout, for people and for the browser test (which asks for port 0).
    println!("listening on http://{addr}");
    axum::serve(listener, routes::router(guard))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
