//! The transition table of `machine.rs`, row by row: from a phase, one event,
//! the action returned and the phase left behind. Both drivers pump this
//! machine, so these rows are every decision either can make.

use super::*;
use alloc::boxed::Box;
use otpcore::{TimeError, Window};

type Decide = Box<dyn FnOnce(State) -> Decision>;

/// The state `begin` answers with, which the decision must be given.
const STATE: State = State {
    last_step: Some(7),
    drift: -1,
    failures: 3,
};
const MATCHED: Match = Match { step: 8, offset: 1 };
const ADVANCE: Advance = Advance {
    step: 8,
    drift: 1,
    now: 100,
    expires_at: Some(400),
};

/// An action, comparably (`Outcome` and `StoreError` have no `PartialEq`; a
/// store error is compared by its kind).
#[derive(Debug, PartialEq)]
enum Next {
    Attempt,
    Begin(u64),
    Advance(Advance),
    Refund,
    Accepted(Match),
    Rejected(VerifyError),
    Replayed,
    Throttled(Option<Duration>),
    Unavailable(StoreErrorKind),
}

fn next(action: Action) -> Next {
    match action {
        Action::Attempt(_) => Next::Attempt,
        Action::Begin { now } => Next::Begin(now),
        Action::Advance(a) => Next::Advance(a),
        Action::Refund => Next::Refund,
        Action::Finish(Outcome::Accepted(m)) => Next::Accepted(m),
        Action::Finish(Outcome::Rejected(e)) => Next::Rejected(e),
        Action::Finish(Outcome::Replayed) => Next::Replayed,
        Action::Finish(Outcome::Throttled { retry_after }) => Next::Throttled(retry_after),
        Action::Finish(Outcome::StoreUnavailable(e)) => Next::Unavailable(e.kind()),
    }
}

/// A phase, comparably (the decision inside `AwaitBegin` is a closure).
#[derive(Clone, Copy, Debug, PartialEq)]
enum At {
    Attempt,
    Begin,
    Advance(Match),
    Refund,
    Finished,
}

fn at<D>(phase: &Phase<D>) -> At {
    match phase {
        Phase::AwaitAttempt => At::Attempt,
        Phase::AwaitBegin(_) => At::Begin,
        Phase::AwaitAdvance(m) => At::Advance(*m),
        Phase::AwaitRefund => At::Refund,
        Phase::Finished => At::Finished,
    }
}

/// The phase a row starts in.
enum From {
    /// Awaiting `begin`; the decision yields this, given [`STATE`].
    Begin(Decision),
    /// Awaiting `begin`; the decision must not run (nothing was opened).
    BeginUndecided,
    Advance,
    Refund,
    Finished,
}

fn machine(from: From) -> Verification<Decide> {
    let phase: Phase<Decide> = match from {
        From::Begin(decision) => Phase::AwaitBegin(Decider::Check(Box::new(move |state| {
            assert_eq!(state, STATE, "the decision runs on begin's state");
            decision
        }))),
        From::BeginUndecided => Phase::AwaitBegin(Decider::Check(Box::new(|_| {
            panic!("decided although begin did not open the gate")
        }))),
        From::Advance => Phase::AwaitAdvance(MATCHED),
        From::Refund => Phase::AwaitRefund,
        From::Finished => Phase::Finished,
    };
    Verification { phase }
}

fn err(kind: StoreErrorKind) -> StoreError {
    StoreError::kind_only(kind)
}

const INVALID: Next = Next::Unavailable(StoreErrorKind::InvalidData);

#[test]
fn start_finishes_on_input_errors_and_begins_otherwise() {
    let rejected = VerifyError::Time(TimeError::BeforeT0);
    let (m, action) = Verification::<Decide>::start(Err(Outcome::Rejected(rejected)), 100);
    assert_eq!(next(action), Next::Rejected(rejected));
    assert_eq!(at(&m.phase), At::Finished);

    let decide: Decide = Box::new(|_| Err(VerifyError::Mismatch));
    let (m, action) = Verification::start(Ok(decide), 100);
    assert_eq!(next(action), Next::Begin(100));
    assert_eq!(at(&m.phase), At::Begin);
}

