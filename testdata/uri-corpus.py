"""Regenerates uri-corpus.json: otpauth URIs as real services and apps emit them.

    python3 testdata/uri-corpus.py > testdata/uri-corpus.json

Each case is a URI (with fake secrets and account names) and its source, and
either what it means (`expect`) or why it is refused (`error`, with otpcore's
message). The `canonical` text and the `code` of each accepted case are derived
here, independently of otpcore: the canonical text by Python's urllib from the
expected fields (the writing rule of crates/otpcore/src/uri/write.rs), the code by
Python's hmac from the expected secret and parameters (RFC 4226 §5.3; Steam's
alphabet as pyotp.contrib.Steam has it). pyotp itself refuses secrets under 112
bits, so it cannot compute the 80-bit cases; the differential test compares it
wherever it can. The Rust, Kotlin, Swift and Python
suites read the file; crates/otpcore-cli/tests/differential/uri_corpus.py
regenerates it, diffs it with the committed copy, and runs pyotp's own parser on
every URI it accepts.
"""

import base64
import hashlib
import hmac
import json
import sys
from urllib.parse import quote

TIME = 1234567890  # the code of TOTP and Steam cases is at this Unix time


def unpadded(secret_b32):
    """The secret as otpcore writes it: the decoded bytes in upper-case base32, no
    padding (a text whose last character has bits past the key's end, as the
    pyotp #174 secret does, changes)."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    return base64.b32encode(key).decode().rstrip("=")


def case(name, source, uri, allow_short_secret=False, **expect):
    expect["secret_base32"] = unpadded(expect["secret_base32"])
    return {"name": name, "source": source, "uri": uri,
            "allow_short_secret": allow_short_secret, "expect": expect}


def refused(name, source, uri, error, message, allow_short_secret=False):
    return {"name": name, "source": source, "uri": uri,
            "allow_short_secret": allow_short_secret, "error": error, "message": message}


def totp(issuer, account, secret, label_issuer=None, **kw):
    return dict(type="totp", issuer=issuer, label_issuer=label_issuer, account=account,
                secret_base32=secret, algorithm=kw.get("algorithm", "SHA1"),
                digits=kw.get("digits", 6), period=kw.get("period", 30), counter=None,
                image=kw.get("image"))


def steam(issuer, account, secret):
    return dict(type="steam", issuer=issuer, label_issuer=None, account=account,
                secret_base32=secret, algorithm="SHA1", digits=5, period=30, counter=None,
                image=None)


CASES = [
    case("microsoft-365-tenant-label", "otphp issue #242 and PR #247 (Spomky-Labs/otphp): the "
         "URI of a Microsoft 365 QR code; also totp-rs #52, pyotp #120",
         "otpauth://totp/Some+Company%3ame%40somecompany.net?secret=abcdefghijklmnop&issuer=Microsoft",
         True, **totp("Microsoft", "me@somecompany.net", "ABCDEFGHIJKLMNOP", "Some Company")),
    case("microsoft-365-onmicrosoft", "pyotp issue #120 (pyauth/pyotp): Microsoft work account, "
         "tenant name in the label, issuer=Microsoft",
         "otpauth://totp/CompanyName%3Aalice%40contoso.onmicrosoft.com?secret=n5ca3k2mxzq7d4ef&issuer=Microsoft",
         True, **totp("Microsoft", "alice@contoso.onmicrosoft.com", "N5CA3K2MXZQ7D4EF", "CompanyName")),
    case("microsoft-external-60s", "totp-rs issue #52 (constantoine/totp-rs, closed wontfix): "
         "Microsoft external account, 60 s period",
         "otpauth://totp/Issuer1:foo@bar.com?algorithm=SHA1&digits=6&issuer=Microsoft&period=60"
         "&secret=KRUGS4ZANFZSAYJAMZQWWZJAONSWG4TFOQQQ",
         **totp("Microsoft", "foo@bar.com", "KRUGS4ZANFZSAYJAMZQWWZJAONSWG4TFOQQQ", "Issuer1",
                period=60)),
    case("cloudflare-space-after-colon", "pyotp issue #171 (pyauth/pyotp): exported from Ente "
         "Auth after an Authy import, a literal space after the colon",
         "otpauth://totp/Cloudflare: user@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
         "&digits=6&period=30&issuer=Cloudflare",
         **totp("Cloudflare", "user@example.com", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")),
    case("slack-workspace-label", "hectorm/otpauth issue #25: Slack puts the workspace in the "
         "label prefix (issuer parameter as the report's comparison implies)",
         "otpauth://totp/Slack%20(Name%20Company%20Wonderfoul):guest@mailer.com"
         "?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Slack",
         **totp("Slack", "guest@mailer.com", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
                "Slack (Name Company Wonderfoul)")),
    case("aegis-issuer-with-colon", "Aegis issue #1701 (beemdevelopment/Aegis): an issuer "
         "containing a colon, %3A-encoded in the label",
         "otpauth://totp/Test%3A%20Foo%3AUser?secret=ONSWG4TFOQQGC3TEEBSWC43ZEBZWKY3SMV2A&issuer=Test%3A%20Foo",
         **totp("Test: Foo", "User", "ONSWG4TFOQQGC3TEEBSWC43ZEBZWKY3SMV2A")),
    case("pyotp-encoded-colon-in-issuer", "pyotp issue #174 and PR #187 (pyauth/pyotp)",
         "otpauth://totp/Text%3A%20More%20Text:Secret?secret=FFFFFFFAAAAAABBBBBBB"
         "&issuer=Text%3A%20More%20Text",
         True, **totp("Text: More Text", "Secret", "FFFFFFFAAAAAABBBBBBB")),
    case("cotp-lowercase-encoded-colon", "replydev/cotp issue #548: %3a (lower case) as the "
         "separator, issuer in both places",
         "otpauth://totp/foo%3abar?issuer=foo&secret=JBSWY3DPEHPK3PXP",
         True, **totp("foo", "bar", "JBSWY3DPEHPK3PXP")),
    case("notabug-colon-in-app-name", "otpcore issue 15: NotABug.org (a Gogs instance) names "
         "itself 'NotABug.org: Free code hosting'; + for spaces in the parameter",
         "otpauth://totp/NotABug.org:%20Free%20code%20hosting:no@mail.com"
         "?secret=NZXWC3TPORQWE5LHFZXXEZZAMZZGKZI&issuer=NotABug.org:+Free+code+hosting",
         **totp("NotABug.org: Free code hosting", "no@mail.com", "NZXWC3TPORQWE5LHFZXXEZZAMZZGKZI")),
    case("gitea-app-url-in-issuer", "gitea PR #2335 (go-gitea/gitea) puts the AppURL in the "
         "issuer; with the default app name 'Gitea: Git with a cup of tea' (otpcore issue 15)",
         "otpauth://totp/Gitea:%20Git%20with%20a%20cup%20of%20tea%20(https://old.huihui.cat):user"
         "?secret=M5UXIZLBEBTWS5DFMEQGQ5LJNB2WSLTDMF2A&issuer=Gitea%3A%20Git%20with%20a%20cup%20of%20tea"
         "%20%28https%3A%2F%2Fold.huihui.cat%29",
         **totp("Gitea: Git with a cup of tea (https://old.huihui.cat)", "user",
                "M5UXIZLBEBTWS5DFMEQGQ5LJNB2WSLTDMF2A")),
    case("github-80-bit", "github/copilot-sdk issue #290: a GitHub QR code pasted into an "
         "issue (80-bit secret, 16 base32 characters)",
         "otpauth://totp/GitHub:octocat?secret=Q4DJCMTGTRRXPEPZ&issuer=GitHub",
         True, **totp("GitHub", "octocat", "Q4DJCMTGTRRXPEPZ")),
    case("discord-80-bit-lowercase", "pass-extension/pass-otp issue #40: Discord's URI "
         "(80-bit secret; lower case here)",
         "otpauth://totp/discordapp.com:alice%40example.com?secret=mzxw6ytboi3tqojq&issuer=discordapp.com",
         True, **totp("discordapp.com", "alice@example.com", "MZXW6YTBOI3TQOJQ")),
    case("protonmail-issuer-parameter-only", "ProtonVPN/proton-vpn-settings issue #127: no "
         "label prefix, issuer only as the parameter, padded secret",
         "otpauth://totp/bdtst@protonmail?secret=KBZG62DPNZWWC2LMEBTGS6DUOVZGKIBR&issuer=ProtonMail"
         "&algorithm=SHA1&digits=6&period=30",
         **totp("ProtonMail", "bdtst@protonmail", "KBZG62DPNZWWC2LMEBTGS6DUOVZGKIBR")),
    case("key-uri-format-example", "Google Key Uri Format wiki (google/google-authenticator), "
         "its documented example",
         "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
         "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
         **totp("ACME Co", "john.doe@email.com", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")),
    case("google-authenticator-image", "google/google-authenticator issue #685: an image URL "
         "left unencoded before the secret",
         "otpauth://totp/Issuer%3Ajohn%40example.com?image=https://picsum.photos/100.png"
         "&secret=4ED3SSHWSYSHC3FTEZFIOFPLDFIT2R2Y&issuer=Issuer",
         **totp("Issuer", "john@example.com", "4ED3SSHWSYSHC3FTEZFIOFPLDFIT2R2Y",
                image="https://picsum.photos/100.png")),
    case("steam-encoder-keepassxc", "keeweb issue #1881 (keeweb/keeweb): the KeePassXC form, "
         "encoder=steam on a totp URI; pyotp parses it since PR #153",
         "otpauth://totp/Steam:alice?secret=ONSXEZLUFVZWIYJNNJUW4YLMFVQWS3DF&algorithm=SHA1"
         "&encoder=steam&digits=5&period=30&issuer=Steam",
         **steam("Steam", "alice", "ONSXEZLUFVZWIYJNNJUW4YLMFVQWS3DF")),
    case("steam-encoder-pyotp", "pyotp PR #153 (pyauth/pyotp): parse_uri reads encoder=steam "
         "as pyotp.contrib.Steam (without an algorithm parameter, which pyotp 2.12 mishandles)",
         "otpauth://totp/Steam:alice?secret=ONSXEZLUFVZWIYJNNJUW4YLMFVQWS3DF&issuer=Steam"
         "&encoder=steam&digits=5&period=30",
         **steam("Steam", "alice", "ONSXEZLUFVZWIYJNNJUW4YLMFVQWS3DF")),
    case("steam-type-aegis-export", "2FAuth issue #160 (Bubka/2FAuth): an Aegis export; the "
         "type Aegis (PR #366) and andOTP (issue #510) read and write",
         "otpauth://steam/Steam%3Amyname?period=30&digits=5&algorithm=SHA1"
         "&secret=MNUGC3DMMVXGOZJNONSWG4TFOQQGC3TE&issuer=Steam",
         **steam("Steam", "myname", "MNUGC3DMMVXGOZJNONSWG4TFOQQGC3TE")),
    case("steam-scheme-keyguard", "AChep/keyguard-app issue #536: steam://SECRET, as Keyguard "
         "and Bitwarden take a Steam secret",
         "steam://KNSWG4TFOQQGS3RAMJQXGZJTGIQGM33S",
         **steam(None, "", "KNSWG4TFOQQGS3RAMJQXGZJTGIQGM33S")),
    case("steam-desktop-authenticator-plain", "Steam Desktop Authenticator's maFile 'uri' "
         "(KeePassOTP wiki, Using KeePassOTP with Steam): no Steam marker, so a 6-digit TOTP "
         "(apps that guess Steam from the issuer name disagree: FreeOTP PR #105, Aegis #343)",
         "otpauth://totp/Steam:alice?secret=OJSWM5LTMUQGC4ZAMEQHIZLTOQQGW2LU&issuer=Steam",
         **totp("Steam", "alice", "OJSWM5LTMUQGC4ZAMEQHIZLTOQQGW2LU")),
    case("freeotp-image-hotp", "privacyidea issue #1228 (privacyidea/privacyidea): FreeOTP's "
         "image parameter on an HOTP URI with a lower-case secret",
         "otpauth://hotp/FreeOTP:Fr?secret=mzzgkzlporycaylcmnsgkzthnbuwk2lmnvxa&algorithm=SHA1"
         "&digits=6&period=30&counter=0&image=https%3A%2F%2Ffreeotp.github.io%2Fimg%2Ffreeotp.svg",
         **{**totp("FreeOTP", "Fr", "MZZGKZLPORYCAYLCMNSGKZTHNBUWK2LMNVXA",
                   image="https://freeotp.github.io/img/freeotp.svg"),
            "type": "hotp", "period": None, "counter": 0}),
    refused("microsoft-365-strict", "otphp issue #242: the Microsoft URI without the "
            "short-secret opt-in",
            "otpauth://totp/Some+Company%3ame%40somecompany.net?secret=abcdefghijklmnop&issuer=Microsoft",
            "secret_too_short", "URI secret: secret is 10 bytes; at least 16 are required"),
    refused("masked-secret", "pyotp issue #120: the URI as pasted, secret masked with '*'",
            "otpauth://totp/CompanyName%3Aalice%40contoso.onmicrosoft.com?secret=********ddrtkfb2k"
            "&issuer=Microsoft",
            "secret_invalid_base32", "URI secret: secret is not valid base32", True),
    refused("fifty-bit-secret", "otphp issue #143 (Spomky-Labs/otphp): secret HELLOWORLD is 6 "
            "bytes, below even the 80-bit opt-in",
            "otpauth://totp/BestService?algorithm=SHA1&digits=6&period=30&secret=HELLOWORLD",
            "secret_too_short", "URI secret: secret is 6 bytes; at least 10 are required", True),
    refused("topt-typo", "KeePassOTP wiki, Using KeePassOTP with Steam: the type misspelt "
            "'topt'", "otpauth://topt/Steam:alice?secret=OJSWM5LTMUQGC4ZAMEQHIZLTOQQGW2LU&issuer=Steam",
            "unknown_type", "URI type must be totp, hotp or steam"),
    refused("steam-six-digits", "constructed: Steam with parameters that are not Steam's",
            "otpauth://steam/Steam:alice?secret=ONSXEZLUFVZWIYJNNJUW4YLMFVQWS3DF&digits=6",
            "not_steam_parameters",
            "Steam URI parameters must be SHA1, 5 digits, 30 s, time-based"),
    refused("unknown-encoder", "constructed: an encoder otpcore does not know",
            "otpauth://totp/A:alice?secret=ONSXEZLUFVZWIYJNNJUW4YLMFVQWS3DF&encoder=base26",
            "unknown_encoder", "URI encoder must be steam"),
    refused("colon-in-account-without-issuer", "otpcore fuzz target uri "
            "(fuzz_regressions::uri_account_with_colon_and_no_issuer_is_refused)",
            "otpauth://totp/:a:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "colon_in_label", "issuer (or account without issuer) contains ':'"),
]


def enc(text):
    return quote(text, safe="-._~")


def canonical(e):
    """The writing rule of src/uri/write.rs, from the expected fields."""
    if e["type"] == "steam" and not e["account"]:
        return "steam://" + e["secret_base32"]
    issuer, label_issuer = e["issuer"], e["label_issuer"]
    prefix = label_issuer or (issuer if issuer and ":" not in issuer else None)
    if prefix is None and issuer and ":" in e["account"]:
        prefix = ""
    label = (enc(prefix) + ":" if prefix is not None else "") + enc(e["account"])
    out = f"otpauth://{e['type']}/{label}?secret={e['secret_base32']}"
    if issuer:
        out += "&issuer=" + enc(issuer)
    if e["type"] == "steam":
        out += "&algorithm=SHA1&digits=5&period=30"
    elif e["type"] == "totp":
        out += f"&algorithm={e['algorithm']}&digits={e['digits']}&period={e['period']}"
    else:
        out += f"&algorithm={e['algorithm']}&digits={e['digits']}&counter={e['counter']}"
    if e["image"]:
        out += "&image=" + enc(e["image"])
    return out


STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY"


def truncated(secret_b32, algorithm, counter):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, counter.to_bytes(8, "big"), getattr(hashlib, algorithm.lower())).digest()
    offset = mac[-1] & 0x0F
    return int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF


def code(e):
    """The code for the expected fields: at TIME, or at the counter for HOTP."""
    if e["type"] == "steam":
        value, chars = truncated(e["secret_base32"], "SHA1", TIME // 30), ""
        for _ in range(5):
            value, digit = divmod(value, len(STEAM_ALPHABET))
            chars += STEAM_ALPHABET[digit]
        return {"time": TIME, "code": chars}
    if e["type"] == "hotp":
        value = truncated(e["secret_base32"], e["algorithm"], e["counter"])
        return {"counter": e["counter"], "code": str(value % 10 ** e["digits"]).zfill(e["digits"])}
    value = truncated(e["secret_base32"], e["algorithm"], TIME // e["period"])
    return {"time": TIME, "code": str(value % 10 ** e["digits"]).zfill(e["digits"])}


def main():
    for c in CASES:
        if "expect" in c:
            c["expect"]["canonical"] = canonical(c["expect"])
            c["code"] = code(c["expect"])
    json.dump({"source": "testdata/uri-corpus.py (codes by Python's hmac)",
               "cases": CASES}, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
