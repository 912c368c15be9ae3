//! Verification is right and refuses what it must: windows, replays and typed
//! errors (`verify`), batches equal to one call at a time (`batch`), properties
//! over random inputs (`properties`), the bug classes of published CVEs in other
//! verifiers (`known_cves`), and every input a fuzzer once found interesting
//! (`fuzz_regressions`).

mod batch;
mod fuzz_regressions;
mod known_cves;
mod properties;
mod verify;
