// Secrets: parsing as users paste them, policies, redaction.

import Foundation
import XCTest

@testable import Otpcore

final class SecretTests: XCTestCase {
    func testBase32AsUsersPasteIt() throws {
        let canonical = try Secret.fromBase32(text: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        XCTAssertEqual(canonical.byteCount(), 20)
        XCTAssertEqual(canonical.exposeBase32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        XCTAssertEqual(try Secret.fromBase32(text: "gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), canonical)
        XCTAssertEqual(try Secret.fromBase32(text: "GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ"), canonical)
        XCTAssertEqual(try Secret.fromBytes(bytes: Data("12345678901234567890".utf8)), canonical)
    }

    func testPolicies() throws {
        // 80-bit secrets, as many services issue, need the legacy policy.
        XCTAssertThrowsOtpError(try Secret.fromBase32(text: "JBSWY3DPEHPK3PXP")) {
            if case .SecretTooShort = $0 { return true } else { return false }
        }
        let legacy = try Secret.fromBase32WithPolicy(text: "JBSWY3DPEHPK3PXP", policy: .legacy)
        XCTAssertEqual(legacy.byteCount(), 10)
        XCTAssertThrowsOtpError(try Secret.fromBytes(bytes: Data(count: 1025))) {
            if case .SecretTooLong = $0 { return true } else { return false }
        }
    }

    func testBadBase32NeverEchoesTheText() {
        XCTAssertThrowsError(try Secret.fromBase32(text: "NOT*BASE32SECRETTEXT")) { error in
            guard case OtpError.InvalidBase32(let message) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(message.contains("NOT*BASE32"), message)
            XCTAssertFalse("\(error)".contains("NOT*BASE32"))
        }
    }

    func testDescriptionIsRedacted() throws {
        let secret = try Secret.fromBase32(text: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        XCTAssertEqual(String(reflecting: secret), "Secret(..)")
        XCTAssertFalse(String(describing: Totp(secret: secret)).contains("GEZDGNBV"))
    }

    func testGeneratedSecretsAreHashLengthAndDistinct() throws {
        let a = try Secret.generate(algorithm: .sha1)
        let b = try Secret.generate(algorithm: .sha1)
        XCTAssertEqual(a.byteCount(), 20)
        XCTAssertEqual(try Secret.generate(algorithm: .sha256).byteCount(), 32)
        XCTAssertEqual(try Secret.generate(algorithm: .sha512).byteCount(), 64)
        XCTAssertNotEqual(a, b)
    }
}
