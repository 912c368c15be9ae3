//! The Lua scripts a [`RedisStore`](crate::RedisStore) runs, each one
//! operation that Redis runs atomically, and how one is sent: `EVALSHA`, and
//! `EVAL` when the server does not have it cached.

use redis::aio::ConnectionLike;
use redis::{ErrorKind, FromRedisValue};

use otpcore_guard::store::StoreError;

use crate::reply::unavailable;

/// One script per store operation.
#[derive(Clone)]
pub(crate) struct Scripts {
    pub(crate) attempt: Script,
    pub(crate) begin: Script,
    pub(crate) advance: Script,
    pub(crate) refund: Script,
    pub(crate) load: Script,
}

impl Scripts {
    /// The scripts shipped in `src/lua`, each with the shared pieces it uses.
    pub(crate) fn bundled() -> Self {
        Scripts {
            attempt: Script::new(concat!(
                include_str!("lua/throttle.lua"),
                include_str!("lua/record.lua"),
                include_str!("lua/attempt.lua")
            )),
            begin: Script::new(concat!(
                include_str!("lua/throttle.lua"),
                include_str!("lua/begin.lua")
            )),
            advance: Script::new(concat!(
                include_str!("lua/record.lua"),
                include_str!("lua/advance.lua")
            )),
            refund: Script::new(include_str!("lua/refund.lua")),
            load: Script::new(include_str!("lua/load.lua")),
        }
    }
}

/// A script's source and its SHA-1, the name `EVALSHA` knows it by.
#[derive(Clone)]
pub(crate) struct Script {
    source: &'static str,
    sha1: Box<str>,
}

impl Script {
    fn new(source: &'static str) -> Self {
        let sha1 = redis::Script::new(source).get_hash().into();
        Script { source, sha1 }
    }

    /// `EVALSHA`, and `EVAL` (which also caches it again) if the server does
    /// not have the script cached, for example after `SCRIPT FLUSH` or a
    /// restart.
    pub(crate) async fn run<T: FromRedisValue>(
        &self,
        mut connection: impl ConnectionLike,
        keys: &[String],
        args: &[&[u8]],
    ) -> Result<T, StoreError> {
        let mut cmd = redis::cmd("EVALSHA");
        cmd.arg(&*self.sha1).arg(keys.len()).arg(keys).arg(args);
        let reply = match cmd.query_async(&mut connection).await {
            Err(e) if e.kind() == ErrorKind::NoScriptError => {
                let mut eval = redis::cmd("EVAL");
                eval.arg(self.source).arg(keys.len()).arg(keys).arg(args);
                eval.query_async(&mut connection).await
            }
            other => other,
        };
        reply.map_err(unavailable)
    }
}
