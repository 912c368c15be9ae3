//! Benchmarks live in `otp/` and `stateful.rs` (`cargo bench -p otpcore-benches`);
//! this empty library only gives the package a target of its own.
