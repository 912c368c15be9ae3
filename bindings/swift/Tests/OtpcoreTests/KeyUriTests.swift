// otpauth:// URIs: building one for a QR code and parsing a scanned one.

import Foundation
import XCTest

@testable import Otpcore

final class KeyUriTests: XCTestCase {
    private let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    func testBuildAndParseRoundTrip() throws {
        let secret = try Secret.fromBase32(text: seed)
        let uri = try KeyUri.totp(secret: secret, issuer: "ACME Co", account: "john@example.com")
            .withDigits(digits: 8)
            .withAlgorithm(algorithm: .sha256)
        let text = uri.toUriString()
        XCTAssertTrue(text.hasPrefix("otpauth://totp/"), text)
        let parsed = try KeyUri.parse(uri: text)
        XCTAssertEqual(parsed, uri)
        XCTAssertEqual(parsed.issuer(), "ACME Co")
        XCTAssertEqual(parsed.account(), "john@example.com")
        XCTAssertEqual(parsed.algorithm(), .sha256)
        XCTAssertEqual(parsed.digits(), 8)
        XCTAssertEqual(parsed.kind(), .totp(period: 30))
        XCTAssertEqual(parsed.secret(), secret)
        XCTAssertNil(parsed.toHotp())
        XCTAssertFalse(String(reflecting: parsed).contains("GEZDGNBV"))
    }

    func testScannedUriGivesAWorkingGenerator() throws {
        let uri = try KeyUri.parse(uri: "otpauth://totp/ACME:john?secret=\(seed)&issuer=ACME&image=x")
        let totp = try XCTUnwrap(uri.toTotp())
        XCTAssertEqual(try totp.generateAt(at: 59), "287082")

        let hotpUri = try KeyUri.parse(uri: "otpauth://hotp/john?secret=\(seed)&counter=1")
        XCTAssertEqual(hotpUri.kind(), .hotp(counter: 1))
        let hotp = try XCTUnwrap(hotpUri.toHotp())
        XCTAssertEqual(hotp.generate(counter: 1), "287082")
    }

    func testInvalidUriNeverEchoesIt() {
        XCTAssertThrowsError(try KeyUri.parse(uri: "otpauth://totp/acct?secret=GEZDGNBV!!")) { error in
            guard case OtpError.InvalidUri(let message) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(message.isEmpty)
            XCTAssertFalse(message.contains("GEZDGNBV"), message)
        }
        XCTAssertThrowsOtpError(try KeyUri.totp(secret: try Secret.fromBase32(text: seed), issuer: nil, account: "")) {
            if case .InvalidUri = $0 { return true } else { return false }
        }
    }
}
