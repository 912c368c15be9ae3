//! The label rule: how a decoded label and the `issuer` parameter become the
//! issuer, the label issuer and the account, and the label [`KeyUri::to_uri_string`]
//! writes. One copy, used by the parser and by the check that every `KeyUri` can
//! be written back unchanged.
//!
//! The rule, for a label `prefix:account` and an `issuer` parameter `P`:
//! - if the label starts with `P:`, that is where the prefix ends, even when `P`
//!   itself holds a `:` (`NotABug.org: Free code hosting:no@mail.com`);
//! - otherwise the prefix ends at the first `:`;
//! - spaces after the colon are separators, not part of the account;
//! - the issuer is `P`, or the prefix when there is no `P`;
//! - a prefix different from `P` is kept as the label issuer (a display name).

use alloc::string::String;

use super::KeyUri;

/// The names a label and an issuer parameter stand for.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Names<'a> {
    pub(super) issuer: Option<&'a str>,
    pub(super) label_issuer: Option<&'a str>,
    pub(super) account: &'a str,
}

/// Applies the rule above to a percent-decoded label.
pub(super) fn resolve<'a>(label: &'a str, param: Option<&'a str>) -> Names<'a> {
    let param = param.filter(|p| !p.is_empty());
    let (prefix, account) = split(label, param);
    let prefix = prefix.filter(|p| !p.is_empty());
    let issuer = param.or(prefix);
    Names {
        issuer,
        label_issuer: prefix.filter(|p| Some(*p) != issuer),
        account: match issuer {
            Some(_) => account.trim_start_matches(' '),
            None => account,
        },
    }
}

/// Where the prefix ends: after `param:` if the label starts so, else at the
/// first colon.
fn split<'a>(label: &'a str, param: Option<&str>) -> (Option<&'a str>, &'a str) {
    let after_param = param.and_then(|p| {
        let rest = label.strip_prefix(p)?.strip_prefix(':')?;
        Some((label.get(..p.len())?, rest))
    });
    match after_param.or_else(|| label.split_once(':')) {
        Some((prefix, account)) => (Some(prefix), account.trim_start_matches(' ')),
        None => (None, label),
    }
}

/// The label prefix written before the colon (`Some("")` for a bare colon), and
/// the account. The prefix is the label issuer, else the issuer when it has no
/// colon; an issuer with a colon is written only as the parameter, so that parsers
/// splitting at the first colon read the same account.
pub(super) fn layout(uri: &KeyUri) -> (Option<&str>, &str) {
    let issuer_without_colon = uri.issuer.as_deref().filter(|i| !i.contains(':'));
    match uri.label_issuer.as_deref().or(issuer_without_colon) {
        Some(prefix) => (Some(prefix), &uri.account),
        // An empty prefix keeps a colon in the account from splitting the label.
        None if uri.issuer.is_some() && uri.account.contains(':') => (Some(""), &uri.account),
        None => (None, &uri.account),
    }
}

/// Whether the label [`layout`] writes reads back as the same names.
pub(super) fn reads_back(uri: &KeyUri) -> bool {
    let (prefix, account) = layout(uri);
    let mut label = String::new();
    if let Some(prefix) = prefix {
        label.push_str(prefix);
        label.push(':');
    }
    label.push_str(account);
    let names = resolve(&label, uri.issuer.as_deref());
    names
        == Names {
            issuer: uri.issuer.as_deref(),
            label_issuer: uri.label_issuer.as_deref(),
            account: &uri.account,
        }
}
