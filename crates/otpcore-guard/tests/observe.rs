//! Feature `observe`: a full scenario's spans and metrics, captured by a
//! `tracing` layer and a `metrics` recorder of this test, hold what
//! `src/guard/observe.rs` promises — and no secret, code or URI.
#![cfg(feature = "observe")]

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use metrics::{Counter, CounterFn, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata};
use metrics::{SharedString, Unit};
use otpcore::{Secret, Totp, TotpConfig};
use otpcore_guard::store::{CredentialId, MemoryStore};
use otpcore_guard::{Guard, GuardConfig, Outcome, ThrottlePolicy};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

type Log = Arc<Mutex<Vec<String>>>;

struct Spans(Log);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl<S: tracing::Subscriber> Layer<S> for Spans {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        let mut fields = Fields(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }

    fn on_record(
        &self,
        _: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: Context<'_, S>,
    ) {
        let mut fields = Fields("record".into());
        values.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields(format!("event {}", event.metadata().name()));
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
}

struct Recorder(Log);

struct Cell(Log, String);

impl CounterFn for Cell {
    fn increment(&self, value: u64) {
        self.0.lock().unwrap().push(format!("{} +{value}", self.1));
    }
    fn absolute(&self, value: u64) {
        self.0.lock().unwrap().push(format!("{} ={value}", self.1));
    }
}

impl HistogramFn for Cell {
    fn record(&self, value: f64) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} <- {value}", self.1));
    }
}

fn name(key: &Key) -> String {
    let labels: Vec<String> = key
        .labels()
        .map(|l| format!("{}={}", l.key(), l.value()))
        .collect();
    format!("{}{{{}}}", key.name(), labels.join(","))
}

impl metrics::Recorder for Recorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(Arc::new(Cell(self.0.clone(), name(key))))
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(Arc::new(Cell(self.0.clone(), name(key))))
    }
}

#[tokio::test]
async fn spans_and_metrics_of_a_full_scenario_hold_no_secret() {
    let spans: Log = Log::default();
    let metrics_log: Log = Log::default();
    metrics::set_global_recorder(Recorder(metrics_log.clone())).unwrap();
    let subscriber = tracing_subscriber::registry().with(Spans(spans.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);

    let base32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let secret = Secret::from_base32(base32).unwrap();
    let t = Totp::new(&secret, TotpConfig::default());
    let config = GuardConfig {
        throttle: ThrottlePolicy::lockout_after(2).unwrap(),
        ..GuardConfig::default()
    };
    let guard = Guard::new(MemoryStore::new(), config).unwrap();
    let c = CredentialId::new("observed").unwrap();
    let at = 1_700_000_000;
    let code = t.generate_at(at).unwrap().to_string();
    let next = t.generate_at(at + 30).unwrap().to_string();
    let mut codes = vec![code.clone(), next.clone()];
    assert!(matches!(
        guard.verify_totp(&c, &t, &code, at).await,
        Outcome::Accepted(_)
    ));
    assert!(matches!(
        guard.verify_totp(&c, &t, &code, at).await,
        Outcome::Replayed
    ));
    let wrong = (0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|w| (at / 30 - 12..=at / 30 + 12).all(|s| t.generate_step(s).to_string() != *w))
        .unwrap();
    codes.push(wrong.clone());
    for _ in 0..2 {
        assert!(matches!(
            guard.verify_totp(&c, &t, &wrong, at).await,
            Outcome::Rejected(_)
        ));
    }
    let o = guard.verify_totp(&c, &t, &next, at + 30).await;
    assert!(matches!(o, Outcome::Throttled { .. }), "{o:?}");
    guard.reset(&c).await.unwrap();
    let o = guard.verify_totp_blocking(&c, &t, &next, at + 30);
    assert!(matches!(o, Outcome::Accepted(_)), "{o:?}");

    let spans = spans.lock().unwrap().clone();
    let metrics_log = metrics_log.lock().unwrap().clone();
    // Metric values (timings) are numbers that may contain any digits: only
    // names and labels are searched.
    let names = metrics_log
        .iter()
        .map(|l| l.split([' ']).next().unwrap_or("").to_string());
    let all: Vec<String> = spans.iter().cloned().chain(names).collect();
    // What is there.
    let has = |log: &[String], needle: &str| log.iter().any(|l| l.contains(needle));
    assert!(
        has(&spans, "span otpcore.verify kind=\"totp\""),
        "{spans:#?}"
    );
    assert!(
        has(&spans, "span otpcore.store op=\"attempt\""),
        "{spans:#?}"
    );
    for outcome in ["accepted", "replayed", "rejected", "throttled"] {
        assert!(
            has(&spans, &format!("outcome=\"{outcome}\"")),
            "{outcome}: {spans:#?}"
        );
        let counter = format!("otpcore_verifications_total{{kind=totp,outcome={outcome}}} +1");
        assert!(has(&metrics_log, &counter), "{counter}: {metrics_log:#?}");
    }
    assert!(
        has(&metrics_log, "otpcore_store_seconds{op=attempt} <- "),
        "{metrics_log:#?}"
    );
    assert!(
        has(&metrics_log, "otpcore_drift_steps{kind=totp} <- 0"),
        "{metrics_log:#?}"
    );
    // What is not: the secret (raw or base32), any code typed, a URI, the credential.
    for line in &all {
        for needle in [base32, "12345678901234567890", "otpauth", "observed"] {
            assert!(!line.contains(needle), "{needle} in {line}");
        }
        for code in &codes {
            assert!(!line.contains(code.as_str()), "code {code} in {line}");
        }
    }
}
