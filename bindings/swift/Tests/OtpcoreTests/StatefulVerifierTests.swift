// The stateful verifier: each code accepted once, also from many threads at once
// (`DispatchQueue.concurrentPerform`), and throttling as a typed outcome.

import Dispatch
import Foundation
import XCTest

@testable import Otpcore

final class StatefulVerifierTests: XCTestCase {
    private let t: UInt64 = 1_700_000_000

    private func totp() throws -> Totp {
        Totp(secret: try Secret.fromBytes(bytes: Data("12345678901234567890".utf8)))
    }

    func testAVerifiedCodeCannotBeVerifiedTwice() throws {
        let verifier = try StatefulVerifier()
        let totp = try totp()
        let code = try totp.generateAt(at: t)
        XCTAssertEqual(
            try verifier.verifyTotp(credentialId: "alice", totp: totp, code: code, at: t),
            .accepted(step: t / 30, offset: 0))
        // Again, re-spaced, later in the same step and in the next one: always a replay.
        XCTAssertEqual(try verifier.verifyTotp(credentialId: "alice", totp: totp, code: code, at: t + 1), .replayed)
        let respaced = String(code.prefix(3)) + " " + String(code.suffix(3))
        XCTAssertEqual(try verifier.verifyTotp(credentialId: "alice", totp: totp, code: respaced, at: t + 30), .replayed)
        XCTAssertEqual(try verifier.state(credentialId: "alice").lastStep, t / 30)
        // Another credential is independent.
        XCTAssertEqual(
            try verifier.verifyTotp(credentialId: "bob", totp: totp, code: code, at: t),
            .accepted(step: t / 30, offset: 0))

        let hotp = Hotp(secret: try Secret.fromBytes(bytes: Data("12345678901234567890".utf8)))
        XCTAssertEqual(
            try verifier.verifyHotp(credentialId: "carol:hotp", hotp: hotp, code: "755224", at: t),
            .accepted(step: 0, offset: 0))
        XCTAssertEqual(try verifier.verifyHotp(credentialId: "carol:hotp", hotp: hotp, code: "755224", at: t), .replayed)
    }

    func testExactlyOneAcceptanceUnderConcurrentPerform() throws {
        // Throttling loose enough that 64 contenders in flight are never held back.
        let verifier = try StatefulVerifier(
            config: VerifierConfig(throttle: ThrottlePolicy(lockout: 100, freeFailures: 100)))
        let totp = try totp()
        let contenders = 64
        for round in 0..<50 {
            let at = t + 30 * UInt64(round)
            let code = try totp.generateAt(at: at)
            let lock = NSLock()
            var outcomes: [VerifyOutcome] = []
            var errors: [String] = []
            DispatchQueue.concurrentPerform(iterations: contenders) { _ in
                do {
                    let outcome = try verifier.verifyTotp(credentialId: "alice", totp: totp, code: code, at: at)
                    lock.lock(); outcomes.append(outcome); lock.unlock()
                } catch {
                    lock.lock(); errors.append("\(error)"); lock.unlock()
                }
            }
            XCTAssertEqual(errors, [])
            XCTAssertEqual(
                outcomes.filter { if case .accepted = $0 { return true } else { return false } },
                [.accepted(step: at / 30, offset: 0)], "round \(round)")
            XCTAssertEqual(outcomes.filter { $0 == .replayed }.count, contenders - 1, "round \(round)")
        }
    }

    func testThrottlingIsATypedOutcome() throws {
        let verifier = try StatefulVerifier(
            config: VerifierConfig(
                throttle: ThrottlePolicy(lockout: 3, freeFailures: 1, baseDelaySecs: 10, maxDelaySecs: 60)))
        let totp = try totp()
        func verify(_ code: String, _ at: UInt64) throws -> VerifyOutcome {
            try verifier.verifyTotp(credentialId: "mallory", totp: totp, code: code, at: at)
        }
        XCTAssertEqual(try verify("000000", t), .rejected(reason: .mismatch))
        XCTAssertEqual(try verify("000000", t), .throttled(retryAfterSecs: 10))
        // The right code is refused too while throttled: it is not even checked.
        XCTAssertEqual(try verify(try totp.generateAt(at: t + 1), t + 1), .throttled(retryAfterSecs: 9))
        XCTAssertEqual(try verify("000000", t + 10), .rejected(reason: .mismatch))
        XCTAssertEqual(try verify("000000", t + 40), .rejected(reason: .mismatch))
        XCTAssertEqual(try verify("000000", t + 10_000), .throttled(retryAfterSecs: nil))
        XCTAssertEqual(try verifier.state(credentialId: "mallory").failures, 3)
        try verifier.reset(credentialId: "mallory")
        let late = t + 10_000
        XCTAssertEqual(try verify(try totp.generateAt(at: late), late), .accepted(step: late / 30, offset: 0))
        XCTAssertEqual(try verify("12x456", late), .rejected(reason: .malformedCode))
    }

    func testBadIdsAndConfigsThrow() throws {
        let verifier = try StatefulVerifier()
        let totp = try totp()
        for id in ["", "a b", "{x}", "é", String(repeating: "x", count: 201)] {
            XCTAssertThrowsOtpError(try verifier.verifyTotp(credentialId: id, totp: totp, code: "000000", at: t)) {
                if case .InvalidCredentialId = $0 { return true } else { return false }
            }
        }
        for config in [
            VerifierConfig(throttle: ThrottlePolicy(lockout: 0)),
            VerifierConfig(maxDrift: 1001),
            VerifierConfig(totpWindow: Window(behind: 1000, ahead: 1)),
        ] {
            XCTAssertThrowsOtpError(try StatefulVerifier(config: config)) {
                if case .InvalidConfig = $0 { return true } else { return false }
            }
        }
    }
}
