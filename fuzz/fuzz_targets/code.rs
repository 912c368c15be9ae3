//! `Code::parse`: never panics; an accepted code is below 10^digits, displays as
//! exactly the digits typed (separators removed), and re-parses to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otpcore::{Code, Digits};

fuzz_target!(|input: (u8, &str)| {
    let (d, text) = input;
    let Ok(digits) = Digits::new(u32::from(d % 6) + 6) else {
        return;
    };
    if let Ok(code) = Code::parse(text, digits) {
        assert!(code.value() < 10u64.pow(u32::from(digits.get())));
        let shown = code.to_string();
        let typed: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        assert_eq!(shown, typed);
        assert_eq!(Code::parse(&shown, digits), Ok(code));
    }
});
