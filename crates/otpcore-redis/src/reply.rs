//! What the scripts' replies mean: typed values, or a typed [`StoreError`]
//! (a failed connection is `Unavailable`, a reply of the wrong shape
//! `InvalidData`), never a panic.

use redis::{FromRedisValue, RedisError, Value};

use otpcore_guard::store::{State, StoreError, StoreErrorKind};

pub(crate) fn unavailable(e: RedisError) -> StoreError {
    StoreError::new(StoreErrorKind::Unavailable, e)
}

pub(crate) fn invalid(what: &'static str) -> StoreError {
    StoreError::new(StoreErrorKind::InvalidData, what)
}

pub(crate) fn int<T: TryFrom<i64>>(v: Option<&Value>) -> Result<T, StoreError> {
    match v {
        Some(Value::Int(n)) => T::try_from(*n).map_err(|_| invalid("integer out of range")),
        _ => Err(invalid("expected an integer")),
    }
}

pub(crate) fn text<T: core::str::FromStr>(v: Option<&Value>) -> Result<Option<T>, StoreError> {
    let s: String = v
        .map(String::from_redis_value)
        .transpose()
        .map_err(|_| invalid("expected a string"))?
        .ok_or(invalid("missing field"))?;
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| invalid("malformed number"))
}

pub(crate) fn state(
    last: Option<&Value>,
    drift: Option<&Value>,
    failures: u32,
) -> Result<State, StoreError> {
    Ok(State {
        last_step: text(last)?,
        drift: text(drift)?.unwrap_or(0),
        failures,
    })
}