/// The table in `machine.rs`, row by row: from a phase, on one event, the
/// action returned and the phase left behind.
#[test]
fn every_row_of_the_transition_table() {
    use StoreErrorKind::{Poisoned, Unavailable};
    use VerifyError::{Mismatch, Replayed, WindowTooLarge};
    let open = || Event::Begun(Ok(Gate::Open(STATE)));
    let throttled = |retry_after| Event::Begun(Ok(Gate::Throttled { retry_after }));
    let won = || Event::Advanced(Ok(Advanced::Won));
    let lost = || Event::Advanced(Ok(Advanced::Lost));
    let refunded = || Event::Refunded(Ok(()));
    let thirty = Some(Duration::from_secs(30));
    #[rustfmt::skip]
    let rows: [(&str, From, Event, Next, At); 21] = [
        // AwaitBegin: begin's answer, then the decision on its state.
        ("matched", From::Begin(Ok((MATCHED, ADVANCE))), open(), Next::Advance(ADVANCE),
            At::Advance(MATCHED)),
        ("replayed", From::Begin(Err(Replayed)), open(), Next::Refund, At::Refund),
        ("mismatch", From::Begin(Err(Mismatch)), open(), Next::Rejected(Mismatch), At::Finished),
        ("too wide", From::Begin(Err(WindowTooLarge)), open(), Next::Rejected(WindowTooLarge),
            At::Finished),
        ("backed off", From::BeginUndecided, throttled(Some(30)), Next::Throttled(thirty),
            At::Finished),
        ("locked out", From::BeginUndecided, throttled(None), Next::Throttled(None), At::Finished),
        ("begin failed", From::BeginUndecided, Event::Begun(Err(err(Unavailable))),
            Next::Unavailable(Unavailable), At::Finished),
        // AwaitAdvance: the compare-and-set's answer.
        ("won", From::Advance, won(), Next::Accepted(MATCHED), At::Finished),
        ("lost", From::Advance, lost(), Next::Refund, At::Refund),
        ("advance failed", From::Advance, Event::Advanced(Err(err(Poisoned))),
            Next::Unavailable(Poisoned), At::Finished),
        // AwaitRefund: the refund's answer.
        ("refunded", From::Refund, refunded(), Next::Replayed, At::Finished),
        ("refund failed", From::Refund, Event::Refunded(Err(err(Unavailable))),
            Next::Unavailable(Unavailable), At::Finished),
        // Every other pair is a driver bug: fail closed, even on a "good" answer.
        ("begin, advanced", From::BeginUndecided, won(), INVALID, At::Finished),
        ("begin, refunded", From::BeginUndecided, refunded(), INVALID, At::Finished),
        ("advance, begun", From::Advance, open(), INVALID, At::Finished),
        ("advance, refunded", From::Advance, refunded(), INVALID, At::Finished),
        ("refund, begun", From::Refund, open(), INVALID, At::Finished),
        ("refund, advanced", From::Refund, won(), INVALID, At::Finished),
        ("finished, begun", From::Finished, open(), INVALID, At::Finished),
        ("finished, advanced", From::Finished, won(), INVALID, At::Finished),
        ("finished, refunded", From::Finished, refunded(), INVALID, At::Finished),
    ];
    for (row, from, event, want, then) in rows {
        let mut m = machine(from);
        assert_eq!(next(m.on(event)), want, "{row}: action");
        assert_eq!(at(&m.phase), then, "{row}: next phase");
    }
}

/// A lost race end to end, as a driver pumps it: three store answers, then
/// a fourth that is no longer expected.
#[test]
fn a_lost_race_is_pumped_to_replayed() {
    let matched: Decide = Box::new(|_| Ok((MATCHED, ADVANCE)));
    let (mut m, action) = Verification::start(Ok(matched), 100);
    assert_eq!(next(action), Next::Begin(100));
    assert_eq!(
        next(m.on(Event::Begun(Ok(Gate::Open(STATE))))),
        Next::Advance(ADVANCE)
    );
    assert_eq!(
        next(m.on(Event::Advanced(Ok(Advanced::Lost)))),
        Next::Refund
    );
    assert_eq!(next(m.on(Event::Refunded(Ok(())))), Next::Replayed);
    assert_eq!(
        next(m.on(Event::Refunded(Ok(())))),
        INVALID,
        "after the finish"
    );
}

