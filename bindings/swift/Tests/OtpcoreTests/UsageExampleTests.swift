// The Swift usage example, run so that it cannot rot. The copy in bindings/README.md is
// checked against this block by bindings/python/test_readme_snippets.py.

import Foundation
import XCTest

@testable import Otpcore

final class UsageExampleTests: XCTestCase {
    func testEnrolThenVerify() throws {
        // --- usage example (bindings/README.md, in Swift) ---
        // Enrollment: a fresh secret and the otpauth:// URI to show as a QR code.
        let secret = try Secret.generate(algorithm: .sha1)
        let provisioning = try KeyUri.totp(secret: secret, issuer: "ACME Co", account: "alice@example.com").toUriString()
        // Keep secret.exposeBase32() encrypted at rest; never log it.

        // Login: one verifier per process, shared by every thread.
        let verifier = try StatefulVerifier()
        let totp = Totp(secret: secret)
        let now: UInt64 = 1_700_000_000 // or verifyTotpNow(...) on the device clock
        let typed = try totp.generateAt(at: now) // what the user's app shows
        let outcome = try verifier.verifyTotp(credentialId: "alice:totp", totp: totp, code: typed, at: now)
        let message: String
        switch outcome {
        case .accepted(_, let offset): message = "welcome (clock off by \(offset) steps)"
        case .throttled(let retryAfterSecs): message = "too many attempts; retry in \(retryAfterSecs.map { "\($0)" } ?? "-") s"
        default: message = "wrong code"
        }
        // The same code again is a replay, whichever thread sends it.
        XCTAssertEqual(try verifier.verifyTotp(credentialId: "alice:totp", totp: totp, code: typed, at: now + 5), .replayed)
        // --- end usage example ---

        XCTAssertTrue(provisioning.hasPrefix("otpauth://totp/ACME%20Co:alice%40example.com?secret="))
        XCTAssertEqual(outcome, .accepted(step: now / 30, offset: 0))
        XCTAssertEqual(message, "welcome (clock off by 0 steps)")
    }
}
