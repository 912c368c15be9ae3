//! Both drivers of the one verification (`guard/machine.rs`) — the async
//! methods over any `Store` and the blocking methods over `MemoryStore` under
//! one shard lock — decide alike (`blocking`), and neither lets a caller's time
//! expire another credential's used step (`expiry`, issue 13 §1).

mod blocking;
mod expiry;