/// Every sequence of three store answers, expected or not: only `Won` right
/// after an open `begin` accepts, and once finished the machine stays so.
#[test]
fn only_an_open_gate_then_a_won_race_accepts() {
    let event = |i: usize| match i {
        0 => Event::Begun(Ok(Gate::Open(STATE))),
        1 => Event::Begun(Ok(Gate::Throttled { retry_after: None })),
        2 => Event::Begun(Err(err(StoreErrorKind::Unavailable))),
        3 => Event::Advanced(Ok(Advanced::Won)),
        4 => Event::Advanced(Ok(Advanced::Lost)),
        5 => Event::Advanced(Err(err(StoreErrorKind::Unavailable))),
        6 => Event::Refunded(Ok(())),
        _ => Event::Refunded(Err(err(StoreErrorKind::Unavailable))),
    };
    for sequence in 0..8 * 8 * 8 {
        let picks = [sequence % 8, sequence / 8 % 8, sequence / 64];
        let matched: Decide = Box::new(|_| Ok((MATCHED, ADVANCE)));
        let (mut m, _) = Verification::start(Ok(matched), 100);
        let mut finished = false;
        for (n, &pick) in picks.iter().enumerate() {
            let action = next(m.on(event(pick)));
            let accepts = picks[..n] == [0] && pick == 3;
            assert_eq!(action == Next::Accepted(MATCHED), accepts, "{picks:?}");
            if finished {
                assert_eq!(action, INVALID, "{picks:?}: after the finish");
            }
            finished |= at(&m.phase) == At::Finished;
        }
    }
}

/// Candidates around step 100 (max drift 1, window ±1: steps 98..=102) with
/// the input matching step 101 only.
fn offered() -> Candidates {
    let bits = b"00010".to_vec().into_boxed_slice();
    Candidates::new(3_000, 100, 1, Window::default(), bits, Some(9_000), 30).unwrap()
}

/// The `AwaitAttempt` rows: the store's verdict, checked against the bits.
#[test]
fn every_row_of_the_attempt_table() {
    use StoreErrorKind::Unavailable;
    let verdict = |v: Verdict| Event::Attempted(offered(), Ok(v));
    let m101 = Match {
        step: 101,
        offset: 1,
    };
    #[rustfmt::skip]
    let rows: [(&str, Event, Next, At); 10] = [
        ("accepted", verdict(Verdict::Accepted { step: 101 }), Next::Accepted(m101), At::Finished),
        ("accepted, unmarked step", verdict(Verdict::Accepted { step: 100 }), INVALID, At::Finished),
        ("accepted, outside", verdict(Verdict::Accepted { step: 103 }), INVALID, At::Finished),
        ("replayed", verdict(Verdict::Replayed), Next::Replayed, At::Finished),
        ("mismatch", verdict(Verdict::Mismatch), Next::Rejected(VerifyError::Mismatch), At::Finished),
        ("throttled", verdict(Verdict::Throttled { retry_after: Some(30) }),
            Next::Throttled(Some(Duration::from_secs(30))), At::Finished),
        ("unsupported", verdict(Verdict::Unsupported), Next::Begin(3_000), At::Begin),
        ("failed", Event::Attempted(offered(), Err(err(Unavailable))), Next::Unavailable(Unavailable),
            At::Finished),
        ("attempt, begun", Event::Begun(Ok(Gate::Open(STATE))), INVALID, At::Finished),
        ("attempt, advanced", Event::Advanced(Ok(Advanced::Won)), INVALID, At::Finished),
    ];
    for (row, event, want, then) in rows {
        let (mut m, action) = Verification::offer(Ok(offered()));
        assert_eq!(next(action), Next::Attempt, "{row}");
        assert_eq!(next(m.on(event)), want, "{row}: action");
        assert_eq!(at(&m.phase), then, "{row}: next phase");
    }
    let (m, action) = Verification::offer(Err(Outcome::Replayed));
    assert_eq!((next(action), at(&m.phase)), (Next::Replayed, At::Finished));
}

/// A store without `attempt`: the same decision on `begin`'s state, then the
/// compare-and-set.
#[test]
fn an_unsupported_attempt_falls_back_to_begin_and_advance() {
    let (mut m, _) = Verification::offer(Ok(offered()));
    assert_eq!(
        next(m.on(Event::Attempted(offered(), Ok(Verdict::Unsupported)))),
        Next::Begin(3_000)
    );
    let state = State {
        last_step: Some(99),
        drift: 1,
        failures: 1,
    };
    let advance = Advance {
        step: 101,
        drift: 1,
        now: 3_000,
        expires_at: Some(9_090),
    };
    assert_eq!(
        next(m.on(Event::Begun(Ok(Gate::Open(state))))),
        Next::Advance(advance)
    );
    assert_eq!(
        next(m.on(Event::Advanced(Ok(Advanced::Won)))),
        Next::Accepted(Match {
            step: 101,
            offset: 1
        })
    );
}
