// Verification as an app or server uses it: drift windows, replay protection
// through `lastUsed`, errors thrown as Swift errors, and sharing one object
// between threads. The stateful verifier is in StatefulVerifierTests.swift.

import Dispatch
import Foundation
import XCTest

@testable import Otpcore

/// Asserts that `expression` throws an `OtpError` accepted by `isExpected`.
func XCTAssertThrowsOtpError<T>(
    _ expression: @autoclosure () throws -> T,
    _ isExpected: (OtpError) -> Bool,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        guard let otpError = error as? OtpError else {
            return XCTFail("not an OtpError: \(error)", file: file, line: line)
        }
        XCTAssertTrue(isExpected(otpError), "unexpected error \(otpError)", file: file, line: line)
    }
}

final class VerifyTests: XCTestCase {
    // RFC 6238 SHA-1 seed; code "287082" is step 1 (t = 30..59) with 6 digits.
    private let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    private func totp() throws -> Totp { Totp(secret: try Secret.fromBase32(text: seed)) }

    func testWindowReportsTheOffset() throws {
        let totp = try totp()
        XCTAssertEqual(try totp.verifyAt(code: "287082", at: 59), Match(step: 1, offset: 0))
        // Verified one step late (t = 89 is step 2): the user's clock is behind.
        XCTAssertEqual(try totp.verifyAt(code: "287082", at: 89), Match(step: 1, offset: -1))
        // One step early: the user's clock is ahead.
        XCTAssertEqual(try totp.verifyAt(code: "287082", at: 29), Match(step: 1, offset: 1))
        // Two steps late is outside the default window.
        XCTAssertThrowsOtpError(try totp.verifyAt(code: "287082", at: 119)) {
            if case .Mismatch = $0 { return true } else { return false }
        }
        XCTAssertEqual(
            try totp.verifyAt(code: "287082", at: 119, window: Window(behind: 2, ahead: 0)),
            Match(step: 1, offset: -2))
    }

    func testReplayIsRefused() throws {
        let totp = try totp()
        let first = try totp.verifyAt(code: "287082", at: 59)
        XCTAssertThrowsOtpError(try totp.verifyAt(code: "287082", at: 60, lastUsed: first.step)) {
            if case .Replayed = $0 { return true } else { return false }
        }
        // The next step's code is still accepted.
        let next = try totp.generateAt(at: 60)
        XCTAssertEqual(try totp.verifyAt(code: next, at: 60, lastUsed: first.step), Match(step: 2, offset: 0))
    }

    func testInputErrorsAreDistinctSwiftErrors() throws {
        let totp = try totp()
        XCTAssertThrowsOtpError(try totp.verifyAt(code: "28708", at: 59)) {
            if case .MalformedCode = $0 { return true } else { return false }
        }
        XCTAssertThrowsOtpError(try totp.verifyAt(code: "28708x", at: 59)) {
            if case .MalformedCode = $0 { return true } else { return false }
        }
        XCTAssertThrowsOtpError(
            try totp.verifyAt(code: "287082", at: 59, window: Window(behind: 1000, ahead: 1))
        ) {
            if case .WindowTooLarge = $0 { return true } else { return false }
        }
        let late = try Totp.withConfig(
            secret: try Secret.fromBase32(text: seed),
            config: TotpConfig(algorithm: .sha1, digits: 6, period: 30, t0: 100))
        XCTAssertThrowsOtpError(try late.generateAt(at: 99)) {
            if case .BeforeT0 = $0 { return true } else { return false }
        }
        XCTAssertThrowsOtpError(
            try Totp.withConfig(
                secret: try Secret.fromBase32(text: seed),
                config: TotpConfig(algorithm: .sha1, digits: 11, period: 30, t0: 0))
        ) {
            if case .InvalidDigits = $0 { return true } else { return false }
        }
        XCTAssertThrowsOtpError(
            try Totp.withConfig(
                secret: try Secret.fromBase32(text: seed),
                config: TotpConfig(algorithm: .sha1, digits: 6, period: 0, t0: 0))
        ) {
            if case .InvalidPeriod = $0 { return true } else { return false }
        }
    }

    func testErrorsCanBeCaughtByType() throws {
        let totp = try totp()
        do {
            _ = try totp.verifyAt(code: "000000", at: 59)
            XCTFail("a wrong code must throw")
        } catch let error as OtpError {
            guard case .Mismatch(let message) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(message.isEmpty)
            // Messages are safe to log: they never echo the code.
            XCTAssertFalse(message.contains("000000"), message)
        }
    }

    func testOneObjectSharedBetweenThreads() throws {
        let totp = try totp()
        let expected = try totp.generateAt(at: 1_111_111_111)
        let lock = NSLock()
        var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            do {
                let at = 1_111_111_111 + UInt64(i % 3)
                XCTAssertEqual(try totp.generateAt(at: at), expected)
                _ = try totp.verifyAt(code: expected, at: at)
            } catch {
                lock.lock()
                failures.append("\(error)")
                lock.unlock()
            }
        }
        XCTAssertEqual(failures, [])
    }
}
