//! [`GroupedCode`]: a code split into groups as authenticator apps show it
//! (`"711 725"`, `"9428 7082"`).

use core::fmt;

use crate::{code_text, Code};

/// Longest grouped text: ten digits and two spaces.
const MAX_LEN: usize = 12;

/// A [`Code`] displayed in groups separated by single spaces, as authenticator
/// apps show codes; made by [`Code::grouped`].
///
/// # The rule
/// The fewest groups of at most four digits, as equal in length as possible,
/// shorter groups first:
///
/// | digits | groups | example |
/// |---|---|---|
/// | 6 | 3 + 3 | `711 725` (Google and Microsoft Authenticator) |
/// | 7 | 3 + 4 | `123 4567` (KeePassium) |
/// | 8 | 4 + 4 | `9428 7082` (Google Authenticator) |
/// | 9 | 3 + 3 + 3 | `123 456 789` |
/// | 10 | 3 + 3 + 4 | `123 456 7890` |
///
/// [`Code::parse`] accepts every grouping this produces.
///
/// ```
/// # use otpcore::{Code, Digits};
/// let code = Code::parse("94287082", Digits::EIGHT)?;
/// assert_eq!(code.grouped().to_string(), "9428 7082");
/// # Ok::<(), otpcore::CodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GroupedCode(Code);

impl Code {
    /// This code as apps display it, in groups (see [`GroupedCode`] for the rule).
    ///
    /// # Security
    /// As [`Code`]'s `Display`: every digit is computed with constant-divisor
    /// arithmetic; where the spaces go depends only on the (public) digit count.
    #[must_use]
    pub const fn grouped(&self) -> GroupedCode {
        GroupedCode(*self)
    }
}

/// The group lengths for `n` digits: `(groups, base, longer)`: `groups` groups,
/// the first `groups - longer` of `base` digits and the last `longer` of
/// `base + 1`. Public arithmetic on the digit count (6 to 10) only.
fn layout(n: usize) -> (usize, usize, usize) {
    // At least one group, so the divisions never divide by zero (`checked_*`
    // for the panic-freedom lints; the `None` case never happens).
    let groups = n.div_ceil(4).max(1);
    let base = n.checked_div(groups).unwrap_or(n);
    (groups, base, n.checked_rem(groups).unwrap_or(0))
}

impl fmt::Display for GroupedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.0;
        let mut digits = code_text::digits::<10, 10>(code.value(), code_text::decimal_symbol);
        digits.reverse();
        let n = usize::from(code.digits().get());
        let shown = digits
            .get(digits.len().saturating_sub(n)..)
            .ok_or(fmt::Error)?;
        let (groups, base, longer) = layout(n);
        let mut out = [b' '; MAX_LEN];
        let (mut from, mut to) = (0usize, 0usize);
        for group in 0..groups {
            let len = if group < groups.saturating_sub(longer) {
                base
            } else {
                base.saturating_add(1)
            };
            if group > 0 {
                to = to.saturating_add(1); // the space, already in `out`
            }
            let src = shown
                .get(from..from.saturating_add(len))
                .ok_or(fmt::Error)?;
            out.get_mut(to..to.saturating_add(len))
                .ok_or(fmt::Error)?
                .copy_from_slice(src);
            from = from.saturating_add(len);
            to = to.saturating_add(len);
        }
        let text = out.get(..to).ok_or(fmt::Error)?;
        // ASCII digits and spaces: the UTF-8 check takes the same path whatever
        // the code (see `Code`'s `Display`).
        f.write_str(core::str::from_utf8(text).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Code, Digits};
    use alloc::string::ToString;

    fn grouped(text: &str) -> alloc::string::String {
        let digits = Digits::new(u32::try_from(text.len()).unwrap()).unwrap();
        Code::parse(text, digits).unwrap().grouped().to_string()
    }

    #[test]
    fn groups_as_apps_show_codes() {
        assert_eq!(grouped("711725"), "711 725");
        assert_eq!(grouped("1234567"), "123 4567");
        assert_eq!(grouped("94287082"), "9428 7082");
        assert_eq!(grouped("123456789"), "123 456 789");
        assert_eq!(grouped("1234567890"), "123 456 7890");
        // Leading zeros are digits like any other.
        assert_eq!(grouped("000042"), "000 042");
        assert_eq!(grouped("0000000000"), "000 000 0000");
    }

    #[test]
    fn grouped_text_parses_back_to_the_code() {
        for d in 6..=10u32 {
            let digits = Digits::new(d).unwrap();
            for value in [0u64, 1, 10u64.pow(d) - 1, 10u64.pow(d) / 3] {
                let code =
                    Code::parse(&alloc::format!("{value:0w$}", w = d as usize), digits).unwrap();
                let text = code.grouped().to_string();
                assert_eq!(text.replace(' ', ""), code.to_string(), "{d} digits");
                assert_eq!(Code::parse(&text, digits), Ok(code));
                // No group longer than four digits, none shorter than three.
                assert!(
                    text.split(' ').all(|g| (3..=4).contains(&g.len())),
                    "{text}"
                );
            }
        }
    }
}
